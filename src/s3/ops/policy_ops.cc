// Bucket policies and Block Public Access (issue 7): ?policy, ?policyStatus, ?publicAccessBlock.
// The documents are stored as bucket attributes (authorization.h names them); authorization.cc
// reads them on every request.
#include <algorithm>

#include "s3/authorization.h"
#include "s3/ops/op_util.h"
#include "s3/policy/parser.h"
#include "s3/policy/public_policy.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

// A policy body is at most 20 KB without whitespace (parser.h); whitespace is free, so allow
// generously formatted documents before the parser measures.
constexpr size_t kMaxPolicyBodyBytes = 1 << 20;

void SetAttribute(store::Bucket* bucket, std::string_view name, std::optional<std::string> value) {
  std::erase_if(bucket->attributes, [name](const auto& a) { return a.first == name; });
  if (value) bucket->attributes.emplace_back(std::string(name), std::move(*value));
}

OpResult UpdateAttribute(OpContext& ctx, std::string_view name, std::optional<std::string> value) {
  store::Bucket bucket = *ctx.bucket;
  SetAttribute(&bucket, name, std::move(value));
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

// AWS refuses a policy naming a principal it does not know ("Invalid principal in policy").
bool PrincipalExists(store::ObjectStore& store, const policy::PrincipalRef& ref) {
  using Type = policy::PrincipalRef::Type;
  switch (ref.type) {
    case Type::kService:
      return true;
    case Type::kAccount:
      return store.GetAccount(ref.value).ok();
    case Type::kArn: {
      // arn:aws:iam::ACCOUNT:...: the account must exist (Stocktake has no IAM users to check).
      std::string_view arn = ref.value;
      size_t start = std::string_view("arn:aws:iam::").size();
      if (arn.size() < start + 12) return false;
      return store.GetAccount(arn.substr(start, 12)).ok();
    }
    case Type::kCanonicalUser: {
      auto accounts = store.ListAccounts();
      if (!accounts.ok()) return false;
      return std::any_of(accounts->begin(), accounts->end(),
                         [&ref](const store::Account& a) { return a.canonical_id == ref.value; });
    }
  }
  return false;
}

}  // namespace

OpResult PutBucketPolicy(OpContext& ctx) {
  std::optional<S3Error> read_error;
  auto body = ReadAll(*ctx.request.payload, kMaxPolicyBodyBytes, &read_error);
  if (!body.ok()) {
    return read_error && read_error->error != S3ErrorCode::kMalformedXML
               ? *read_error
               : S3Error(S3ErrorCode::kMalformedPolicy,
                         "Policy exceeds the maximum allowed "
                         "document size.");
  }
  policy::ParseOptions options;
  store::ObjectStore* store = &ctx.store();
  options.principal_exists = [store](const policy::PrincipalRef& ref) {
    return PrincipalExists(*store, ref);
  };
  auto parsed = policy::ParsePolicy(*body, ctx.bucket->name, options);
  if (!parsed.ok()) return S3Error(S3ErrorCode::kMalformedPolicy, parsed.status().message());
  std::optional<PublicAccessBlock> block = PublicAccessBlockOf(*ctx.bucket);
  if (block && block->block_public_policy && policy::IsPublic(*parsed)) {
    return S3Error(S3ErrorCode::kAccessDenied);
  }
  return UpdateAttribute(ctx, kPolicyAttribute, std::move(*body));
}

OpResult GetBucketPolicy(OpContext& ctx) {
  const std::string* json = ctx.bucket->FindAttribute(kPolicyAttribute);
  if (json == nullptr) return S3Error(S3ErrorCode::kNoSuchBucketPolicy);
  S3Response response;
  response.SetHeader("Content-Type", "application/json");
  response.body = *json;
  return response;
}

OpResult DeleteBucketPolicy(OpContext& ctx) {
  if (ctx.bucket->FindAttribute(kPolicyAttribute) == nullptr) return S3Response::NoContent();
  return UpdateAttribute(ctx, kPolicyAttribute, std::nullopt);
}

OpResult GetBucketPolicyStatus(OpContext& ctx) {
  if (ctx.bucket->FindAttribute(kPolicyAttribute) == nullptr) {
    return S3Error(S3ErrorCode::kNoSuchBucketPolicy);
  }
  bool unreadable = false;
  std::optional<policy::Policy> bucket_policy = BucketPolicyOf(*ctx.bucket, &unreadable);
  XmlWriter xml("PolicyStatus");
  xml.BoolElement("IsPublic", bucket_policy && policy::IsPublic(*bucket_policy));
  return S3Response::Xml(xml.Finish());
}

OpResult PutPublicAccessBlock(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.document_element();
  if (std::string_view(root.name()) != "PublicAccessBlockConfiguration") {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  for (pugi::xml_node child : root.children()) {
    if (child.type() != pugi::node_element) continue;  // whitespace kept by kXmlBodyParseFlags
    std::string_view value = child.text().as_string();
    if (value != "true" && value != "false" && value != "TRUE" && value != "FALSE") {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
  }
  std::string document;
  {
    std::string raw;
    struct Writer : pugi::xml_writer {
      std::string* out;
      void write(const void* data, size_t size) override {
        out->append(static_cast<const char*>(data), size);
      }
    } writer;
    writer.out = &raw;
    doc.save(writer);
    auto block = ParsePublicAccessBlockXml(raw);
    if (!block) return S3Error(S3ErrorCode::kMalformedXML);
    document = SerializePublicAccessBlockXml(*block);
  }
  auto result = UpdateAttribute(ctx, kPublicAccessBlockAttribute, std::move(document));
  if (auto* response = std::get_if<S3Response>(&result)) response->status = 200;
  return result;
}

OpResult GetPublicAccessBlock(OpContext& ctx) {
  std::optional<PublicAccessBlock> block = PublicAccessBlockOf(*ctx.bucket);
  if (!block) return S3Error(S3ErrorCode::kNoSuchPublicAccessBlockConfiguration);
  return S3Response::Xml(SerializePublicAccessBlockXml(*block));
}

OpResult DeletePublicAccessBlock(OpContext& ctx) {
  if (ctx.bucket->FindAttribute(kPublicAccessBlockAttribute) == nullptr) {
    return S3Response::NoContent();
  }
  return UpdateAttribute(ctx, kPublicAccessBlockAttribute, std::nullopt);
}

}  // namespace stocktake::s3
