#include "s3/authorization.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <pugixml.hpp>

#include "common/time_format.h"
#include "inventory/config_xml.h"
#include "inventory/fields.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/policy/evaluator.h"
#include "s3/policy/operations.h"
#include "s3/policy/parser.h"
#include "s3/policy/public_policy.h"

namespace stocktake::s3 {
namespace {

// The canned ACL S3 writes inventory reports with (spec §8).
constexpr std::string_view kBucketOwnerFullControl = "bucket-owner-full-control";

// Large enough for any inventory configuration (inventory_ops.cc bounds it the same way).
constexpr size_t kMaxBufferedConfigurationBytes = 256 * 1024;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Whether the policy document mentions condition key `key_lower` at all: the costly keys
// (loading the object for its tags, buffering a request body) are filled only then.
bool PolicyMentions(const store::Bucket& bucket, std::string_view key_lower) {
  const std::string* json = bucket.FindAttribute(kPolicyAttribute);
  return json != nullptr && Lower(*json).find(key_lower) != std::string::npos;
}

bool XmlBool(pugi::xml_node parent, const char* name) {
  std::string_view value = parent.child_value(name);
  return value == "true" || value == "TRUE" || value == "True";
}

// A payload already read into memory (replayed to the op after authorization read it).
class BufferedPayload final : public Payload {
 public:
  BufferedPayload(std::string bytes, Payload* original)
      : bytes_(std::move(bytes)), original_(original) {}
  Result<std::string_view> Read(size_t max_bytes) override {
    size_t n = std::min(max_bytes, bytes_.size() - offset_);
    std::string_view out(bytes_.data() + offset_, n);
    offset_ += n;
    return out;
  }
  const std::optional<S3Error>& error() const override { return original_->error(); }
  const std::vector<std::pair<std::string, std::string>>& trailers() const override {
    return original_->trailers();
  }
  std::optional<uint64_t> declared_length() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t offset_ = 0;
  Payload* original_;
};

std::string BucketArn(std::string_view bucket) {
  return std::string(policy::kS3ArnPrefix) + std::string(bucket);
}

std::string ObjectArn(std::string_view bucket, std::string_view key) {
  return BucketArn(bucket) + "/" + std::string(key);
}

// The condition keys every request carries.
void AddGlobalConditions(const ServiceContext& service, const S3Request& request,
                         policy::ConditionContext* conditions) {
  if (request.http != nullptr && !request.http->remote_address.empty()) {
    conditions->Set("aws:SourceIp", request.http->remote_address);
  }
  bool secure = request.http != nullptr && request.http->secure;
  conditions->Set("aws:SecureTransport", secure ? "true" : "false");
  int64_t now_ms = service.clock->NowMillis();
  std::string now = FormatIso8601Millis(now_ms);
  // aws:CurrentTime is second-precision ISO 8601 on AWS: drop the milliseconds.
  if (now.size() == 24) now = now.substr(0, 19) + "Z";
  conditions->Set("aws:CurrentTime", now);
  conditions->Set("aws:EpochTime", std::to_string(now_ms / 1000));
  if (const std::string* acl = request.Header("x-amz-acl")) conditions->Set("s3:x-amz-acl", *acl);
  if (const std::string* sse = request.Header("x-amz-server-side-encryption")) {
    conditions->Set("s3:x-amz-server-side-encryption", *sse);
  }
  if (const std::string* kms = request.Header("x-amz-server-side-encryption-aws-kms-key-id")) {
    conditions->Set("s3:x-amz-server-side-encryption-aws-kms-key-id", *kms);
  }
  if (const std::string* version = request.Query("versionId")) {
    conditions->Set("s3:VersionId", *version);
  }
}

// s3:prefix, s3:delimiter, s3:max-keys of the list operations.
void AddListConditions(const S3Request& request, policy::ConditionContext* conditions) {
  for (std::string_view name : {"prefix", "delimiter", "max-keys"}) {
    if (const std::string* value = request.Query(name)) {
      conditions->Set("s3:" + std::string(name), *value);
    }
  }
}

// s3:RequestObjectTag/<k> from the x-amz-tagging header of writes.
void AddRequestTagConditions(const S3Request& request, policy::ConditionContext* conditions) {
  const std::string* header = request.Header("x-amz-tagging");
  if (header == nullptr) return;
  std::vector<std::pair<std::string, std::string>> tags;
  if (ParseTaggingQuery(*header, &tags)) return;  // malformed: the op answers for it
  for (auto& [k, v] : tags) {
    conditions->Add("s3:RequestObjectTag/" + k, v);
    conditions->Add("s3:RequestObjectTagKeys", k);
  }
}

// s3:ExistingObjectTag/<k>: the tags of `key` (version `version_id` when set), when it exists.
void AddExistingTagConditions(const ServiceContext& service, std::string_view bucket,
                              std::string_view key, std::optional<std::string_view> version_id,
                              policy::ConditionContext* conditions) {
  auto object = service.store->GetObject(bucket, key, version_id);
  if (!object.ok() || object->is_delete_marker) return;
  for (auto& [k, v] : object->tags) conditions->Add("s3:ExistingObjectTag/" + k, v);
}

// A check of `action` on object `key` that is not the request's own target (a copy source, one
// key of DeleteObjects): s3:VersionId is that object's (the request's own versionId, if any,
// names something else).
policy::RequestContext ObjectContext(const ServiceContext& service, const S3Request& request,
                                     const store::Bucket& bucket, std::string action,
                                     std::string_view key,
                                     std::optional<std::string_view> version_id) {
  policy::RequestContext context;
  context.caller = CallerOf(request.caller);
  context.action = std::move(action);
  context.resource = ObjectArn(bucket.name, key);
  AddGlobalConditions(service, request, &context.conditions);
  context.conditions.Erase("s3:VersionId");
  if (version_id) context.conditions.Set("s3:VersionId", std::string(*version_id));
  if (PolicyMentions(bucket, "existingobjecttag")) {
    AddExistingTagConditions(service, bucket.name, key, version_id, &context.conditions);
  }
  return context;
}

// The ACL of `key` (version `version_id` when set) when it could grant `caller` `action`: an
// action object ACLs map to, asked by someone outside the bucket owner's account (whom the
// owner rule already admits), on an existing version.
std::optional<ObjectAcl> LoadObjectAcl(const ServiceContext& service, const store::Bucket& bucket,
                                       const store::Account& caller, std::string_view action,
                                       std::string_view key,
                                       std::optional<std::string_view> version_id) {
  if (caller.account_id == bucket.owner_account_id || !ObjectAclCanGrant(action)) {
    return std::nullopt;
  }
  auto object = service.store->GetObject(bucket.name, key, version_id);
  if (!object.ok() || object->is_delete_marker) return std::nullopt;
  auto owner = service.store->GetAccount(object->owner_account_id);
  if (!owner.ok()) return std::nullopt;
  return ObjectAcl{std::move(object->acl), owner->canonical_id};
}

// s3:InventoryAccessibleOptionalFields: one value per field the configuration asks for. Reads
// the body now and hands the op a replay of it.
std::optional<S3Error> AddInventoryFieldConditions(S3Request& request,
                                                   std::unique_ptr<Payload>* buffered,
                                                   policy::ConditionContext* conditions) {
  if (request.payload == nullptr) return std::nullopt;
  std::optional<S3Error> read_error;
  auto body = ReadAll(*request.payload, kMaxBufferedConfigurationBytes, &read_error);
  if (!body.ok()) return read_error ? *read_error : S3Error(S3ErrorCode::kMalformedXML);
  auto parsed = inventory::ParseInventoryConfigurationXml(*body);
  if (parsed.ok()) {
    for (inventory::FieldId field : parsed.value().optional_fields) {
      conditions->Add("s3:InventoryAccessibleOptionalFields",
                      std::string(inventory::GetField(field).xml_name));
    }
  }
  *buffered = std::make_unique<BufferedPayload>(std::move(*body), request.payload);
  request.payload = buffered->get();
  return std::nullopt;
}

}  // namespace

std::optional<PublicAccessBlock> ParsePublicAccessBlockXml(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) return std::nullopt;
  pugi::xml_node root = doc.child("PublicAccessBlockConfiguration");
  if (!root) return std::nullopt;
  PublicAccessBlock block;
  block.block_public_acls = XmlBool(root, "BlockPublicAcls");
  block.ignore_public_acls = XmlBool(root, "IgnorePublicAcls");
  block.block_public_policy = XmlBool(root, "BlockPublicPolicy");
  block.restrict_public_buckets = XmlBool(root, "RestrictPublicBuckets");
  return block;
}

