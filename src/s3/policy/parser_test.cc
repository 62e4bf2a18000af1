// ParsePolicy: every MalformedPolicy case with S3's message, and what a valid policy parses to.
#include "s3/policy/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "s3/policy/policy_errors.h"

namespace stocktake::s3::policy {
namespace {

constexpr std::string_view kBucket = "examplebucket";

// A 2012-10-17 policy with one statement made of `fields` (JSON members, without braces).
std::string OneStatement(std::string_view fields) {
  return std::string(R"({"Version":"2012-10-17","Statement":[{)") + std::string(fields) + "}]}";
}

constexpr std::string_view kAllowAll =
    R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
    R"("Resource":"arn:aws:s3:::examplebucket/*")";

std::string MessageOf(std::string_view json) {
  Result<Policy> policy = ParsePolicy(json, kBucket);
  if (policy.ok()) return "<accepted>";
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  return policy.status().message();
}

struct MalformedCase {
  const char* name;
  std::string json;
  std::string message;
};

class MalformedPolicyTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedPolicyTest, AnswersS3Message) {
  EXPECT_EQ(MessageOf(GetParam().json), GetParam().message) << GetParam().json;
}

std::string Fields(std::string_view effect, std::string_view principal, std::string_view action,
                   std::string_view resource, std::string_view extra = "") {
  std::string out;
  auto add = [&out](std::string_view member) {
    if (member.empty()) return;
    if (!out.empty()) out += ",";
    out += member;
  };
  add(effect);
  add(principal);
  add(action);
  add(resource);
  add(extra);
  return out;
}

constexpr std::string_view kEffect = R"("Effect":"Allow")";
constexpr std::string_view kAnyone = R"("Principal":"*")";
constexpr std::string_view kGet = R"("Action":"s3:GetObject")";
constexpr std::string_view kObjects = R"("Resource":"arn:aws:s3:::examplebucket/*")";
constexpr std::string_view kBucketArn = R"("Resource":"arn:aws:s3:::examplebucket")";
constexpr std::string_view kList = R"("Action":"s3:ListBucket")";

std::vector<MalformedCase> Cases() {
  std::string big = OneStatement(std::string(kAllowAll) + R"(,"Sid":")" +
                                 std::string(kMaxPolicyBytes, 'x') + "\"");
  return {
      // The bytes.
      {"Empty", "", "Policies must be valid JSON and the first byte must be '{'"},
      {"LeadingSpace", " {}", std::string(kMsgFirstByte)},
      {"Array", "[]", std::string(kMsgFirstByte)},
      {"Truncated", "{", "This policy contains invalid Json"},
      {"BadJson", R"({"Statement": [})", std::string(kMsgInvalidJson)},
      {"TrailingGarbage", R"({"Statement":[]} x)", std::string(kMsgInvalidJson)},
      {"InvalidUtf8", "{\"Id\":\"\xff\"}", std::string(kMsgInvalidJson)},
      {"TooLarge", big, std::string(kMsgTooLarge)},
      // The document.
      {"NoStatement", "{}", "Missing required field Statement"},
      {"NoStatementWithVersion", R"({"Version":"2012-10-17"})", std::string(kMsgMissingStatement)},
      {"EmptyStatement", R"({"Version":"2012-10-17","Statement":[]})",
       "Could not parse the policy: Statement is empty!"},
      {"StatementString", R"({"Statement":"x"})", "Invalid policy syntax."},
      {"StatementEntryNotObject", R"({"Statement":["x"]})", std::string(kMsgInvalidSyntax)},
      {"BadVersion", R"({"Version":"2012-10-18","Statement":[]})",
       "The policy must contain a valid version string"},
      {"NumericVersion", R"({"Version":2012,"Statement":[]})", std::string(kMsgInvalidVersion)},
      {"UnknownTopField", R"({"Foo":1,"Statement":[]})", "Unknown field Foo"},
      {"LowercaseStatement", R"({"statement":[]})", "Unknown field statement"},
      {"IdNotString", R"({"Id":7,"Statement":[]})", std::string(kMsgInvalidSyntax)},
      // Statement fields.
      {"LowercaseCondition", OneStatement(std::string(kAllowAll) + R"(,"condition":{})"),
       "Unknown field condition"},
      {"SidNotString", OneStatement(std::string(kAllowAll) + R"(,"Sid":1)"),
       std::string(kMsgInvalidSyntax)},
      {"MissingEffect", OneStatement(Fields("", kAnyone, kGet, kObjects)),
       "Missing required field Effect"},
      {"InvalidEffect", OneStatement(Fields(R"("Effect":"hello")", kAnyone, kGet, kObjects)),
       "Invalid effect: hello"},
      {"LowercaseEffect", OneStatement(Fields(R"("Effect":"allow")", kAnyone, kGet, kObjects)),
       "Invalid effect: allow"},
      // Control characters are echoed escaped: raw, they would make the error XML unreadable.
      {"ControlCharacterEffect",
       OneStatement(Fields(R"("Effect":"A\u0000\u001f\n")", kAnyone, kGet, kObjects)),
       R"(Invalid effect: A\u0000\u001f\u000a)"},
      // Principal.
      {"MissingPrincipal", OneStatement(Fields(kEffect, "", kGet, kObjects)),
       "Missing required field Principal"},
      {"EmptyPrincipal", OneStatement(Fields(kEffect, R"("Principal":"")", kGet, kObjects)),
       "Missing required field Principal cannot be empty!"},
      {"PrincipalArnString",
       OneStatement(
           Fields(kEffect, R"("Principal":"arn:aws:iam::111122223333:root")", kGet, kObjects)),
       "Invalid policy syntax."},
      {"PrincipalArray", OneStatement(Fields(kEffect, R"("Principal":["*"])", kGet, kObjects)),
       std::string(kMsgInvalidSyntax)},
      {"PrincipalUserName",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":"user"})", kGet, kObjects)),
       "Invalid principal in policy"},
      {"PrincipalWildcardArn",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":"arn:aws:iam::111122223333:user/*"})",
                           kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalShortAccount",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":"11112222333"})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalOtherPartition",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":"arn:aws-cn:iam::111122223333:root"})",
                           kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalFederated",
       OneStatement(Fields(kEffect, R"("Principal":{"Federated":"cognito-identity.amazonaws.com"})",
                           kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalServiceStar",
       OneStatement(Fields(kEffect, R"("Principal":{"Service":"*"})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalServiceNotAws",
       OneStatement(Fields(kEffect, R"("Principal":{"Service":"example.com"})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalCanonicalShort",
       OneStatement(Fields(kEffect, R"("Principal":{"CanonicalUser":"abc"})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalEmptyObject", OneStatement(Fields(kEffect, R"("Principal":{})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalEmptyList",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":[]})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalNumber",
       OneStatement(Fields(kEffect, R"("Principal":{"AWS":111122223333})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"NotPrincipalWithAllow",
       OneStatement(Fields(kEffect, R"("NotPrincipal":{"AWS":"111122223333"})", kGet, kObjects)),
       std::string(kMsgInvalidPrincipal)},
      {"PrincipalAndNotPrincipal",
       OneStatement(Fields(R"("Effect":"Deny")",
                           R"("Principal":"*","NotPrincipal":{"AWS":"111122223333"})", kGet,
                           kObjects)),
       std::string(kMsgInvalidSyntax)},
      // Action.
      {"MissingAction", OneStatement(Fields(kEffect, kAnyone, "", kObjects)),
       "Missing required field Action"},
      {"EmptyActionList", OneStatement(Fields(kEffect, kAnyone, R"("Action":[])", kObjects)),
       std::string(kMsgMissingAction)},
      {"InvalidAction",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"invalid_action")", kObjects)),
       "Policy has invalid action"},
      {"OtherServiceAction",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"iam:PassRole")", kObjects)),
       std::string(kMsgInvalidAction)},
      {"UnknownS3Action",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:GetObjectz")", kObjects)),
       std::string(kMsgInvalidAction)},
      {"WildcardMatchingNothing",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:Frobnicate*")", kObjects)),
       std::string(kMsgInvalidAction)},
      {"EmptyAction", OneStatement(Fields(kEffect, kAnyone, R"("Action":"")", kObjects)),
       std::string(kMsgInvalidAction)},
      {"ActionNotString", OneStatement(Fields(kEffect, kAnyone, R"("Action":[1])", kObjects)),
       std::string(kMsgInvalidAction)},
      {"ActionAndNotAction",
       OneStatement(
           Fields(kEffect, kAnyone, R"("Action":"s3:*","NotAction":"s3:GetObject")", kObjects)),
       std::string(kMsgInvalidSyntax)},
      // Resource.
      {"MissingResource", OneStatement(Fields(kEffect, kAnyone, kGet, "")),
       "Missing required field Resource"},
      {"EmptyResourceList", OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":[])")),
       std::string(kMsgMissingResource)},
      {"InvalidResource",
       OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":["<invalid_resource_value>"])")),
       "Policy has invalid resource"},
      {"OtherBucket",
       OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":"arn:aws:s3:::otherbucket/*")")),
       std::string(kMsgInvalidResource)},
      {"OneOfResourcesOtherBucket",
       OneStatement(Fields(kEffect, kAnyone, kGet,
                           R"("Resource":["arn:aws:s3:::examplebucket/*",)"
                           R"("arn:aws:s3:::examplebucket2/*"])")),
       std::string(kMsgInvalidResource)},
      {"BareStar", OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":"*")")),
       std::string(kMsgInvalidResource)},
      {"NoBucketPart",
       OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":"arn:aws:s3:::/key")")),
       std::string(kMsgInvalidResource)},
      {"IamArnResource",
       OneStatement(
           Fields(kEffect, kAnyone, kGet, R"("Resource":"arn:aws:iam::111122223333:root")")),
       std::string(kMsgInvalidResource)},
      {"UppercaseArnPrefix",
       OneStatement(Fields(kEffect, kAnyone, kGet, R"("Resource":"ARN:AWS:S3:::examplebucket/*")")),
       std::string(kMsgInvalidResource)},
      {"ResourceAndNotResource",
       OneStatement(Fields(kEffect, kAnyone, kGet,
                           R"("Resource":"arn:aws:s3:::examplebucket/*",)"
                           R"("NotResource":"arn:aws:s3:::examplebucket/x")")),
       std::string(kMsgInvalidSyntax)},
      // Action against resource type.
      {"ObjectActionOnBucket",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":["s3:PutObject"])", kBucketArn)),
       "Action does not apply to any resource(s) in statement"},
      {"BucketActionOnObjects", OneStatement(Fields(kEffect, kAnyone, kList, kObjects)),
       std::string(kMsgActionResourceMismatch)},
      {"OneBucketActionAmongObjectActions",
       OneStatement(
           Fields(kEffect, kAnyone, R"("Action":["s3:GetObject","s3:GetBucketAcl"])", kObjects)),
       std::string(kMsgActionResourceMismatch)},
      {"AccountLevelAction",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:ListAllMyBuckets")", kBucketArn)),
       std::string(kMsgActionResourceMismatch)},
      {"BucketWildcardOnObjects",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:GetBucket*")", kObjects)),
       std::string(kMsgActionResourceMismatch)},
      // Condition.
      {"UnknownOperator",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEqualz":{"aws:SourceAccount":"1"}})")),
       "Invalid Condition type : StringEqualz"},
      {"LowercaseOperator",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"stringequals":{"aws:SourceAccount":"1"}})")),
       "Invalid Condition type : stringequals"},
      {"NullIfExists",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"NullIfExists":{"aws:SourceAccount":"true"}})")),
       "Invalid Condition type : NullIfExists"},
      {"UnknownS3Key",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEquals":{"s3:FakeKeyDoesNotExist":"foo"}})")),
       "Policy has an invalid condition key"},
      {"OtherServiceKey",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEquals":{"kms:ViaService":"x"}})")),
       std::string(kMsgInvalidConditionKey)},
      {"TagKeyWithoutTag",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEquals":{"s3:ExistingObjectTag/":"x"}})")),
       std::string(kMsgInvalidConditionKey)},
      {"PrefixOnGetObject",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringLike":{"s3:prefix":"home/*"}})")),
       "Conditions do not apply to combination of actions and resources in statement"},
      {"PrefixOnListAndBucketAcl",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":["s3:ListBucket","s3:GetBucketAcl"])",
                           kBucketArn, R"("Condition":{"StringLike":{"s3:prefix":["*"]}})")),
       std::string(kMsgConditionActionMismatch)},
      {"AclKeyOnGetObject",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":["s3:GetObject","s3:PutObject"])",
                           kObjects, R"("Condition":{"StringEquals":{"s3:x-amz-acl":"private"}})")),
       std::string(kMsgConditionActionMismatch)},
      {"InventoryFieldsOnGetObject",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"ForAllValues:StringEquals":)"
                           R"({"s3:InventoryAccessibleOptionalFields":["Size"]}})")),
       std::string(kMsgConditionActionMismatch)},
      {"BadIp",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"IpAddress":{"aws:SourceIp":"123"}})")),
       "Invalid IP address in Conditions"},
      {"OneBadIpInList",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"NotIpAddress":{"aws:SourceIp":)"
                           R"(["10.0.11.0/24","123"]}})")),
       std::string(kMsgInvalidIp)},
      {"BadNumber",
       OneStatement(Fields(kEffect, kAnyone, kList, kBucketArn,
                           R"("Condition":{"NumericLessThan":{"s3:max-keys":"ten"}})")),
       "Invalid value in Conditions for operator NumericLessThan"},
      {"ConditionNotObject",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects, R"("Condition":"x")")),
       std::string(kMsgInvalidSyntax)},
      {"OperatorNotObject",
       OneStatement(
           Fields(kEffect, kAnyone, kGet, kObjects, R"("Condition":{"StringEquals":"x"})")),
       std::string(kMsgInvalidSyntax)},
      {"ValueObject",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEquals":{"aws:SourceAccount":{"a":1}}})")),
       std::string(kMsgInvalidSyntax)},
      {"ValueNull",
       OneStatement(Fields(kEffect, kAnyone, kGet, kObjects,
                           R"("Condition":{"StringEquals":{"aws:SourceAccount":[null]}})")),
       std::string(kMsgInvalidSyntax)},
      // The first fault wins: a condition fault before the action/resource mismatch.
      {"ConditionBeforeResourceMismatch",
       OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:ListBucketMultipartUploads")",
                           kObjects, R"("Condition":{"StringLike":{"s3:prefix":"a"}})")),
       std::string(kMsgConditionActionMismatch)},
      // And statements are checked in order.
      {"SecondStatementBad",
       std::string(R"({"Statement":[{)") + std::string(kAllowAll) +
           R"(},{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject",)"
           R"("Resource":"arn:aws:s3:::examplebucket/*"}]})",
       "Invalid effect: Maybe"},
  };
}

INSTANTIATE_TEST_SUITE_P(AllCases, MalformedPolicyTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<MalformedCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ParsePolicyTest, MinimalPolicyDefaultsToVersion2008) {
  Result<Policy> policy =
      ParsePolicy(std::string(R"({"Statement":{)") + std::string(kAllowAll) + "}}", kBucket);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(policy->version, PolicyVersion::k2008_10_17);
  ASSERT_EQ(policy->statements.size(), 1u);
  const Statement& s = policy->statements[0];
  EXPECT_EQ(s.effect, Effect::kAllow);
  EXPECT_TRUE(s.principals.everyone);
  EXPECT_EQ(s.actions, std::vector<std::string>{"s3:GetObject"});
  EXPECT_EQ(s.resources, std::vector<std::string>{"arn:aws:s3:::examplebucket/*"});
}

TEST(ParsePolicyTest, PrincipalForms) {
  Result<Policy> policy = ParsePolicy(
      OneStatement(Fields(kEffect,
                          R"("Principal":{"AWS":["111122223333",)"
                          R"("arn:aws:iam::444455556666:root",)"
                          R"("arn:aws:iam::444455556666:user/team/alice",)"
                          R"("arn:aws:iam::444455556666:role/reader",)"
                          R"("arn:aws:sts::444455556666:assumed-role/reader/session-1"],)"
                          R"("CanonicalUser":")" +
                              std::string(64, 'A') +
                              R"(","Service":["s3.amazonaws.com","logging.s3.amazonaws.com"]})",
                          kGet, kObjects)),
      kBucket);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const PrincipalSet& p = policy->statements[0].principals;
  EXPECT_FALSE(p.everyone);
  EXPECT_EQ(p.accounts, (std::vector<std::string>{"111122223333", "444455556666"}));
  EXPECT_EQ(p.arns.size(), 3u);
  EXPECT_EQ(p.canonical_ids, std::vector<std::string>{std::string(64, 'a')});
  EXPECT_EQ(p.services, (std::vector<std::string>{"s3.amazonaws.com", "logging.s3.amazonaws.com"}));

  Result<Policy> star = ParsePolicy(
      OneStatement(Fields(kEffect, R"("Principal":{"AWS":"*"})", kGet, kObjects)), kBucket);
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(star->statements[0].principals.everyone);
}

TEST(ParsePolicyTest, PrincipalExistenceCallback) {
  ParseOptions options;
  options.principal_exists = [](const PrincipalRef& ref) {
    return ref.type != PrincipalRef::Type::kAccount || ref.value == "111122223333";
  };
  std::string known =
      OneStatement(Fields(kEffect, R"("Principal":{"AWS":"111122223333"})", kGet, kObjects));
  std::string unknown =
      OneStatement(Fields(kEffect, R"("Principal":{"AWS":"999999999999"})", kGet, kObjects));
  EXPECT_TRUE(ParsePolicy(known, kBucket, options).ok());
  Result<Policy> rejected = ParsePolicy(unknown, kBucket, options);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().message(), kMsgInvalidPrincipal);
}

TEST(ParsePolicyTest, ResourcesThatCanNameTheBucket) {
  for (const char* resource :
       {"arn:aws:s3:::examplebucket", "arn:aws:s3:::examplebucket/*", "arn:aws:s3:::example*",
        "arn:aws:s3:::*", "arn:aws:s3:::examplebucke?/a/b",
        "arn:aws:s3:::examplebucket/${aws:username}/*"}) {
    std::string json = OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:*")",
                                           std::string(R"("Resource":")") + resource + "\""));
    EXPECT_EQ(MessageOf(json), "<accepted>") << resource;
  }
  // A variable in the bucket name is judged at request time (2012-10-17 only).
  std::string variable_bucket = OneStatement(
      Fields(kEffect, kAnyone, kGet, R"("Resource":"arn:aws:s3:::${aws:username}/*")"));
  EXPECT_EQ(MessageOf(variable_bucket), "<accepted>");
  EXPECT_EQ(MessageOf(R"({"Version":"2008-10-17","Statement":{"Effect":"Allow",)"
                      R"("Principal":"*","Action":"s3:GetObject",)"
                      R"("Resource":"arn:aws:s3:::${aws:username}/*"}})"),
            kMsgInvalidResource);
}

TEST(ParsePolicyTest, ActionNamesAreCaseInsensitive) {
  EXPECT_EQ(
      MessageOf(OneStatement(Fields(kEffect, kAnyone, R"("Action":"S3:GETOBJECT")", kObjects))),
      "<accepted>");
  EXPECT_EQ(MessageOf(OneStatement(Fields(kEffect, kAnyone, R"("Action":"*")", kObjects))),
            "<accepted>");
}

TEST(ParsePolicyTest, MixedResourcesCoverMixedActions) {
  EXPECT_EQ(MessageOf(OneStatement(Fields(kEffect, kAnyone,
                                          R"("Action":["s3:GetObject","s3:ListBucket"])",
                                          R"("Resource":["arn:aws:s3:::examplebucket",)"
                                          R"("arn:aws:s3:::examplebucket/*"])"))),
            "<accepted>");
  // s3:Get* names bucket actions too (s3:GetBucketPolicy), so a bucket ARN suffices.
  EXPECT_EQ(MessageOf(OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:Get*")", kBucketArn))),
            "<accepted>");
}

TEST(ParsePolicyTest, NotActionAndNotResourceSkipApplicability) {
  EXPECT_EQ(MessageOf(OneStatement(Fields(R"("Effect":"Deny")", kAnyone,
                                          R"("NotAction":"s3:GetObject")", kBucketArn))),
            "<accepted>");
  EXPECT_EQ(MessageOf(OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:PutObject")",
                                          R"("NotResource":"arn:aws:s3:::examplebucket")"))),
            "<accepted>");
}

TEST(ParsePolicyTest, ConditionKeysAndValues) {
  Result<Policy> policy = ParsePolicy(
      OneStatement(Fields(kEffect, kAnyone, kList, kBucketArn,
                          R"("Condition":{"NumericLessThanEquals":{"s3:max-keys":10},)"
                          R"("Bool":{"aws:SecureTransport":true},)"
                          R"("StringEquals":{"AWS:SourceAccount":["111122223333", 2.5]},)"
                          R"("StringLike":{"aws:SomeFutureKey":"x"},)"
                          R"("IpAddress":{"aws:SourceIp":[]}})")),
      kBucket);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  const std::vector<Condition>& c = policy->statements[0].conditions;
  ASSERT_EQ(c.size(), 5u);
  // nlohmann keeps object members sorted by name.
  EXPECT_EQ(c[0].operator_name, "Bool");
  EXPECT_EQ(c[0].values, std::vector<std::string>{"true"});
  EXPECT_EQ(c[1].op, ConditionOp::kIpAddress);
  EXPECT_TRUE(c[1].values.empty());
  EXPECT_EQ(c[2].values, std::vector<std::string>{"10"});
  EXPECT_EQ(c[3].key, "AWS:SourceAccount");
  EXPECT_EQ(c[3].values, (std::vector<std::string>{"111122223333", "2.5"}));
}

TEST(ParsePolicyTest, WildcardActionsAcceptKeysOfSomeOfTheirActions) {
  for (const char* action : {"s3:*", "s3:Put*", "*"}) {
    std::string json = OneStatement(
        Fields(kEffect, kAnyone, std::string(R"("Action":")") + action + "\"", kObjects,
               R"("Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}})"));
    EXPECT_EQ(MessageOf(json), "<accepted>") << action;
  }
  // No action named by s3:GetBucket* takes s3:x-amz-acl.
  std::string json =
      OneStatement(Fields(kEffect, kAnyone, R"("Action":"s3:GetBucket*")", kBucketArn,
                          R"("Condition":{"StringEquals":{"s3:x-amz-acl":"private"}})"));
  EXPECT_EQ(MessageOf(json), kMsgConditionActionMismatch);
}

TEST(ParsePolicyTest, TagConditionKeys) {
  EXPECT_EQ(MessageOf(OneStatement(
                Fields(kEffect, kAnyone, kGet, kObjects,
                       R"("Condition":{"StringEquals":{"s3:ExistingObjectTag/env":"prod"}})"))),
            "<accepted>");
  EXPECT_EQ(MessageOf(OneStatement(
                Fields(kEffect, kAnyone, R"("Action":"s3:PutObject")", kObjects,
                       R"("Condition":{"StringEquals":{"s3:RequestObjectTag/env":"prod"}})"))),
            "<accepted>");
  EXPECT_EQ(MessageOf(OneStatement(
                Fields(kEffect, kAnyone, kGet, kObjects,
                       R"("Condition":{"StringEquals":{"s3:RequestObjectTag/env":"prod"}})"))),
            kMsgConditionActionMismatch);
}

TEST(ParsePolicyTest, SizeLimitIgnoresWhitespace) {
  std::string padded = OneStatement(std::string(kAllowAll) + std::string(50000, ' '));
  EXPECT_EQ(MessageOf(padded), "<accepted>");
  std::string in_string = OneStatement(std::string(kAllowAll) + R"(,"Sid":")" +
                                       std::string(kMaxPolicyBytes, ' ') + "\"");
  EXPECT_EQ(MessageOf(in_string), kMsgTooLarge);
}

}  // namespace
}  // namespace stocktake::s3::policy
