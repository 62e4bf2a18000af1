// ParseKeyPolicy: KMS key policies (kms: actions, Resource "*", aws:/kms: condition keys) parse
// and evaluate with the bucket policy engine; S3-only vocabulary is refused.
#include <gtest/gtest.h>

#include "s3/policy/evaluator.h"
#include "s3/policy/parser.h"
#include "s3/policy/policy_errors.h"
#include "s3/policy/testing/test_util.h"

namespace stocktake::s3::policy {
namespace {

using testing::Request;
using testing::RootA;
using testing::RootB;
using testing::S3Service;

constexpr std::string_view kKeyArn =
    "arn:aws:kms:us-east-1:111122223333:key/0f0e0d0c-0b0a-4908-8706-050403020100";

// Spec §8: the statement AWS documents for SSE-KMS encrypted inventory reports ("aws:SourceARN"
// spelled as in the User Guide: condition keys are case-insensitive).
constexpr std::string_view kInventoryKeyPolicy = R"({
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Allow Amazon S3 use of the customer managed key", "Effect": "Allow",
    "Principal": { "Service": "s3.amazonaws.com" }, "Action": [ "kms:GenerateDataKey" ],
    "Resource": "*",
    "Condition": { "StringEquals": { "aws:SourceAccount": "444455556666" },
                   "ArnLike": { "aws:SourceARN": "arn:aws:s3:::photos" } } }]})";

RequestContext S3GenerateDataKey(std::string_view source_account, std::string_view source_arn) {
  RequestContext request = Request(S3Service(), "kms:GenerateDataKey", kKeyArn);
  request.conditions.Set("aws:SourceAccount", std::string(source_account));
  request.conditions.Set("aws:SourceArn", std::string(source_arn));
  return request;
}

std::string KeyPolicyMessage(std::string_view json) {
  Result<Policy> policy = ParseKeyPolicy(json);
  if (policy.ok()) return "<accepted>";
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  return policy.status().message();
}

std::string OneStatement(std::string_view fields) {
  return std::string(R"({"Version":"2012-10-17","Statement":[{)") + std::string(fields) + "}]}";
}

TEST(KeyPolicyTest, DocumentedInventoryStatementAllowsOnlyItsSource) {
  Result<Policy> policy = ParseKeyPolicy(kInventoryKeyPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("444455556666", "arn:aws:s3:::photos")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("111122223333", "arn:aws:s3:::photos")),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("444455556666", "arn:aws:s3:::videos")),
            Decision::kNoMatch);
  RequestContext decrypt = S3GenerateDataKey("444455556666", "arn:aws:s3:::photos");
  decrypt.action = "kms:Decrypt";
  EXPECT_EQ(Evaluate(*policy, decrypt), Decision::kNoMatch);
}

TEST(KeyPolicyTest, DefaultPolicyGrantsTheAccountNotTheService) {
  Result<Policy> policy = ParseKeyPolicy(R"({"Version":"2012-10-17","Id":"key-default-1",
      "Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow",
      "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(Evaluate(*policy, Request(RootA(), "kms:GenerateDataKey", kKeyArn)), Decision::kAllow);
  EXPECT_EQ(Evaluate(*policy, Request(RootB(), "kms:GenerateDataKey", kKeyArn)),
            Decision::kNoMatch);
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("111122223333", "arn:aws:s3:::photos")),
            Decision::kNoMatch);
}

TEST(KeyPolicyTest, DenyBeatsAllowAndKeyArnResourcesMatch) {
  Result<Policy> policy = ParseKeyPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"kms:Generate*",
       "Resource":"arn:aws:kms:us-east-1:111122223333:key/*"},
      {"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*",
       "Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}]})");
  ASSERT_TRUE(policy.ok()) << policy.status().ToString();
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("444455556666", "arn:aws:s3:::photos")),
            Decision::kAllow);
  EXPECT_EQ(Evaluate(*policy, S3GenerateDataKey("999999999999", "arn:aws:s3:::photos")),
            Decision::kDeny);
}

TEST(KeyPolicyTest, KmsConditionKeysAreAccepted) {
  EXPECT_EQ(KeyPolicyMessage(OneStatement(
                R"("Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",)"
                R"("Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com",)"
                R"("kms:CallerAccount":"111122223333"}})")),
            "<accepted>");
}

TEST(KeyPolicyTest, MalformedDocumentsAreRefused) {
  EXPECT_EQ(KeyPolicyMessage("not json"), kMsgFirstByte);
  EXPECT_EQ(KeyPolicyMessage("{"), kMsgInvalidJson);
  EXPECT_EQ(KeyPolicyMessage(R"({"Version":"2012-10-17"})"), kMsgMissingStatement);
  // S3 vocabulary has no place in a key policy, and the reverse.
  EXPECT_EQ(KeyPolicyMessage(OneStatement(
                R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*")")),
            kMsgInvalidAction);
  EXPECT_EQ(
      KeyPolicyMessage(OneStatement(R"("Effect":"Allow","Principal":"*","Action":"kms:Decrypt",)"
                                    R"("Resource":"arn:aws:s3:::photos/*")")),
      kMsgInvalidResource);
  EXPECT_EQ(KeyPolicyMessage(OneStatement(
                R"("Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",)"
                R"("Condition":{"StringEquals":{"s3:prefix":"a"}})")),
            kMsgInvalidConditionKey);
  EXPECT_EQ(KeyPolicyMessage(OneStatement(
                R"("Effect":"Allow","Principal":"*","Action":"kms:Bad-Name","Resource":"*")")),
            kMsgInvalidAction);
  EXPECT_EQ(KeyPolicyMessage(OneStatement(
                R"("Effect":"Maybe","Principal":"*","Action":"kms:Decrypt","Resource":"*")")),
            std::string(kMsgInvalidEffectPrefix) + "Maybe");
  // And the bucket policy parser keeps refusing key policy vocabulary.
  EXPECT_FALSE(ParsePolicy(kInventoryKeyPolicy, "photos").ok());
}

TEST(KeyPolicyTest, SizeLimitIsThirtyTwoKilobytesAsSent) {
  std::string sid(kMaxKeyPolicyBytes, 'x');
  std::string json = OneStatement(R"("Sid":")" + sid +
                                  R"(","Effect":"Allow","Principal":"*","Action":"kms:*",)"
                                  R"("Resource":"*")");
  EXPECT_EQ(KeyPolicyMessage(json), kMsgTooLarge);
  std::string small = OneStatement(R"("Sid":")" + std::string(30000, 'x') +
                                   R"(","Effect":"Allow","Principal":"*","Action":"kms:*",)"
                                   R"("Resource":"*")");
  EXPECT_EQ(KeyPolicyMessage(small), "<accepted>");
}

}  // namespace
}  // namespace stocktake::s3::policy
