// authorization.cc against a real store in a temp dir: the decision order (Deny > bucket owner >
// policy Allow > ACL grant), anonymous and service principals, Block Public Access, and the
// condition keys AuthorizeOperation fills from a request.
#include "s3/authorization.h"

#include <gtest/gtest.h>

#include "common/time_format.h"
#include "s3/http/http_server.h"
#include "store/acl.h"
#include "store/testing/temp_store.h"

namespace stocktake::s3 {
namespace {

constexpr char kOwnerId[] = "111122223333";
constexpr char kOtherId[] = "444455556666";
const std::string kOwnerCanonical(64, 'a');
const std::string kOtherCanonical(64, 'b');

std::string Policy(std::string_view statements) {
  return std::string(R"({"Version": "2012-10-17", "Statement": [)") + std::string(statements) +
         "]}";
}

// A payload served from memory (a PutBucketInventoryConfiguration body).
class StringPayload final : public Payload {
 public:
  explicit StringPayload(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::string_view> Read(size_t max_bytes) override {
    size_t n = std::min(max_bytes, bytes_.size() - offset_);
    std::string_view out(bytes_.data() + offset_, n);
    offset_ += n;
    return out;
  }
  const std::optional<S3Error>& error() const override { return error_; }
  const std::vector<std::pair<std::string, std::string>>& trailers() const override {
    return trailers_;
  }
  std::optional<uint64_t> declared_length() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t offset_ = 0;
  std::optional<S3Error> error_;
  std::vector<std::pair<std::string, std::string>> trailers_;
};

class AuthorizationTest : public store::TempStoreTest {
 protected:
  AuthorizationTest() { store_options_.clock = &clock_; }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    ASSERT_TRUE(store_->PutAccount(owner_).ok());
    ASSERT_TRUE(store_->PutAccount(other_).ok());
    bucket_.name = "data";
    bucket_.owner_account_id = kOwnerId;
    bucket_.region = "us-east-1";
    ASSERT_TRUE(store_->CreateBucket(bucket_).ok());
    service_.store = store_.get();
    service_.clock = &clock_;
    head_.remote_address = "192.0.2.10";
  }

  void SetAttribute(std::string_view name, std::string value) {
    std::erase_if(bucket_.attributes, [&](const auto& a) { return a.first == name; });
    bucket_.attributes.emplace_back(std::string(name), std::move(value));
  }
  void SetPolicy(std::string_view statements) {
    SetAttribute(kPolicyAttribute, Policy(statements));
  }

  void PutObject(const std::string& key, std::vector<std::pair<std::string, std::string>> tags,
                 std::string acl = "") {
    auto blob = WriteBlob("x");
    store::ObjectVersion v;
    v.bucket = bucket_.name;
    v.key = key;
    v.size = 1;
    v.etag = blob->md5_hex();
    v.blob_id = blob->blob_id();
    v.owner_account_id = kOwnerId;
    v.tags = std::move(tags);
    v.acl = std::move(acl);
    ASSERT_TRUE(store_->PutObject(v).ok());
  }

  static policy::RequestContext Ask(policy::Caller caller, std::string action,
                                    std::string resource) {
    policy::RequestContext request;
    request.caller = std::move(caller);
    request.action = std::move(action);
    request.resource = std::move(resource);
    return request;
  }
  static policy::Caller Owner() { return policy::Caller::Root(kOwnerId, kOwnerCanonical); }
  static policy::Caller Other() { return policy::Caller::Root(kOtherId, kOtherCanonical); }

  // AuthorizeOperation of `operation` by `caller` on key `key` ("" = the bucket).
  bool Allowed(const store::Account& caller, std::string_view operation, std::string key = "",
               std::vector<std::pair<std::string, std::string>> query = {}) {
    S3Request request;
    request.http = &head_;
    request.method = "GET";
    request.bucket = bucket_.name;
    request.key = std::move(key);
    request.query = std::move(query);
    request.caller = caller;
    request.payload = payload_.get();
    std::unique_ptr<Payload> buffered;
    return !AuthorizeOperation(service_, request, operation, bucket_, &buffered).has_value();
  }

  // Whether `caller` may read `key` (its current version) of bucket_ as a copy source.
  bool CopySourceAllowed(const store::Account& caller, std::string_view key) {
    S3Request request;
    request.http = &head_;
    request.caller = caller;
    return !AuthorizeCopySource(service_, request, bucket_, key, std::nullopt).has_value();
  }

