// Key policies of the built-in key service (issue 7), Stocktake's extension API at service
// level, which `stocktake kms put-key-policy|get-key-policy` drives:
//   PUT /?kms-key-policy&key-id=ID   body: the policy JSON (AWS KMS PutKeyPolicy)
//   GET /?kms-key-policy&key-id=ID   answers the policy in force (AWS KMS GetKeyPolicy)
// Only the key's account or the root account may call them (s3/kms_policy.h).
#include "s3/kms_policy.h"
#include "s3/ops/op_util.h"
#include "s3/policy/parser.h"

namespace stocktake::s3 {
namespace {

// Whitespace is free; the parser measures the 32 KB limit.
constexpr size_t kMaxKeyPolicyBodyBytes = 1 << 20;

// The key named by key-id (id or ARN) if the caller may administer it.
std::variant<store::KmsKey, S3Error> LoadAdministeredKey(OpContext& ctx) {
  const std::string* key_id = ctx.request.Query("key-id");
  if (key_id == nullptr || key_id->empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument, "Missing required parameter key-id");
  }
  auto key = ctx.store().GetKmsKey(*key_id);
  if (!key.ok()) {
    if (key.status().IsNotFound()) return S3Error(S3ErrorCode::kKmsNotFoundException);
    return FromStatus(key.status());
  }
  const std::string& caller = ctx.request.caller.account_id;
  bool root = !ctx.service.root_account_id.empty() && caller == ctx.service.root_account_id;
  if (!root && caller != key->account_id) return S3Error(S3ErrorCode::kAccessDenied);
  return std::move(key).value();
}

}  // namespace

OpResult PutKmsKeyPolicy(OpContext& ctx) {
  auto key = LoadAdministeredKey(ctx);
  if (auto* error = std::get_if<S3Error>(&key)) return *error;
  std::optional<S3Error> read_error;
  auto body = ReadAll(*ctx.request.payload, kMaxKeyPolicyBodyBytes, &read_error);
  if (!body.ok()) {
    return read_error && read_error->error != S3ErrorCode::kMalformedXML
               ? *read_error
               : S3Error(S3ErrorCode::kMalformedPolicyDocumentException,
                         "Policy exceeds the maximum allowed document size.");
  }
  auto parsed = policy::ParseKeyPolicy(*body);
  if (!parsed.ok()) {
    return S3Error(S3ErrorCode::kMalformedPolicyDocumentException, parsed.status().message());
  }
  Status st = ctx.store().PutKmsKeyPolicy(std::get<store::KmsKey>(key).key_id, *body);
  if (st.code() == StatusCode::kPermissionDenied) {
    return S3Error(S3ErrorCode::kAccessDenied, st.message());
  }
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

OpResult GetKmsKeyPolicy(OpContext& ctx) {
  auto key = LoadAdministeredKey(ctx);
  if (auto* error = std::get_if<S3Error>(&key)) return *error;
  S3Response response;
  response.SetHeader("Content-Type", "application/json");
  response.body = KeyPolicyOf(std::get<store::KmsKey>(key));
  return response;
}

}  // namespace stocktake::s3
