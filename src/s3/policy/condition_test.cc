#include "s3/policy/condition.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stocktake::s3::policy {
namespace {

using Values = std::vector<std::string>;

Condition Make(std::string_view op, std::string key, Values values) {
  std::optional<OperatorName> name = ParseOperatorName(op);
  EXPECT_TRUE(name.has_value()) << op;
  Condition c;
  c.operator_name = std::string(op);
  if (name.has_value()) {
    c.op = name->op;
    c.qualifier = name->qualifier;
    c.if_exists = name->if_exists;
  }
  c.key = std::move(key);
  c.values = std::move(values);
  return c;
}

const VariableLookup kNoVariables = [](std::string_view) { return std::nullopt; };

bool Holds(std::string_view op, Values policy_values, Values request_values,
           PolicyVersion version = PolicyVersion::k2012_10_17,
           const VariableLookup& variables = kNoVariables) {
  return ConditionHolds(Make(op, "k", std::move(policy_values)), request_values, version,
                        variables);
}

TEST(OperatorNameTest, ParsesQualifiersAndSuffix) {
  std::optional<OperatorName> name = ParseOperatorName("ForAnyValue:StringLikeIfExists");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->op, ConditionOp::kStringLike);
  EXPECT_EQ(name->qualifier, SetQualifier::kForAnyValue);
  EXPECT_TRUE(name->if_exists);
  name = ParseOperatorName("ForAllValues:StringEquals");
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->qualifier, SetQualifier::kForAllValues);
  EXPECT_FALSE(name->if_exists);
  EXPECT_EQ(ParseOperatorName("Null")->op, ConditionOp::kNull);
}

TEST(OperatorNameTest, RejectsUnknownAndMiscased) {
  for (const char* bad : {"stringequals", "StringEqual", "ForAllValues:", "ForSomeValues:Bool",
                          "NullIfExists", "ForAnyValue:Null", "IfExists", "", "StringEqualsX"}) {
    EXPECT_FALSE(ParseOperatorName(bad).has_value()) << bad;
  }
}

TEST(OperatorNameTest, EveryOperatorRoundTrips) {
  for (const char* name : {"StringEquals",
                           "StringNotEquals",
                           "StringEqualsIgnoreCase",
                           "StringNotEqualsIgnoreCase",
                           "StringLike",
                           "StringNotLike",
                           "NumericEquals",
                           "NumericNotEquals",
                           "NumericLessThan",
                           "NumericLessThanEquals",
                           "NumericGreaterThan",
                           "NumericGreaterThanEquals",
                           "DateEquals",
                           "DateNotEquals",
                           "DateLessThan",
                           "DateLessThanEquals",
                           "DateGreaterThan",
                           "DateGreaterThanEquals",
                           "Bool",
                           "BinaryEquals",
                           "IpAddress",
                           "NotIpAddress",
                           "ArnEquals",
                           "ArnLike",
                           "ArnNotEquals",
                           "ArnNotLike",
                           "Null"}) {
    std::optional<OperatorName> parsed = ParseOperatorName(name);
    ASSERT_TRUE(parsed.has_value()) << name;
    EXPECT_EQ(ConditionOpName(parsed->op), name);
  }
}

TEST(ConditionTest, StringOperators) {
  EXPECT_TRUE(Holds("StringEquals", {"a", "b"}, {"b"}));
  EXPECT_FALSE(Holds("StringEquals", {"a"}, {"A"}));
  EXPECT_TRUE(Holds("StringNotEquals", {"a"}, {"b"}));
  EXPECT_FALSE(Holds("StringNotEquals", {"a", "b"}, {"b"}));
  EXPECT_TRUE(Holds("StringEqualsIgnoreCase", {"Bucket-Owner-Full-Control"},
                    {"bucket-owner-full-control"}));
  EXPECT_FALSE(Holds("StringNotEqualsIgnoreCase", {"ABC"}, {"abc"}));
  EXPECT_TRUE(Holds("StringLike", {"home/*"}, {"home/alice/x"}));
  EXPECT_FALSE(Holds("StringLike", {"home/*"}, {"other/"}));
  EXPECT_TRUE(Holds("StringNotLike", {"home/*"}, {"other/"}));
  EXPECT_FALSE(Holds("StringNotLike", {"home/*", "other/*"}, {"other/"}));
  EXPECT_TRUE(Holds("BinaryEquals", {"QmluYXJ5"}, {"QmluYXJ5"}));
}

TEST(ConditionTest, AbsentKeyIsFalseExceptForNegatedOperators) {
  // IAM: "If the key ... is not present in the request context, the values do not match and the
  // condition is false. If the policy condition requires that the key is not matched, such as
  // StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
  for (const char* positive : {"StringEquals", "StringLike", "NumericLessThan", "DateLessThan",
                               "Bool", "IpAddress", "ArnLike", "ArnEquals"}) {
    EXPECT_FALSE(Holds(positive, {"1"}, {})) << positive;
  }
  for (const char* negated :
       {"StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase", "NumericNotEquals",
        "DateNotEquals", "NotIpAddress", "ArnNotEquals", "ArnNotLike"}) {
    EXPECT_TRUE(Holds(negated, {"1"}, {})) << negated;
  }
}

