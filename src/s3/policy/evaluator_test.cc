// Evaluation: Deny over Allow, principals, NotPrincipal / NotAction / NotResource, resources
// with wildcards and variables, derived condition keys.
#include "s3/policy/evaluator.h"

#include <gtest/gtest.h>

#include "s3/policy/testing/test_util.h"

namespace stocktake::s3::policy {
namespace {

using testing::Alice;
using testing::kCanonicalA;
using testing::kCanonicalB;
using testing::MustParse;
using testing::Request;
using testing::RootA;
using testing::RootB;
using testing::S3Service;

constexpr std::string_view kBucket = "b";
constexpr std::string_view kObject = "arn:aws:s3:::b/k";

std::string Policy1(std::string_view statements) {
  return std::string(R"({"Version":"2012-10-17","Statement":[)") + std::string(statements) + "]}";
}

TEST(EvaluatorTest, EmptyMatchIsNoMatch) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", kObject)), Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", "arn:aws:s3:::b/public/x")),
            Decision::kAllow);
  EXPECT_EQ(DecisionName(Decision::kNoMatch), "NoMatch");
  EXPECT_EQ(DecisionName(Decision::kAllow), "Allow");
  EXPECT_EQ(DecisionName(Decision::kDeny), "Deny");
}

TEST(EvaluatorTest, ExplicitDenyBeatsAllowWhateverTheOrder) {
  const char* allow = R"({"Effect":"Allow","Principal":"*","Action":"s3:*",
      "Resource":"arn:aws:s3:::b/*"})";
  const char* deny = R"({"Effect":"Deny","Principal":{"AWS":"444455556666"},
      "Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"})";
  for (std::string statements :
       {std::string(allow) + "," + deny, std::string(deny) + "," + allow}) {
    Policy policy = MustParse(Policy1(statements), kBucket);
    EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:DeleteObject", kObject)), Decision::kDeny);
    EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:GetObject", kObject)), Decision::kAllow);
    EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:DeleteObject", kObject)), Decision::kAllow);
  }
}

TEST(EvaluatorTest, DetailedNamesTheDecidingStatement) {
  Policy policy = MustParse(Policy1(R"(
      {"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
       "Resource":"arn:aws:s3:::b/*"},
      {"Sid":"B","Effect":"Allow","Principal":"*","Action":"s3:Get*",
       "Resource":"arn:aws:s3:::b/*"},
      {"Sid":"C","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
       "Resource":"arn:aws:s3:::b/secret/*"})"),
                            kBucket);
  Evaluation allow = EvaluateDetailed(policy, Request(RootA(), "s3:GetObject", kObject));
  EXPECT_EQ(allow.decision, Decision::kAllow);
  EXPECT_EQ(allow.statement_index, 0);
  Evaluation deny =
      EvaluateDetailed(policy, Request(RootA(), "s3:GetObject", "arn:aws:s3:::b/secret/x"));
  EXPECT_EQ(deny.decision, Decision::kDeny);
  EXPECT_EQ(deny.statement_index, 2);
  EXPECT_EQ(EvaluateDetailed(policy, Request(RootA(), "s3:PutObject", kObject)).statement_index,
            -1);
}

TEST(EvaluatorTest, PrincipalKinds) {
  Policy policy = MustParse(Policy1(std::string(R"({"Effect":"Allow","Principal":{
      "AWS":["arn:aws:iam::111122223333:user/Alice"],"CanonicalUser":")") +
                                    kCanonicalB + R"(","Service":"s3.amazonaws.com"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                            kBucket);
  auto decide = [&](Caller caller) {
    return Evaluate(policy, Request(std::move(caller), "s3:GetObject", kObject));
  };
  EXPECT_EQ(decide(Alice()), Decision::kAllow);
  EXPECT_EQ(decide(Caller::User("111122223333", kCanonicalA, "Bob")), Decision::kNoMatch);
  EXPECT_EQ(decide(RootA()), Decision::kNoMatch);  // a user grant is not an account grant
  EXPECT_EQ(decide(RootB()), Decision::kAllow);    // by canonical id
  EXPECT_EQ(decide(S3Service()), Decision::kAllow);
  EXPECT_EQ(decide(Caller::Service("cloudfront.amazonaws.com")), Decision::kNoMatch);
  EXPECT_EQ(decide(Caller::Anonymous()), Decision::kNoMatch);
}

TEST(EvaluatorTest, AccountPrincipalCoversItsUsersButNotAnonymousOrServices) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:root"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(Alice(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:GetObject", kObject)), Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:GetObject", kObject)),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(S3Service(), "s3:GetObject", kObject)), Decision::kNoMatch);
}

TEST(EvaluatorTest, StarPrincipalIncludesAnonymous) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":{"AWS":"*"},
      "Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:GetObject", kObject)),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(S3Service(), "s3:GetObject", kObject)), Decision::kAllow);
}

TEST(EvaluatorTest, NotPrincipalDeniesEveryoneElse) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Deny",
      "NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Alice","111122223333"]},
      "Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
      {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(Alice(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:GetObject", kObject)), Decision::kDeny);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:GetObject", kObject)),
            Decision::kDeny);
}