std::string SerializePublicAccessBlockXml(const PublicAccessBlock& block) {
  auto b = [](bool v) { return v ? "true" : "false"; };
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PublicAccessBlockConfiguration "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  out += std::string("<BlockPublicAcls>") + b(block.block_public_acls) + "</BlockPublicAcls>";
  out += std::string("<IgnorePublicAcls>") + b(block.ignore_public_acls) + "</IgnorePublicAcls>";
  out += std::string("<BlockPublicPolicy>") + b(block.block_public_policy) + "</BlockPublicPolicy>";
  out += std::string("<RestrictPublicBuckets>") + b(block.restrict_public_buckets) +
         "</RestrictPublicBuckets>";
  out += "</PublicAccessBlockConfiguration>";
  return out;
}

std::optional<PublicAccessBlock> PublicAccessBlockOf(const store::Bucket& bucket) {
  const std::string* xml = bucket.FindAttribute(kPublicAccessBlockAttribute);
  if (xml == nullptr) return std::nullopt;
  return ParsePublicAccessBlockXml(*xml);
}

std::optional<policy::Policy> BucketPolicyOf(const store::Bucket& bucket, bool* unreadable) {
  *unreadable = false;
  const std::string* json = bucket.FindAttribute(kPolicyAttribute);
  if (json == nullptr) return std::nullopt;
  auto parsed = policy::ParsePolicy(*json, bucket.name);
  if (!parsed.ok()) {
    *unreadable = true;
    return std::nullopt;
  }
  return std::move(*parsed);
}

