// The S3 operation -> IAM action table.
#include "s3/policy/operations.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace stocktake::s3::policy {
namespace {

TEST(OperationsTest, EveryRoutedOperationHasAnEntry) {
  // The operation names of src/s3/router.cc's route table.
  for (const char* op :
       {"WhoAmI", "ListBuckets", "PutBucketInventoryConfiguration", "ListBucketInventoryRuns",
        "GetBucketInventoryConfiguration", "ListBucketInventoryConfigurations",
        "DeleteBucketInventoryConfiguration", "RunBucketInventory", "GetBucketLocation",
        "GetBucketVersioning", "PutBucketVersioning", "ListObjectVersions", "ListMultipartUploads",
        "DeleteObjects", "ListObjectsV2", "ListObjects", "CreateBucket", "HeadBucket",
        "DeleteBucket", "PutObjectTagging", "GetObjectTagging", "DeleteObjectTagging",
        "CreateMultipartUpload", "UploadPartCopy", "UploadPart", "CompleteMultipartUpload",
        "AbortMultipartUpload", "ListParts", "CopyObject", "PutObject", "GetObject", "HeadObject",
        "DeleteObject",
        // Issue 7's new operations.
        "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "GetBucketPolicyStatus",
        "GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock"}) {
    EXPECT_NE(FindOperation(op), nullptr) << op;
  }
  EXPECT_EQ(FindOperation("getobject"), nullptr);  // exact names
  EXPECT_EQ(FindOperation("Frobnicate"), nullptr);
}

// Reads the route table itself, so that a new route without a row here fails this test.
TEST(OperationsTest, EveryRouteOfRouterCcHasAnEntry) {
  std::ifstream in(std::string(STOCKTAKE_SOURCE_DIR) + "/src/s3/router.cc");
  if (!in) GTEST_SKIP() << "router.cc not readable";
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  // Route{"GET", Scope::kObject, "tagging", "", "", GetObjectTagging, "GetObjectTagging"}:
  // the operation name is the last string literal of each Route{...}.
  const std::regex route(R"(Route\{([^}]*)\})");
  const std::regex literal(R"re("([^"]*)")re");
  int routes = 0;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), route);
       it != std::sregex_iterator(); ++it) {
    std::string body = (*it)[1];
    std::string name;
    for (auto lit = std::sregex_iterator(body.begin(), body.end(), literal);
         lit != std::sregex_iterator(); ++lit) {
      name = (*lit)[1];
    }
    if (name.empty()) continue;
    ++routes;
    EXPECT_NE(FindOperation(name), nullptr) << "route " << name << " has no IAM action row";
  }
  EXPECT_GT(routes, 30);
}

