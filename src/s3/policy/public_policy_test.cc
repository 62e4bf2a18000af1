// "Is public" as S3 Block Public Access defines it (public_policy.h).
#include "s3/policy/public_policy.h"

#include <gtest/gtest.h>

#include "s3/policy/testing/test_util.h"

namespace stocktake::s3::policy {
namespace {

using testing::MustParse;

bool PublicWith(std::string_view principal, std::string_view condition = "",
                std::string_view effect = "Allow") {
  std::string json = std::string(R"({"Version":"2012-10-17","Statement":[{"Effect":")") +
                     std::string(effect) + R"(","Principal":)" + std::string(principal) +
                     R"(,"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"])";
  if (!condition.empty()) json += R"(,"Condition":)" + std::string(condition);
  json += "}]}";
  return IsPublic(MustParse(json, "b"));
}

TEST(PublicPolicyTest, GrantToEveryoneIsPublic) {
  EXPECT_TRUE(PublicWith(R"("*")"));
  EXPECT_TRUE(PublicWith(R"({"AWS":"*"})"));
  EXPECT_TRUE(PublicWith(R"({"AWS":["111122223333","*"]})"));
}

TEST(PublicPolicyTest, FixedPrincipalsAreNotPublic) {
  EXPECT_FALSE(PublicWith(R"({"AWS":"111122223333"})"));
  EXPECT_FALSE(PublicWith(R"({"AWS":"arn:aws:iam::111122223333:user/Alice"})"));
  EXPECT_FALSE(PublicWith(R"({"Service":"s3.amazonaws.com"})"));
  EXPECT_FALSE(PublicWith(R"({"CanonicalUser":")" + std::string(64, 'a') + R"("})"));
}

TEST(PublicPolicyTest, DenyIsNeverPublic) { EXPECT_FALSE(PublicWith(R"("*")", "", "Deny")); }

TEST(PublicPolicyTest, FixedSourceConditionsMakeItNonPublic) {
  for (const char* condition : {
           R"({"StringEquals":{"aws:SourceAccount":"111122223333"}})",
           R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::source-bucket"}})",
           R"({"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::source-bucket"}})",
           R"({"StringEquals":{"aws:SourceVpc":"vpc-91237329"}})",
           R"({"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}})",
           R"({"StringEquals":{"aws:SourceOwner":"111122223333"}})",
           R"({"StringEquals":{"aws:PrincipalAccount":["111122223333","444455556666"]}})",
           R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})",
           R"({"StringEquals":{"aws:userid":"AIDAEXAMPLE"}})",
           R"({"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}})",
           R"({"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}})",
           R"({"ForAnyValue:StringEquals":{"aws:SourceAccount":"111122223333"}})",
       }) {
    EXPECT_FALSE(PublicWith(R"("*")", condition)) << condition;
  }
}

TEST(PublicPolicyTest, ConditionsThatDoNotPinTheRequestKeepItPublic) {
  for (const char* condition : {
           // AWS's own example of a public policy: a wildcard is not a fixed value.
           R"({"StringLike":{"aws:SourceVpc":"vpc-*"}})",
           R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}})",
           // A policy variable is not a fixed value.
           R"({"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}})",
           // An absent key satisfies these, so they pin nothing.
           R"({"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}})",
           R"({"ForAllValues:StringEquals":{"aws:SourceAccount":"111122223333"}})",
           // Negated operators admit everyone else.
           R"({"StringNotEquals":{"aws:SourceAccount":"111122223333"}})",
           R"({"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}})",
           // Too broad a range, and an empty range list.
           R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})",
           R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}})",
           R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","::/0"]}})",
           R"({"IpAddress":{"aws:SourceIp":[]}})",
           // Keys that do not identify the caller or its source.
           R"({"Bool":{"aws:SecureTransport":"true"}})",
           R"({"StringEquals":{"aws:UserAgent":"my-app"}})",
           R"({"StringEquals":{"aws:Referer":"https://example.com"}})",
           // aws:userid of every session of a role.
           R"({"StringLike":{"aws:userid":"AROAEXAMPLE:*"}})",
       }) {
    EXPECT_TRUE(PublicWith(R"("*")", condition)) << condition;
  }
}

TEST(PublicPolicyTest, OnePublicStatementSuffices) {
  Policy policy = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*",
       "Resource":"arn:aws:s3:::b/*"},
      {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/pub/*"}
  ]})",
                            "b");
  EXPECT_TRUE(IsPublic(policy));
  EXPECT_FALSE(IsPublicStatement(policy.statements[0]));
  EXPECT_TRUE(IsPublicStatement(policy.statements[1]));
}

}  // namespace
}  // namespace stocktake::s3::policy
