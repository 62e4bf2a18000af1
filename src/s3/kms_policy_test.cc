// kms_policy.cc: the default key policy as AWS prints it, and S3's use of a key for inventory
// reports decided by the key policy alone.
#include "s3/kms_policy.h"

#include <gtest/gtest.h>

#include "s3/policy/parser.h"

namespace stocktake::s3 {
namespace {

store::KmsKey Key(std::string policy) {
  store::KmsKey key;
  key.key_id = "0f0e0d0c-0b0a-4908-8706-050403020100";
  key.account_id = "444455556666";
  key.arn = "arn:aws:kms:us-east-1:444455556666:key/" + key.key_id;
  key.policy = std::move(policy);
  return key;
}

store::Bucket Source(std::string name, std::string owner) {
  store::Bucket bucket;
  bucket.name = std::move(name);
  bucket.owner_account_id = std::move(owner);
  return bucket;
}

std::string InventoryPolicy(std::string_view source_account, std::string_view source) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
         R"("Principal":{"Service":"s3.amazonaws.com"},"Action":["kms:GenerateDataKey"],)"
         R"("Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":")" +
         std::string(source_account) + R"("},"ArnLike":{"aws:SourceARN":"arn:aws:s3:::)" +
         std::string(source) + R"("}}}]})";
}

TEST(KmsPolicyTest, DefaultPolicyIsAwsDefaultAndKeepsS3Out) {
  store::KmsKey key = Key("");
  std::string policy = KeyPolicyOf(key);
  EXPECT_EQ(policy, DefaultKeyPolicy("444455556666"));
  EXPECT_NE(policy.find(R"("AWS" : "arn:aws:iam::444455556666:root")"), std::string::npos);
  EXPECT_TRUE(policy::ParseKeyPolicy(policy).ok());
  EXPECT_EQ(AuthorizeInventoryKmsKey(Source("photos", "111122223333"), key).code(),
            StatusCode::kPermissionDenied);
}

TEST(KmsPolicyTest, DocumentedStatementLetsS3InForItsSourceOnly) {
  store::KmsKey key = Key(InventoryPolicy("111122223333", "photos"));
  EXPECT_EQ(KeyPolicyOf(key), key.policy);
  EXPECT_TRUE(AuthorizeInventoryKmsKey(Source("photos", "111122223333"), key).ok());
  EXPECT_FALSE(AuthorizeInventoryKmsKey(Source("videos", "111122223333"), key).ok());
  EXPECT_FALSE(AuthorizeInventoryKmsKey(Source("photos", "777788889999"), key).ok());
}

TEST(KmsPolicyTest, UnreadablePolicyGrantsNothing) {
  EXPECT_FALSE(AuthorizeInventoryKmsKey(Source("photos", "111122223333"), Key("{")).ok());
}

}  // namespace
}  // namespace stocktake::s3