TEST(ConditionTest, NumericOperators) {
  EXPECT_TRUE(Holds("NumericEquals", {"10"}, {"10.0"}));
  EXPECT_FALSE(Holds("NumericEquals", {"10"}, {"11"}));
  EXPECT_TRUE(Holds("NumericNotEquals", {"10"}, {"11"}));
  EXPECT_TRUE(Holds("NumericLessThan", {"10"}, {"9"}));
  EXPECT_FALSE(Holds("NumericLessThan", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericLessThanEquals", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericGreaterThan", {"10"}, {"11"}));
  EXPECT_FALSE(Holds("NumericGreaterThan", {"10"}, {"10"}));
  EXPECT_TRUE(Holds("NumericGreaterThanEquals", {"10"}, {"10"}));
  // A request value that is not a number matches nothing (so the negation holds).
  EXPECT_FALSE(Holds("NumericLessThan", {"10"}, {"abc"}));
  EXPECT_TRUE(Holds("NumericNotEquals", {"10"}, {"abc"}));
}

TEST(ConditionTest, DateOperators) {
  const Values deadline = {"2024-06-30T00:00:00Z"};
  EXPECT_TRUE(Holds("DateLessThan", deadline, {"2024-06-29T23:59:59Z"}));
  EXPECT_FALSE(Holds("DateLessThan", deadline, {"2024-06-30T00:00:00Z"}));
  EXPECT_TRUE(Holds("DateLessThanEquals", deadline, {"2024-06-30T00:00:00Z"}));
  EXPECT_TRUE(Holds("DateGreaterThan", deadline, {"2024-07-01T00:00:00Z"}));
  EXPECT_TRUE(Holds("DateGreaterThanEquals", deadline, {"1719705600"}));  // epoch form
  EXPECT_TRUE(Holds("DateEquals", deadline, {"2024-06-30T02:00:00+02:00"}));
  EXPECT_TRUE(Holds("DateNotEquals", deadline, {"2024-06-30T00:00:01Z"}));
}

TEST(ConditionTest, BoolOperator) {
  EXPECT_TRUE(Holds("Bool", {"false"}, {"false"}));
  EXPECT_TRUE(Holds("Bool", {"true"}, {"TRUE"}));
  EXPECT_FALSE(Holds("Bool", {"false"}, {"true"}));
}

TEST(ConditionTest, IpOperators) {
  const Values ranges = {"54.240.143.0/24", "2001:DB8:1234:5678::/64"};
  EXPECT_TRUE(Holds("IpAddress", ranges, {"54.240.143.7"}));
  EXPECT_TRUE(Holds("IpAddress", ranges, {"2001:db8:1234:5678::9"}));
  EXPECT_FALSE(Holds("IpAddress", ranges, {"54.240.144.7"}));
  EXPECT_TRUE(Holds("NotIpAddress", {"54.240.143.188/32"}, {"54.240.143.7"}));
  EXPECT_FALSE(Holds("NotIpAddress", {"54.240.143.188/32"}, {"54.240.143.188"}));
  EXPECT_FALSE(Holds("IpAddress", ranges, {"garbage"}));
}

TEST(ConditionTest, ArnOperators) {
  EXPECT_TRUE(Holds("ArnLike", {"arn:aws:s3:::source-*"}, {"arn:aws:s3:::source-1"}));
  EXPECT_TRUE(Holds("ArnEquals", {"arn:aws:s3:::source-*"}, {"arn:aws:s3:::source-1"}));
  EXPECT_FALSE(Holds("ArnLike", {"arn:aws:s3:::source"}, {"arn:aws:s3:::other"}));
  EXPECT_TRUE(Holds("ArnNotLike", {"arn:aws:s3:::source"}, {"arn:aws:s3:::other"}));
  EXPECT_FALSE(Holds("ArnNotEquals", {"arn:aws:s3:::source"}, {"arn:aws:s3:::source"}));
}

TEST(ConditionTest, IfExistsHoldsWhenAbsentAndChecksWhenPresent) {
  EXPECT_TRUE(Holds("StringEqualsIfExists", {"a"}, {}));
  EXPECT_TRUE(Holds("StringEqualsIfExists", {"a"}, {"a"}));
  EXPECT_FALSE(Holds("StringEqualsIfExists", {"a"}, {"b"}));
  EXPECT_TRUE(Holds("NumericLessThanIfExists", {"10"}, {}));
  EXPECT_FALSE(Holds("NumericLessThanIfExists", {"10"}, {"20"}));
  EXPECT_TRUE(Holds("StringNotEqualsIfExists", {"a"}, {}));
}

TEST(ConditionTest, NullChecksPresence) {
  EXPECT_TRUE(Holds("Null", {"true"}, {}));
  EXPECT_FALSE(Holds("Null", {"true"}, {"x"}));
  EXPECT_TRUE(Holds("Null", {"false"}, {"x"}));
  EXPECT_FALSE(Holds("Null", {"false"}, {}));
}

