#include "s3/policy/condition_values.h"

#include <gtest/gtest.h>

namespace stocktake::s3::policy {
namespace {

TEST(ConditionValuesTest, Numbers) {
  EXPECT_EQ(ParseConditionNumber("10"), 10.0);
  EXPECT_EQ(ParseConditionNumber("-2.5"), -2.5);
  EXPECT_EQ(ParseConditionNumber("0"), 0.0);
  for (const char* bad : {"", "ten", "1e3", "0x10", "inf", "nan", " 1", "1 ", "+1", "1..2"}) {
    EXPECT_FALSE(ParseConditionNumber(bad).has_value()) << bad;
  }
}

TEST(ConditionValuesTest, Dates) {
  const int64_t jan31 = 1706659200000;  // 2024-01-31T00:00:00Z
  EXPECT_EQ(ParseConditionDate("2024-01-31"), jan31);
  EXPECT_EQ(ParseConditionDate("2024-01-31T00:00:00Z"), jan31);
  EXPECT_EQ(ParseConditionDate("2024-01-31T12:30Z"), jan31 + (12 * 60 + 30) * 60000);
  EXPECT_EQ(ParseConditionDate("2024-01-31T02:00:00+02:00"), jan31);
  EXPECT_EQ(ParseConditionDate("2024-01-30T22:00:00-02:00"), jan31);
  EXPECT_EQ(ParseConditionDate("2024-01-31T00:00:00.250Z"), jan31 + 250);
  EXPECT_EQ(ParseConditionDate("1706659200"), jan31);          // epoch seconds
  EXPECT_EQ(ParseConditionDate("2024"), 1704067200000);        // a W3C year
  EXPECT_EQ(ParseConditionDate("2024-02-29"), 1709164800000);  // leap day
  for (const char* bad :
       {"", "2023-02-29", "2024-13-01", "2024-01-32", "2024-01-31T25:00Z", "2024-01-31T12:00",
        "2024-01-31 12:00:00Z", "yesterday", "2024-01-31T12:00:00Zjunk", "99999999999999"}) {
    EXPECT_FALSE(ParseConditionDate(bad).has_value()) << bad;
  }
}

TEST(ConditionValuesTest, Booleans) {
  EXPECT_EQ(ParseConditionBool("true"), true);
  EXPECT_EQ(ParseConditionBool("FALSE"), false);
  EXPECT_FALSE(ParseConditionBool("yes").has_value());
  EXPECT_FALSE(ParseConditionBool("1").has_value());
}

TEST(ConditionValuesTest, Ipv4Cidr) {
  std::optional<IpRange> range = ParseIpRange("54.240.143.0/24");
  ASSERT_TRUE(range.has_value());
  EXPECT_FALSE(range->v6);
  EXPECT_EQ(range->prefix_bits, 24);
  EXPECT_TRUE(IpInRange(*ParseIpRange("54.240.143.188"), *range));
  EXPECT_FALSE(IpInRange(*ParseIpRange("54.240.144.1"), *range));
  // Host bits set: accepted and masked (AWS accepts "192.168.1.1/24").
  EXPECT_TRUE(IpInRange(*ParseIpRange("192.168.1.77"), *ParseIpRange("192.168.1.1/24")));
  // A single address is a /32; /0 is everything; an odd prefix masks within a byte.
  EXPECT_TRUE(IpInRange(*ParseIpRange("10.0.0.1"), *ParseIpRange("10.0.0.1")));
  EXPECT_FALSE(IpInRange(*ParseIpRange("10.0.0.2"), *ParseIpRange("10.0.0.1")));
  EXPECT_TRUE(IpInRange(*ParseIpRange("203.0.113.9"), *ParseIpRange("0.0.0.0/0")));
  EXPECT_TRUE(IpInRange(*ParseIpRange("10.0.0.127"), *ParseIpRange("10.0.0.0/25")));
  EXPECT_FALSE(IpInRange(*ParseIpRange("10.0.0.128"), *ParseIpRange("10.0.0.0/25")));
}

TEST(ConditionValuesTest, Ipv6Cidr) {
  std::optional<IpRange> range = ParseIpRange("2001:DB8:1234:5678::/64");
  ASSERT_TRUE(range.has_value());
  EXPECT_TRUE(range->v6);
  EXPECT_TRUE(IpInRange(*ParseIpRange("2001:db8:1234:5678::1"), *range));
  EXPECT_TRUE(IpInRange(*ParseIpRange("2001:db8:1234:5678:ffff:ffff:ffff:ffff"), *range));
  EXPECT_FALSE(IpInRange(*ParseIpRange("2001:db8:1234:5679::1"), *range));
  EXPECT_TRUE(IpInRange(*ParseIpRange("::1"), *ParseIpRange("::1/128")));
}

TEST(ConditionValuesTest, IpFamiliesNeverMix) {
  EXPECT_FALSE(IpInRange(*ParseIpRange("10.0.0.1"), *ParseIpRange("::/0")));
  EXPECT_FALSE(IpInRange(*ParseIpRange("::1"), *ParseIpRange("0.0.0.0/0")));
}

TEST(ConditionValuesTest, InvalidIps) {
  for (const char* bad : {"", "123", "1.2.3", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/x", "::/129",
                          "256.1.1.1", "1.2.3.4 ", "example.com", "1.2.3.4/-1"}) {
    EXPECT_FALSE(ParseIpRange(bad).has_value()) << bad;
  }
}

TEST(ConditionValuesTest, ArnComponentsMatchSeparately) {
  EXPECT_TRUE(ArnMatch("arn:aws:s3:::source-bucket", "arn:aws:s3:::source-bucket"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::source-bucket", "arn:aws:s3:::source-bucket2"));
  EXPECT_TRUE(ArnMatch("arn:aws:s3:::source-*", "arn:aws:s3:::source-bucket2"));
  EXPECT_TRUE(ArnMatch("arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/alice"));
  // "*" in one component cannot reach into the next one.
  EXPECT_FALSE(ArnMatch("arn:aws:*:::bucket", "arn:aws:s3:us-east-1::bucket"));
  EXPECT_TRUE(ArnMatch("arn:aws:*:*::bucket", "arn:aws:s3:us-east-1::bucket"));
  EXPECT_TRUE(ArnMatch("arn:aws:iam::*:*", "arn:aws:iam::111122223333:user/alice"));
  // A pattern of fewer than six components is matched as a whole string.
  EXPECT_TRUE(ArnMatch("arn:aws:iam::*", "arn:aws:iam::111122223333:user/alice"));
  // The resource part keeps its own colons.
  EXPECT_TRUE(ArnMatch("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:1:log-group:g"));
  // Case-sensitive.
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::Bucket", "arn:aws:s3:::bucket"));
  // Not an ARN: whole-string match.
  EXPECT_TRUE(ArnMatch("*", "not-an-arn"));
  EXPECT_FALSE(ArnMatch("arn:aws:s3:::b", "not-an-arn"));
}

}  // namespace
}  // namespace stocktake::s3::policy