  ManualClock clock_{*ParseIso8601("2026-03-04T12:00:00Z")};
  store::Account owner_{kOwnerId, kOwnerCanonical, "owner"};
  store::Account other_{kOtherId, kOtherCanonical, "other"};
  store::Account anonymous_;
  store::Bucket bucket_;
  ServiceContext service_;
  http::HttpRequestHead head_;
  std::unique_ptr<Payload> payload_;
};

// ---- IsAuthorized: the decision order --------------------------------------------------------

TEST_F(AuthorizationTest, OwnerAllowedWithoutPolicy) {
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Owner(), "s3:GetObject", "arn:aws:s3:::data/k")));
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Owner(), "s3:PutBucketTagging", "arn:aws:s3:::data")));
}

TEST_F(AuthorizationTest, ExplicitDenyBeatsOwnerAndAllow) {
  SetPolicy(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                "Resource": "arn:aws:s3:::data/*"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data/secret/*"})");
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(Owner(), "s3:GetObject", "arn:aws:s3:::data/secret/k")));
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/secret/k")));
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Owner(), "s3:GetObject", "arn:aws:s3:::data/open")));
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/open")));
}

TEST_F(AuthorizationTest, CrossAccountOnlyThroughPolicy) {
  auto get = Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/k");
  EXPECT_FALSE(IsAuthorized(bucket_, get));
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"})");
  EXPECT_TRUE(IsAuthorized(bucket_, get));
  // Only what the policy names: not another action, not another account.
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(Other(), "s3:PutObject", "arn:aws:s3:::data/k")));
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(policy::Caller::Root("777788889999", std::string(64, 'c')),
                                         "s3:GetObject", "arn:aws:s3:::data/k")));
}

TEST_F(AuthorizationTest, UnreadableStoredPolicyDeniesOthersButNotOwner) {
  SetAttribute(kPolicyAttribute, "{not json");
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Owner(), "s3:GetObject", "arn:aws:s3:::data/k")));
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/k")));
}

TEST_F(AuthorizationTest, CrossAccountThroughBucketAndObjectAcl) {
  auto list = Ask(Other(), "s3:ListBucket", "arn:aws:s3:::data");
  auto get = Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/k");
  store::Acl grant_read{{{store::AclGrant::Kind::kCanonicalUser, kOtherCanonical, "READ"}}};
  SetAttribute("acl", store::EncodeAcl(grant_read, kOwnerCanonical));
  ObjectAcl object{store::EncodeAcl(grant_read, kOwnerCanonical), kOwnerCanonical};
  // ACLs disabled (no ownership attribute = BucketOwnerEnforced): grants count for nothing.
  EXPECT_FALSE(IsAuthorized(bucket_, list));
  EXPECT_FALSE(IsAuthorized(bucket_, get, &object));
  SetAttribute("ownership", "BucketOwnerPreferred");
  EXPECT_TRUE(IsAuthorized(bucket_, list));
  EXPECT_FALSE(IsAuthorized(bucket_, get)) << "the bucket's READ lists, it does not read objects";
  EXPECT_TRUE(IsAuthorized(bucket_, get, &object));
  EXPECT_TRUE(
      IsAuthorized(bucket_, Ask(Other(), "s3:GetObjectVersion", "arn:aws:s3:::data/k"), &object));
  // READ on an object grants neither its ACL nor writes.
  for (const char* action :
       {"s3:GetObjectAcl", "s3:PutObjectAcl", "s3:PutObject", "s3:DeleteObject"}) {
    EXPECT_FALSE(IsAuthorized(bucket_, Ask(Other(), action, "arn:aws:s3:::data/k"), &object))
        << action;
  }
  // The default ("") document: the object owner's FULL_CONTROL, nobody else's.
  ObjectAcl theirs{"", kOtherCanonical};
  EXPECT_TRUE(
      IsAuthorized(bucket_, Ask(Other(), "s3:PutObjectAcl", "arn:aws:s3:::data/k"), &theirs));
  EXPECT_TRUE(IsAuthorized(bucket_, get, &theirs));
  ObjectAcl owners{"", kOwnerCanonical};
  EXPECT_FALSE(IsAuthorized(bucket_, get, &owners));
  // An explicit Deny beats the grant.
  SetPolicy(R"({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data/k"})");
  EXPECT_FALSE(IsAuthorized(bucket_, get, &object));
}

TEST_F(AuthorizationTest, PublicObjectAclAndIgnorePublicAcls) {
  SetAttribute("ownership", "ObjectWriter");
  store::Acl public_read{
      {{store::AclGrant::Kind::kGroup, std::string(store::kAllUsersGroup), "READ"}}};
  ObjectAcl object{store::EncodeAcl(public_read, kOwnerCanonical), kOwnerCanonical};
  auto anonymous_get = Ask(policy::Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::data/k");
  EXPECT_TRUE(IsAuthorized(bucket_, anonymous_get, &object));
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/k"), &object));
  EXPECT_FALSE(IsAuthorized(
      bucket_, Ask(policy::Caller::Anonymous(), "s3:GetObjectAcl", "arn:aws:s3:::data/k"),
      &object));
  PublicAccessBlock block;
  block.ignore_public_acls = true;
  SetAttribute(kPublicAccessBlockAttribute, SerializePublicAccessBlockXml(block));
  EXPECT_FALSE(IsAuthorized(bucket_, anonymous_get, &object));
}

TEST_F(AuthorizationTest, AnonymousOnlyThroughPublicPolicyUnlessRestricted) {
  auto get = Ask(policy::Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::data/public/k");
  EXPECT_FALSE(IsAuthorized(bucket_, get));
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"})");
  EXPECT_FALSE(IsAuthorized(bucket_, get)) << "an account principal is not anonymous";
  SetPolicy(R"({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data/public/*"})");
  EXPECT_TRUE(IsAuthorized(bucket_, get));
  EXPECT_FALSE(IsAuthorized(
      bucket_, Ask(policy::Caller::Anonymous(), "s3:GetObject", "arn:aws:s3:::data/private/k")));
  PublicAccessBlock block;
  block.restrict_public_buckets = true;
  SetAttribute(kPublicAccessBlockAttribute, SerializePublicAccessBlockXml(block));
  EXPECT_FALSE(IsAuthorized(bucket_, get));
  EXPECT_FALSE(IsAuthorized(bucket_, Ask(Other(), "s3:GetObject", "arn:aws:s3:::data/public/k")));
  EXPECT_TRUE(IsAuthorized(bucket_, Ask(Owner(), "s3:GetObject", "arn:aws:s3:::data/public/k")));
}

TEST_F(AuthorizationTest, ServicePrincipalNeedsItsOwnStatement) {
  auto service = policy::Caller::Service(std::string(kS3ServicePrincipal));
  auto put = Ask(service, "s3:PutObject", "arn:aws:s3:::data/reports/x");
  EXPECT_FALSE(IsAuthorized(bucket_, put));
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "111122223333"},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"})");
  EXPECT_FALSE(IsAuthorized(bucket_, put)) << "the owner's account principal is not S3";
  SetPolicy(R"({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*"})");
  EXPECT_TRUE(IsAuthorized(bucket_, put));
  // RestrictPublicBuckets leaves service principals their access.
  PublicAccessBlock block;
  block.restrict_public_buckets = true;
  SetAttribute(kPublicAccessBlockAttribute, SerializePublicAccessBlockXml(block));
  EXPECT_TRUE(IsAuthorized(bucket_, put));
}

TEST_F(AuthorizationTest, InventoryDeliveryConditions) {
  store::Bucket source;
  source.name = "source";
  source.owner_account_id = kOtherId;
  // Another account's destination without a policy: refused; the same account's: allowed.
  EXPECT_FALSE(AuthorizeInventoryDelivery(source, bucket_, "r/data/x.csv.gz").ok());
  source.owner_account_id = kOwnerId;
  EXPECT_TRUE(AuthorizeInventoryDelivery(source, bucket_, "r/data/x.csv.gz").ok());
  source.owner_account_id = kOtherId;
  // spec §8's destination policy.
  SetPolicy(R"({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*",
                "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::source"},
                              "StringEquals": {"aws:SourceAccount": "444455556666",
                                               "s3:x-amz-acl": "bucket-owner-full-control"}}})");
  EXPECT_TRUE(AuthorizeInventoryDelivery(source, bucket_, "r/data/x.csv.gz").ok());
  store::Bucket impostor = source;
  impostor.name = "impostor";
  EXPECT_FALSE(AuthorizeInventoryDelivery(impostor, bucket_, "r/data/x.csv.gz").ok());
  impostor = source;
  impostor.owner_account_id = "777788889999";
  EXPECT_FALSE(AuthorizeInventoryDelivery(impostor, bucket_, "r/data/x.csv.gz").ok());
  // A Deny refuses even a same-account delivery.
  source.owner_account_id = kOwnerId;
  SetPolicy(R"({"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                "Resource": "arn:aws:s3:::data/*"})");
  EXPECT_FALSE(AuthorizeInventoryDelivery(source, bucket_, "r/data/x.csv.gz").ok());
}

// ---- AuthorizeOperation: operations and condition keys ---------------------------------------

TEST_F(AuthorizationTest, OperationsMapToActionsAndOwnerMayRepairPolicy) {
  SetPolicy(R"({"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]})");
  EXPECT_FALSE(Allowed(owner_, "ListObjectsV2"));
  EXPECT_FALSE(Allowed(owner_, "GetObject", "k"));
  EXPECT_TRUE(Allowed(owner_, "PutBucketPolicy"));
  EXPECT_TRUE(Allowed(owner_, "DeleteBucketPolicy"));
  EXPECT_FALSE(Allowed(other_, "PutBucketPolicy"));
  // Operations outside bucket policies: the owner's account only.
  bucket_.attributes.clear();
  EXPECT_TRUE(Allowed(owner_, "WhoAmI"));
  EXPECT_FALSE(Allowed(other_, "WhoAmI"));
}

TEST_F(AuthorizationTest, VersionIdSelectsVersionedActionAndConditionKey) {
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:GetObjectVersion", "Resource": "arn:aws:s3:::data/*",
                "Condition": {"StringEquals": {"s3:VersionId": "v1"}}})");
  EXPECT_FALSE(Allowed(other_, "GetObject", "k"));
  EXPECT_TRUE(Allowed(other_, "GetObject", "k", {{"versionId", "v1"}}));
  EXPECT_FALSE(Allowed(other_, "GetObject", "k", {{"versionId", "v2"}}));
}

TEST_F(AuthorizationTest, RequestConditionKeysAreFilled) {
  // One Allow per condition key: each is satisfied only by the value the request carries.
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data",
                "Condition": {"StringEquals": {"s3:prefix": "logs/", "s3:delimiter": "/",
                                               "s3:max-keys": "10"},
                              "IpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                              "Bool": {"aws:SecureTransport": "false"},
                              "DateGreaterThan": {"aws:CurrentTime": "2026-03-04T11:59:59Z"},
                              "NumericEquals": {"aws:EpochTime": "1772625600"}}})");
  std::vector<std::pair<std::string, std::string>> query = {
      {"prefix", "logs/"}, {"delimiter", "/"}, {"max-keys", "10"}};
  EXPECT_TRUE(Allowed(other_, "ListObjectsV2", "", query));
  EXPECT_FALSE(Allowed(other_, "ListObjectsV2", "", {{"prefix", "logs/"}, {"delimiter", "/"}}));
  head_.remote_address = "198.51.100.1";
  EXPECT_FALSE(Allowed(other_, "ListObjectsV2", "", query));
  head_.remote_address = "192.0.2.10";
  head_.secure = true;
  EXPECT_FALSE(Allowed(other_, "ListObjectsV2", "", query));
  head_.secure = false;
  clock_.AdvanceMillis(1000);
  EXPECT_FALSE(Allowed(other_, "ListObjectsV2", "", query)) << "aws:EpochTime moved on";
}

TEST_F(AuthorizationTest, HeaderConditionKeysAreFilled) {
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control",
                                               "s3:x-amz-server-side-encryption": "aws:kms",
                                               "s3:RequestObjectTag/team": "blue"}}})");
  EXPECT_FALSE(Allowed(other_, "PutObject", "k"));
  head_.headers = {{"x-amz-acl", "bucket-owner-full-control"},
                   {"x-amz-server-side-encryption", "aws:kms"},
                   {"x-amz-tagging", "team=blue&x=y"}};
  EXPECT_TRUE(Allowed(other_, "PutObject", "k"));
  head_.headers[2].second = "team=red";
  EXPECT_FALSE(Allowed(other_, "PutObject", "k"));
}

TEST_F(AuthorizationTest, ExistingObjectTagOfTheAddressedObject) {
  PutObject("open", {{"share", "yes"}});
  PutObject("closed", {{"share", "no"}});
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/share": "yes"}}})");
  EXPECT_TRUE(Allowed(other_, "GetObject", "open"));
  EXPECT_FALSE(Allowed(other_, "GetObject", "closed"));
  EXPECT_FALSE(Allowed(other_, "GetObject", "missing"));
  EXPECT_TRUE(CopySourceAllowed(other_, "open"));
  EXPECT_FALSE(CopySourceAllowed(other_, "closed"));
}

TEST_F(AuthorizationTest, ObjectAclOfTheAddressedVersionIsLoaded) {
  SetAttribute("ownership", "BucketOwnerPreferred");
  store::Acl grant_read{{{store::AclGrant::Kind::kCanonicalUser, kOtherCanonical, "READ"}}};
  PutObject("shared", {}, store::EncodeAcl(grant_read, kOwnerCanonical));
  PutObject("private", {});
  EXPECT_TRUE(Allowed(other_, "GetObject", "shared"));
  EXPECT_TRUE(Allowed(other_, "HeadObject", "shared"));
  EXPECT_FALSE(Allowed(other_, "GetObjectAcl", "shared"));
  EXPECT_FALSE(Allowed(other_, "GetObject", "private"));
  EXPECT_FALSE(Allowed(anonymous_, "GetObject", "shared"));
  EXPECT_TRUE(CopySourceAllowed(other_, "shared"));
  EXPECT_FALSE(CopySourceAllowed(other_, "private"));
}

TEST_F(AuthorizationTest, DeleteObjectsIsAuthorizedPerKey) {
  PutObject("tagged", {{"keep", "yes"}});
  SetPolicy(R"({"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
                "Resource": "arn:aws:s3:::data/protected/*"},
               {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject*",
                "Resource": "arn:aws:s3:::data/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/keep": "yes"}}},
               {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:DeleteObjectVersion", "Resource": "arn:aws:s3:::data/*",
                "Condition": {"StringEquals": {"s3:VersionId": "v7"}}})");
  // The request itself passes; each key is checked by the op.
  EXPECT_TRUE(Allowed(other_, "DeleteObjects"));
  S3Request request;
  request.http = &head_;
  request.caller = owner_;
  auto denied = [&](std::string_view key, std::optional<std::string_view> version) {
    return AuthorizeObjectDelete(service_, request, bucket_, key, version).has_value();
  };
  EXPECT_FALSE(denied("a", std::nullopt));
  EXPECT_TRUE(denied("protected/b", std::nullopt));
  EXPECT_FALSE(denied("protected/b", "v1")) << "s3:DeleteObjectVersion is another action";
  EXPECT_TRUE(denied("tagged", std::nullopt));
  EXPECT_TRUE(denied("tagged", "null"));
  request.caller = other_;
  EXPECT_TRUE(denied("a", std::nullopt));
  EXPECT_FALSE(denied("a", "v7"));
  EXPECT_TRUE(denied("a", "v8"));
  // The request's own versionId is not the key's.
  request.query = {{"versionId", "v7"}};
  EXPECT_TRUE(denied("a", "v8"));
}

TEST_F(AuthorizationTest, InventoryAccessibleOptionalFieldsReadsAndReplaysTheBody) {
  SetPolicy(R"({"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "s3:PutInventoryConfiguration", "Resource": "arn:aws:s3:::data",
                "Condition": {"ForAllValues:StringEquals": {
                    "s3:InventoryAccessibleOptionalFields": ["Size", "ETag"]}}})");
  auto body = [](std::string_view fields) {
    return std::string(
               "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
               "<Id>r</Id><IsEnabled>true</IsEnabled><Destination><S3BucketDestination>"
               "<Bucket>arn:aws:s3:::data</Bucket><Format>CSV</Format></S3BucketDestination>"
               "</Destination><IncludedObjectVersions>Current</IncludedObjectVersions>"
               "<Schedule><Frequency>Daily</Frequency></Schedule><OptionalFields>") +
           std::string(fields) + "</OptionalFields></InventoryConfiguration>";
  };
  std::string allowed = body("<Field>Size</Field><Field>ETag</Field>");
  StringPayload payload(allowed);
  S3Request request;
  request.http = &head_;
  request.method = "PUT";
  request.bucket = bucket_.name;
  request.caller = other_;
  request.query = {{"inventory", ""}, {"id", "r"}};
  request.payload = &payload;
  std::unique_ptr<Payload> buffered;
  EXPECT_FALSE(
      AuthorizeOperation(service_, request, "PutBucketInventoryConfiguration", bucket_, &buffered));
  // The op reads the same bytes from the replay.
  ASSERT_NE(buffered, nullptr);
  ASSERT_EQ(request.payload, buffered.get());
  std::optional<S3Error> error;
  auto replayed = ReadAll(*request.payload, 1 << 20, &error);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, allowed);

  StringPayload forbidden(body("<Field>Size</Field><Field>ObjectOwner</Field>"));
  request.payload = &forbidden;
  EXPECT_TRUE(
      AuthorizeOperation(service_, request, "PutBucketInventoryConfiguration", bucket_, &buffered));
}

}  // namespace
}  // namespace stocktake::s3