policy::Caller CallerOf(const store::Account& account) {
  if (account.account_id.empty()) return policy::Caller::Anonymous();
  return policy::Caller::Root(account.account_id, account.canonical_id);
}

bool AclGrantAllows(const store::Bucket& bucket, const policy::RequestContext& request,
                    const PublicAccessBlock& block, const ObjectAcl* object) {
  // Keeping the hook here means the policy decision order (Deny > owner > policy Allow > ACL) is
  // fixed in one place; the ACL semantics live with the ACL operations (acl_ops.cc).
  if (BucketAclAllows(bucket, request, block.ignore_public_acls)) return true;
  return object != nullptr && ObjectAclAllows(bucket, object->document, object->owner_canonical_id,
                                              request, block.ignore_public_acls);
}

bool IsAuthorized(const store::Bucket& bucket, const policy::RequestContext& request,
                  const ObjectAcl* object) {
  bool unreadable = false;
  std::optional<policy::Policy> bucket_policy = BucketPolicyOf(bucket, &unreadable);
  policy::Decision decision =
      bucket_policy ? policy::Evaluate(*bucket_policy, request) : policy::Decision::kNoMatch;
  if (decision == policy::Decision::kDeny) return false;
  const policy::Caller& caller = request.caller;
  bool owner_account = (caller.kind == policy::Caller::Kind::kAccountRoot ||
                        caller.kind == policy::Caller::Kind::kUser) &&
                       caller.account_id == bucket.owner_account_id;
  if (owner_account) return true;
  if (unreadable) return false;
  PublicAccessBlock block = PublicAccessBlockOf(bucket).value_or(PublicAccessBlock{});
  if (decision == policy::Decision::kAllow) {
    // RestrictPublicBuckets: a public policy grants nothing outside the owner's account but to
    // service principals ("blocks all cross-account access ... except by AWS service
    // principals", Block Public Access settings).
    if (block.restrict_public_buckets && policy::IsPublic(*bucket_policy) &&
        caller.kind != policy::Caller::Kind::kService) {
      return false;
    }
    return true;
  }
  return AclGrantAllows(bucket, request, block, object);
}