TEST(OperationsTest, DocumentedMappings) {
  struct Expected {
    const char* op;
    const char* action;
    ResourceKind resource;
  };
  for (const Expected& e : std::initializer_list<Expected>{
           {"GetObject", "s3:GetObject", ResourceKind::kObject},
           {"HeadObject", "s3:GetObject", ResourceKind::kObject},
           {"ListObjectsV2", "s3:ListBucket", ResourceKind::kBucket},
           {"ListObjects", "s3:ListBucket", ResourceKind::kBucket},
           {"HeadBucket", "s3:ListBucket", ResourceKind::kBucket},
           {"ListObjectVersions", "s3:ListBucketVersions", ResourceKind::kBucket},
           {"PutBucketInventoryConfiguration", "s3:PutInventoryConfiguration",
            ResourceKind::kBucket},
           {"GetBucketInventoryConfiguration", "s3:GetInventoryConfiguration",
            ResourceKind::kBucket},
           {"ListBucketInventoryConfigurations", "s3:GetInventoryConfiguration",
            ResourceKind::kBucket},
           {"DeleteBucketInventoryConfiguration", "s3:PutInventoryConfiguration",
            ResourceKind::kBucket},
           {"CreateMultipartUpload", "s3:PutObject", ResourceKind::kObject},
           {"UploadPart", "s3:PutObject", ResourceKind::kObject},
           {"CompleteMultipartUpload", "s3:PutObject", ResourceKind::kObject},
           {"AbortMultipartUpload", "s3:AbortMultipartUpload", ResourceKind::kObject},
           {"ListParts", "s3:ListMultipartUploadParts", ResourceKind::kObject},
           {"ListMultipartUploads", "s3:ListBucketMultipartUploads", ResourceKind::kBucket},
           {"DeleteObjects", "s3:DeleteObject", ResourceKind::kObject},
           {"GetObjectTagging", "s3:GetObjectTagging", ResourceKind::kObject},
           {"PutObjectTagging", "s3:PutObjectTagging", ResourceKind::kObject},
           {"PutBucketPolicy", "s3:PutBucketPolicy", ResourceKind::kBucket},
           {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus", ResourceKind::kBucket},
           {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock", ResourceKind::kBucket},
           {"ListBuckets", "s3:ListAllMyBuckets", ResourceKind::kNone},
       }) {
    const OperationAction* entry = FindOperation(e.op);
    ASSERT_NE(entry, nullptr) << e.op;
    EXPECT_EQ(entry->action, e.action) << e.op;
    EXPECT_EQ(entry->resource, e.resource) << e.op;
  }
  EXPECT_EQ(FindOperation("GetObject")->versioned_action, "s3:GetObjectVersion");
  EXPECT_EQ(FindOperation("DeleteObject")->versioned_action, "s3:DeleteObjectVersion");
  EXPECT_EQ(FindOperation("CopyObject")->source_action, "s3:GetObject");
  EXPECT_EQ(FindOperation("UploadPartCopy")->source_action, "s3:GetObject");
  EXPECT_EQ(FindOperation("WhoAmI")->action, "");
}

TEST(OperationsTest, TableIsConsistentWithTheActionCatalog) {
  std::set<std::string> seen;
  for (const OperationAction& entry : AllOperations()) {
    EXPECT_TRUE(seen.insert(std::string(entry.operation)).second)
        << "duplicate " << entry.operation;
    for (std::string_view action : {entry.action, entry.versioned_action, entry.source_action}) {
      if (action.empty()) continue;
      const ActionInfo* info = FindAction(action);
      ASSERT_NE(info, nullptr) << entry.operation << " -> " << action;
      EXPECT_EQ(info->name, action) << "spelling of " << action;
    }
    if (!entry.action.empty()) {
      EXPECT_EQ(FindAction(entry.action)->resource, entry.resource) << entry.operation;
    }
    if (!entry.versioned_action.empty()) {
      EXPECT_EQ(FindAction(entry.versioned_action)->resource, entry.resource) << entry.operation;
    }
  }
}

TEST(ActionsTest, CatalogLookups) {
  EXPECT_NE(FindAction("S3:GETOBJECT"), nullptr);
  EXPECT_EQ(FindAction("s3:GetObject*"), nullptr);
  EXPECT_TRUE(ActionPatternMatches("*", "s3:GetObject"));
  EXPECT_TRUE(ActionPatternMatches("s3:*", "s3:GetObject"));
  EXPECT_FALSE(ActionPatternMatches("s3:Put*", "s3:GetObject"));
  std::set<std::string> names;
  for (const ActionInfo& action : AllActions()) {
    EXPECT_TRUE(names.insert(std::string(action.name)).second) << action.name;
  }
}

TEST(ActionsTest, ConditionKeys) {
  EXPECT_TRUE(IsKnownConditionKey("aws:SourceArn"));
  EXPECT_TRUE(IsKnownConditionKey("AWS:AnyFutureGlobalKey"));
  EXPECT_FALSE(IsKnownConditionKey("aws:"));
  EXPECT_TRUE(IsKnownConditionKey("s3:prefix"));
  EXPECT_TRUE(IsKnownConditionKey("S3:X-AMZ-ACL"));
  EXPECT_TRUE(IsKnownConditionKey("s3:ExistingObjectTag/Project"));
  EXPECT_FALSE(IsKnownConditionKey("s3:ExistingObjectTag/"));
  EXPECT_FALSE(IsKnownConditionKey("s3:prefixes"));
  EXPECT_FALSE(IsKnownConditionKey("kms:ViaService"));
  EXPECT_FALSE(IsKnownConditionKey("SourceArn"));

  EXPECT_TRUE(ConditionKeyAppliesTo("s3:prefix", "s3:ListBucket"));
  EXPECT_TRUE(ConditionKeyAppliesTo("s3:prefix", "s3:ListBucketVersions"));
  EXPECT_FALSE(ConditionKeyAppliesTo("s3:prefix", "s3:ListBucketMultipartUploads"));
  EXPECT_TRUE(ConditionKeyAppliesTo("s3:x-amz-acl", "s3:PutObject"));
  EXPECT_FALSE(ConditionKeyAppliesTo("s3:x-amz-acl", "s3:GetObject"));
  EXPECT_TRUE(ConditionKeyAppliesTo("s3:InventoryAccessibleOptionalFields",
                                    "s3:PutInventoryConfiguration"));
  EXPECT_TRUE(ConditionKeyAppliesTo("s3:signatureversion", "s3:DeleteBucket"));
  EXPECT_TRUE(ConditionKeyAppliesTo("aws:SourceIp", "s3:DeleteBucket"));
  EXPECT_FALSE(ConditionKeyAppliesTo("s3:ExistingObjectTag/x", "s3:GetObjectRetention"));
}

}  // namespace
}  // namespace stocktake::s3::policy
