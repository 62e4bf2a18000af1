// Bucket default encryption (PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption;
// S3 API reference) and Stocktake's key-service extension (POST /?kms-create-key,
// GET /?kms-keys), which `stocktake kms` drives.
#include "common/time_format.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"
#include "store/sse.h"

namespace stocktake::s3 {
namespace {

// A KMS key description is at most 8192 characters (AWS KMS CreateKey).
constexpr size_t kMaxDescriptionBytes = 8192;

struct AlgorithmName {
  std::string_view wire;  // SSEAlgorithm
  std::string_view mode;  // store::BucketEncryption::mode
};
constexpr AlgorithmName kAlgorithms[] = {
    {"AES256", store::kSseS3}, {"aws:kms", store::kSseKms}, {"aws:kms:dsse", store::kDsseKms}};

void WriteKeyMetadata(XmlWriter* xml, const store::KmsKey& key) {
  xml->Element("KeyId", key.key_id)
      .Element("Arn", key.arn)
      .Element("Description", key.description)
      .Element("CreationDate", FormatIso8601Millis(key.created_ms))
      .Element("KeyState", "Enabled");
  if (!key.alias.empty()) xml->Element("Alias", "alias/" + key.alias);
}

}  // namespace

OpResult PutBucketEncryption(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("ServerSideEncryptionConfiguration");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  // One rule, as AWS allows (the schema admits a list; a second rule is refused).
  pugi::xml_node rule = root.child("Rule");
  if (!rule || rule.next_sibling("Rule")) return S3Error(S3ErrorCode::kMalformedXML);
  pugi::xml_node apply = rule.child("ApplyServerSideEncryptionByDefault");
  if (!apply) return S3Error(S3ErrorCode::kMalformedXML);
  std::string_view algorithm = apply.child("SSEAlgorithm").text().as_string();
  store::BucketEncryption encryption;
  bool known = false;
  for (const AlgorithmName& a : kAlgorithms) {
    if (a.wire == algorithm) {
      encryption.mode = std::string(a.mode);
      known = true;
    }
  }
  if (!known) return S3Error(S3ErrorCode::kMalformedXML);
  if (pugi::xml_node key = apply.child("KMSMasterKeyID")) {
    if (encryption.mode == store::kSseS3) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                     "aws:kms or aws:kms:dsse");
    }
    encryption.kms_key_id = key.text().as_string();
  }
  if (pugi::xml_node bucket_key = rule.child("BucketKeyEnabled")) {
    std::string_view value = bucket_key.text().as_string();
    if (value != "true" && value != "false") return S3Error(S3ErrorCode::kMalformedXML);
    encryption.bucket_key_enabled = value == "true";
  }
  store::Bucket bucket = *ctx.bucket;
  store::SetDefaultEncryption(&bucket, encryption);
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

// Every bucket has a default encryption: SSE-S3 until another is configured (AWS since
// 2023-01-05), so this never answers ServerSideEncryptionConfigurationNotFoundError.
OpResult GetBucketEncryption(OpContext& ctx) {
  store::BucketEncryption encryption = store::DefaultEncryptionOf(*ctx.bucket);
  XmlWriter xml("ServerSideEncryptionConfiguration");
  xml.Open("Rule").Open("ApplyServerSideEncryptionByDefault");
  for (const AlgorithmName& a : kAlgorithms) {
    if (a.mode == encryption.mode) xml.Element("SSEAlgorithm", a.wire);
  }
  if (!encryption.kms_key_id.empty()) xml.Element("KMSMasterKeyID", encryption.kms_key_id);
  xml.Close();
  xml.BoolElement("BucketKeyEnabled", encryption.bucket_key_enabled);
  return S3Response::Xml(xml.Finish());
}

// Back to the SSE-S3 default (objects are never left unencrypted, as on AWS).
OpResult DeleteBucketEncryption(OpContext& ctx) {
  if (store::HasConfiguredEncryption(*ctx.bucket)) {
    store::Bucket bucket = *ctx.bucket;
    store::SetDefaultEncryption(&bucket, std::nullopt);
    Status st = ctx.store().UpdateBucket(bucket);
    if (!st.ok()) return FromStatus(st);
  }
  return S3Response::NoContent();
}

OpResult CreateKmsKey(OpContext& ctx) {
  const std::string* description = ctx.request.Query("description");
  if (description != nullptr && description->size() > kMaxDescriptionBytes) {
    return S3Error(S3ErrorCode::kInvalidArgument, "The description is longer than 8192 bytes.");
  }
  auto key = ctx.store().CreateKmsKey(ctx.request.caller.account_id, ctx.service.options.region,
                                      description ? *description : std::string());
  if (!key.ok()) return FromStatus(key.status());
  XmlWriter xml("CreateKmsKeyResult");
  xml.Open("KeyMetadata");
  WriteKeyMetadata(&xml, *key);
  xml.Close();
  return S3Response::Xml(xml.Finish());
}

OpResult ListKmsKeys(OpContext& ctx) {
  auto keys = ctx.store().ListKmsKeys(ctx.request.caller.account_id);
  if (!keys.ok()) return FromStatus(keys.status());
  XmlWriter xml("ListKmsKeysResult");
  for (const store::KmsKey& key : *keys) {
    xml.Open("Key");
    WriteKeyMetadata(&xml, key);
    xml.Close();
  }
  return S3Response::Xml(xml.Finish());
}

}  // namespace stocktake::s3