std::optional<S3Error> AuthorizeOperation(const ServiceContext& service, S3Request& request,
                                          std::string_view operation, const store::Bucket& bucket,
                                          std::unique_ptr<Payload>* buffered) {
  const policy::OperationAction* entry = policy::FindOperation(operation);
  if (entry == nullptr || entry->action.empty()) {
    // Not a bucket-policy matter: only the owner's account may use it.
    if (request.caller.account_id != bucket.owner_account_id) {
      S3Error denied(S3ErrorCode::kAccessDenied);
      denied.log_reason = "not the bucket owner: " + std::string(operation);
      return denied;
    }
    return std::nullopt;
  }
  // "The root user of the bucket owner's account can always perform GetBucketPolicy,
  // PutBucketPolicy and DeleteBucketPolicy, even if the policy explicitly denies" it (S3 API
  // reference, PutBucketPolicy): a bad Deny can always be repaired.
  if ((operation == "GetBucketPolicy" || operation == "PutBucketPolicy" ||
       operation == "DeleteBucketPolicy") &&
      !request.caller.account_id.empty() && request.caller.account_id == bucket.owner_account_id) {
    return std::nullopt;
  }
  // DeleteObjects names its keys in the body: the op authorizes each one
  // (AuthorizeObjectDelete) and reports a refused key in the DeleteResult, as S3 does.
  if (operation == "DeleteObjects") return std::nullopt;
  policy::RequestContext context;
  context.caller = CallerOf(request.caller);
  bool versioned = request.HasQuery("versionId") && !entry->versioned_action.empty();
  context.action = std::string(versioned ? entry->versioned_action : entry->action);
  if (entry->resource == policy::ResourceKind::kObject) {
    context.resource = ObjectArn(bucket.name, request.key);
  } else {
    context.resource = BucketArn(bucket.name);
  }
  AddGlobalConditions(service, request, &context.conditions);
  if (operation == "ListObjects" || operation == "ListObjectsV2" ||
      operation == "ListObjectVersions") {
    AddListConditions(request, &context.conditions);
  }
  if (operation == "PutObject" || operation == "CopyObject" ||
      operation == "CreateMultipartUpload") {
    AddRequestTagConditions(request, &context.conditions);
  }
  std::optional<std::string_view> version_id;
  if (const std::string* v = request.Query("versionId")) version_id = *v;
  if (!request.key.empty() && PolicyMentions(bucket, "existingobjecttag")) {
    AddExistingTagConditions(service, bucket.name, request.key, version_id, &context.conditions);
  }
  if (operation == "PutBucketInventoryConfiguration" &&
      PolicyMentions(bucket, "inventoryaccessibleoptionalfields")) {
    if (auto error = AddInventoryFieldConditions(request, buffered, &context.conditions)) {
      return error;
    }
  }
  std::optional<ObjectAcl> object_acl;
  if (entry->resource == policy::ResourceKind::kObject) {
    object_acl =
        LoadObjectAcl(service, bucket, request.caller, context.action, request.key, version_id);
  }
  if (!IsAuthorized(bucket, context, object_acl ? &*object_acl : nullptr)) {
    S3Error denied(S3ErrorCode::kAccessDenied);
    denied.log_reason = "denied by policy or ACL: " + context.action + " on " + context.resource;
    return denied;
  }
  return std::nullopt;
}

std::optional<S3Error> AuthorizeCopySource(const ServiceContext& service, const S3Request& request,
                                           const store::Bucket& bucket, std::string_view key,
                                           std::optional<std::string_view> version_id) {
  std::string action = version_id ? "s3:GetObjectVersion" : "s3:GetObject";
  std::optional<ObjectAcl> object_acl =
      LoadObjectAcl(service, bucket, request.caller, action, key, version_id);
  policy::RequestContext context =
      ObjectContext(service, request, bucket, std::move(action), key, version_id);
  if (!IsAuthorized(bucket, context, object_acl ? &*object_acl : nullptr)) {
    return S3Error(S3ErrorCode::kAccessDenied);
  }
  return std::nullopt;
}

std::optional<S3Error> AuthorizeObjectDelete(const ServiceContext& service,
                                             const S3Request& request, const store::Bucket& bucket,
                                             std::string_view key,
                                             std::optional<std::string_view> version_id) {
  policy::RequestContext context =
      ObjectContext(service, request, bucket,
                    version_id ? "s3:DeleteObjectVersion" : "s3:DeleteObject", key, version_id);
  if (!IsAuthorized(bucket, context)) return S3Error(S3ErrorCode::kAccessDenied);
  return std::nullopt;
}

Status AuthorizeInventoryDelivery(const store::Bucket& source, const store::Bucket& destination,
                                  std::string_view key) {
  policy::RequestContext context;
  context.caller = policy::Caller::Service(std::string(kS3ServicePrincipal));
  context.action = "s3:PutObject";
  context.resource = ObjectArn(destination.name, key);
  context.conditions.Set("aws:SourceArn", BucketArn(source.name));
  context.conditions.Set("aws:SourceAccount", source.owner_account_id);
  context.conditions.Set("s3:x-amz-acl", std::string(kBucketOwnerFullControl));
  context.conditions.Set("aws:SecureTransport", "true");  // S3's own writes are internal
  if (!DestinationPolicyAllows(source, destination, context)) {
    return Status::PermissionDenied("destination bucket policy refuses S3");
  }
  return Status::OK();
}

bool DestinationPolicyAllows(const store::Bucket& source, const store::Bucket& destination,
                             const policy::RequestContext& context) {
  bool unreadable = false;
  std::optional<policy::Policy> bucket_policy = BucketPolicyOf(destination, &unreadable);
  policy::Decision decision =
      bucket_policy ? policy::Evaluate(*bucket_policy, context) : policy::Decision::kNoMatch;
  return decision == policy::Decision::kAllow ||
         (decision == policy::Decision::kNoMatch &&
          source.owner_account_id == destination.owner_account_id);
}

}  // namespace stocktake::s3