TEST(EvaluatorTest, NotActionMatchesEveryOtherAction) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Deny","Principal":{"AWS":"444455556666"},
      "NotAction":["s3:GetObject","s3:List*"],
      "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:GetObject", kObject)), Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:ListBucket", "arn:aws:s3:::b")),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:PutObject", kObject)), Decision::kDeny);
  EXPECT_EQ(Evaluate(policy, Request(RootB(), "s3:PutBucketPolicy", "arn:aws:s3:::b")),
            Decision::kDeny);
}

TEST(EvaluatorTest, NotResourceMatchesEveryOtherResource) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Deny","Principal":"*","Action":"s3:PutObject",
      "NotResource":"arn:aws:s3:::b/uploads/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:PutObject", "arn:aws:s3:::b/uploads/x")),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:PutObject", "arn:aws:s3:::b/other/x")),
            Decision::kDeny);
}

TEST(EvaluatorTest, ActionMatchingIsCaseInsensitiveAndWildcarded) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":"*",
      "Action":["S3:get*","s3:List?ucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetBucketPolicy", "arn:aws:s3:::b")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:ListBucket", "arn:aws:s3:::b")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:ListBucketVersions", "arn:aws:s3:::b")),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:PutObject", kObject)), Decision::kNoMatch);
}

TEST(EvaluatorTest, ResourceMatchingIsCaseSensitive) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/Docs/*"})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", "arn:aws:s3:::b/Docs/a")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", "arn:aws:s3:::b/docs/a")),
            Decision::kNoMatch);
}

TEST(EvaluatorTest, ResourceVariableValuesAreLiteral) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/${aws:SourceAccount}/*"})"),
                            kBucket);
  RequestContext request = Request(S3Service(), "s3:GetObject", "arn:aws:s3:::b/1*/x");
  request.conditions.Set("aws:SourceAccount", "1*");
  EXPECT_EQ(Evaluate(policy, request), Decision::kAllow);
  request.resource = "arn:aws:s3:::b/123/x";
  EXPECT_EQ(Evaluate(policy, request), Decision::kNoMatch);
}

TEST(EvaluatorTest, AllConditionsMustHold) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":"*","Action":"s3:ListBucket",
      "Resource":"arn:aws:s3:::b","Condition":{
        "StringLike":{"s3:prefix":["logs/*","data/*"]},
        "NumericLessThanEquals":{"s3:max-keys":"100"}}})"),
                            kBucket);
  RequestContext list = Request(RootA(), "s3:ListBucket", "arn:aws:s3:::b");
  list.conditions.Set("s3:prefix", "data/2024/");
  list.conditions.Set("s3:max-keys", "50");
  EXPECT_EQ(Evaluate(policy, list), Decision::kAllow);
  list.conditions.Set("s3:max-keys", "1000");
  EXPECT_EQ(Evaluate(policy, list), Decision::kNoMatch);
  list.conditions.Set("s3:max-keys", "50");
  list.conditions.Set("s3:prefix", "secret/");
  EXPECT_EQ(Evaluate(policy, list), Decision::kNoMatch);
}

TEST(EvaluatorTest, DerivedPrincipalKeys) {
  Policy policy = MustParse(Policy1(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",
      "Resource":"arn:aws:s3:::b/*","Condition":{
        "StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"User"},
        "ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"}}})"),
                            kBucket);
  EXPECT_EQ(Evaluate(policy, Request(Alice(), "s3:GetObject", kObject)), Decision::kAllow);
  EXPECT_EQ(Evaluate(policy, Request(RootA(), "s3:GetObject", kObject)), Decision::kNoMatch);
  EXPECT_EQ(Evaluate(policy, Request(Caller::Anonymous(), "s3:GetObject", kObject)),
            Decision::kNoMatch);

  RequestContext alice = Request(Alice(), "s3:GetObject", kObject);
  EXPECT_EQ(RequestValues(alice, "aws:username"), std::vector<std::string>{"Alice"});
  EXPECT_EQ(RequestValues(alice, "AWS:PRINCIPALISAWSSERVICE"), std::vector<std::string>{"false"});
  RequestContext service = Request(S3Service(), "s3:PutObject", kObject);
  EXPECT_EQ(RequestValues(service, "aws:PrincipalServiceName"),
            std::vector<std::string>{"s3.amazonaws.com"});
  EXPECT_EQ(RequestValues(service, "aws:PrincipalIsAWSService"), std::vector<std::string>{"true"});
  EXPECT_TRUE(RequestValues(service, "aws:PrincipalAccount").empty());
  // An explicit value wins over the derived one.
  alice.conditions.Set("aws:username", "override");
  EXPECT_EQ(RequestValues(alice, "aws:username"), std::vector<std::string>{"override"});
}

TEST(EvaluatorTest, ConditionContextKeysAreCaseInsensitive) {
  ConditionContext context;
  context.Add("S3:InventoryAccessibleOptionalFields", "Size");
  context.Add("s3:inventoryaccessibleoptionalfields", "ETag");
  ASSERT_EQ(context.Get("s3:InventoryAccessibleOptionalFields").size(), 2u);
  context.Set("s3:InventoryAccessibleOptionalFields", "Size");
  EXPECT_EQ(context.Get("S3:INVENTORYACCESSIBLEOPTIONALFIELDS").size(), 1u);
  context.Erase("s3:inventoryAccessibleOptionalFields");
  EXPECT_TRUE(context.Get("s3:InventoryAccessibleOptionalFields").empty());
}

}  // namespace
}  // namespace stocktake::s3::policy