TEST(ConditionTest, ForAllValues) {
  const Values allowed = {"Size", "StorageClass"};
  EXPECT_TRUE(Holds("ForAllValues:StringEquals", allowed, {"Size"}));
  EXPECT_TRUE(Holds("ForAllValues:StringEquals", allowed, {"Size", "StorageClass"}));
  EXPECT_FALSE(Holds("ForAllValues:StringEquals", allowed, {"Size", "ObjectOwner"}));
  // "ForAllValues ... returns true if there are no context keys in the request".
  EXPECT_TRUE(Holds("ForAllValues:StringEquals", allowed, {}));
  // Negated: every request value matches none of the policy values.
  EXPECT_TRUE(Holds("ForAllValues:StringNotEquals", {"ObjectOwner"}, {"Size", "ETag"}));
  EXPECT_FALSE(Holds("ForAllValues:StringNotEquals", {"ObjectOwner"}, {"Size", "ObjectOwner"}));
  EXPECT_TRUE(Holds("ForAllValues:StringLike", {"*Size"}, {"Size", "ObjectSize"}));
}

TEST(ConditionTest, ForAnyValue) {
  const Values forbidden = {"ObjectOwner", "ObjectAccessControlList"};
  EXPECT_TRUE(Holds("ForAnyValue:StringEquals", forbidden, {"Size", "ObjectOwner"}));
  EXPECT_FALSE(Holds("ForAnyValue:StringEquals", forbidden, {"Size", "ETag"}));
  EXPECT_FALSE(Holds("ForAnyValue:StringEquals", forbidden, {}));  // absent: false
  // Negated: some request value matches none of the policy values.
  EXPECT_TRUE(Holds("ForAnyValue:StringNotEquals", forbidden, {"ObjectOwner", "Size"}));
  EXPECT_FALSE(Holds("ForAnyValue:StringNotEquals", forbidden, {"ObjectOwner"}));
  EXPECT_TRUE(Holds("ForAnyValue:StringEqualsIfExists", forbidden, {}));
}

TEST(ConditionTest, PlainOperatorOnMultivaluedKeyMatchesAnyValue) {
  EXPECT_TRUE(Holds("StringEquals", {"b"}, {"a", "b"}));
  EXPECT_FALSE(Holds("StringNotEquals", {"b"}, {"a", "b"}));
}

TEST(ConditionTest, PolicyVariablesOnlyIn2012Policies) {
  VariableLookup variables = [](std::string_view key) -> std::optional<std::string> {
    if (key == "aws:username") return "al*ce";
    return std::nullopt;
  };
  const Values prefix = {"home/${aws:username}/*"};
  EXPECT_TRUE(Holds("StringLike", prefix, {"home/al*ce/x"}, PolicyVersion::k2012_10_17, variables));
  // The substituted "*" is literal, not a wildcard.
  EXPECT_FALSE(
      Holds("StringLike", prefix, {"home/alice/x"}, PolicyVersion::k2012_10_17, variables));
  // 2008-10-17: "${...}" is plain text.
  EXPECT_FALSE(
      Holds("StringLike", prefix, {"home/al*ce/x"}, PolicyVersion::k2008_10_17, variables));
  EXPECT_TRUE(Holds("StringLike", prefix, {"home/${aws:username}/x"}, PolicyVersion::k2008_10_17,
                    variables));
  // A missing variable makes that value match nothing.
  EXPECT_FALSE(
      Holds("StringEquals", {"${aws:missing}"}, {""}, PolicyVersion::k2012_10_17, variables));
  EXPECT_TRUE(
      Holds("StringNotEquals", {"${aws:missing}"}, {"x"}, PolicyVersion::k2012_10_17, variables));
}

TEST(ConditionValueErrorTest, RejectsUnreadableValues) {
  EXPECT_EQ(ConditionValueError(Make("IpAddress", "aws:SourceIp", {"123"})),
            "Invalid IP address in Conditions");
  EXPECT_EQ(ConditionValueError(Make("NotIpAddress", "aws:SourceIp", {"10.0.0.0/8", ""})),
            "Invalid IP address in Conditions");
  EXPECT_EQ(ConditionValueError(Make("NumericLessThan", "s3:max-keys", {"ten"})),
            "Invalid value in Conditions for operator NumericLessThan");
  EXPECT_EQ(ConditionValueError(Make("DateGreaterThan", "aws:CurrentTime", {"soon"})),
            "Invalid value in Conditions for operator DateGreaterThan");
  EXPECT_EQ(ConditionValueError(Make("Bool", "aws:SecureTransport", {"yes"})),
            "Invalid value in Conditions for operator Bool");
  EXPECT_EQ(ConditionValueError(Make("Null", "s3:x-amz-acl", {"maybe"})),
            "Invalid value in Conditions for operator Null");
  EXPECT_EQ(ConditionValueError(Make("IpAddress", "aws:SourceIp", {})), std::nullopt);
  EXPECT_EQ(ConditionValueError(Make("StringLike", "s3:prefix", {"anything*"})), std::nullopt);
}

}  // namespace
}  // namespace stocktake::s3::policy
