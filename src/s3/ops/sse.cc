#include "s3/ops/sse.h"

#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"
#include "store/sse.h"

namespace stocktake::s3 {
namespace {

// Wire values of x-amz-server-side-encryption (S3 API reference, PutObject).
constexpr std::string_view kAes256 = "AES256";
constexpr std::string_view kAwsKms = "aws:kms";
constexpr std::string_view kAwsKmsDsse = "aws:kms:dsse";
// "alias/aws/s3" names the account's AWS managed key for S3, the key SSE-KMS uses by default.
constexpr std::string_view kDefaultKeyAlias = "alias/aws/s3";

constexpr std::string_view kSseHeader = "x-amz-server-side-encryption";
constexpr std::string_view kKmsKeyHeader = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr std::string_view kContextHeader = "x-amz-server-side-encryption-context";
constexpr std::string_view kBucketKeyHeader = "x-amz-server-side-encryption-bucket-key-enabled";
constexpr std::string_view kCustomerAlgorithmHeader =
    "x-amz-server-side-encryption-customer-algorithm";
constexpr std::string_view kCustomerKeyMd5Header = "x-amz-server-side-encryption-customer-key-MD5";
// An encryption context is a small string map; AWS bounds it with the 8 KB header limit.
constexpr size_t kMaxContextBytes = 8 << 10;

// Messages of AWS's SSE-C errors (S3 API reference, "Error responses", InvalidArgument rows).
constexpr std::string_view kStoredWithSse =
    "The object was stored using a form of Server Side Encryption. The correct parameters must "
    "be provided to retrieve the object.";
constexpr std::string_view kNotApplicable =
    "The encryption parameters are not applicable to this object.";

struct CustomerKey {
  std::string key;      // 32 raw bytes
  std::string key_md5;  // base64, as sent (and echoed)
};

// The SSE-C trio, plain or x-amz-copy-source-… prefixed: nullopt when none of the three is
// present. Any one of them asks for SSE-C, so the others are then required (as AWS).
std::variant<std::optional<CustomerKey>, S3Error> ParseCustomerKey(const S3Request& request,
                                                                   bool copy_source) {
  std::string prefix = copy_source ? "x-amz-copy-source-server-side-encryption-customer-"
                                   : "x-amz-server-side-encryption-customer-";
  const std::string* algorithm = request.Header(prefix + "algorithm");
  const std::string* key = request.Header(prefix + "key");
  const std::string* key_md5 = request.Header(prefix + "key-md5");
  if (algorithm == nullptr && key == nullptr && key_md5 == nullptr) {
    return std::optional<CustomerKey>();
  }
  if (algorithm == nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Requests specifying Server Side Encryption with Customer provided keys must "
                   "provide a valid encryption algorithm.");
  }
  if (*algorithm != kAes256) {
    return S3Error(S3ErrorCode::kInvalidEncryptionAlgorithmError,
                   "The Encryption request you specified is not valid. Supported value: AES256.");
  }
  if (key == nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Requests specifying Server Side Encryption with Customer provided keys must "
                   "provide an appropriate secret key.");
  }
  auto raw_key = Base64Decode(*key);
  if (!raw_key || raw_key->size() != store::kCustomerKeyBytes) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "The secret key was invalid for the specified algorithm.");
  }
  if (key_md5 == nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Requests specifying Server Side Encryption with Customer provided keys must "
                   "provide the client calculated MD5 of the secret key.");
  }
  auto raw_md5 = Base64Decode(*key_md5);
  if (!raw_md5 || raw_md5->size() != 16) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "The MD5 hash of the secret key was improperly encoded. The MD5 hash must be "
                   "Base64 encoded.");
  }
  if (*raw_md5 != Md5(*raw_key)) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "The calculated MD5 hash of the key did not match the hash that was provided.");
  }
  return std::optional<CustomerKey>(CustomerKey{std::move(*raw_key), *key_md5});
}

// x-amz-server-side-encryption-context: base64 of a JSON object of strings. Returns the JSON.
std::variant<std::string, S3Error> ParseContext(const std::string& header) {
  S3Error invalid(S3ErrorCode::kInvalidArgument,
                  "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded "
                  "UTF-8 string holding JSON which represents a string-string map");
  auto json_text = Base64Decode(header);
  if (!json_text || json_text->size() > kMaxContextBytes) return invalid;
  auto parsed = nlohmann::json::parse(*json_text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return invalid;
  for (const auto& [name, value] : parsed.items()) {
    if (!value.is_string()) return invalid;
  }
  return std::move(*json_text);
}

std::string_view WireName(std::string_view mode) {
  if (mode == store::kSseKms) return kAwsKms;
  if (mode == store::kDsseKms) return kAwsKmsDsse;
  return kAes256;
}

bool IsKms(std::string_view mode) { return mode == store::kSseKms || mode == store::kDsseKms; }

S3Error KmsKeyNotFound(std::string_view key_id) {
  return S3Error(S3ErrorCode::kKmsNotFoundException, "Invalid keyId " + std::string(key_id));
}

// The ARN of the KMS key `key_id` ("" or alias/aws/s3: the account's default S3 key), which
// must belong to the bucket owner's account.
std::variant<std::string, S3Error> ResolveKmsKey(OpContext& ctx, const std::string& key_id) {
  const std::string& account = ctx.bucket->owner_account_id;
  Result<store::KmsKey> key = key_id.empty() || key_id == kDefaultKeyAlias
                                  ? ctx.store().DefaultKmsKey(account, ctx.service.options.region)
                                  : ctx.store().GetKmsKey(key_id);
  if (!key.ok()) {
    if (key.status().IsNotFound()) return KmsKeyNotFound(key_id);
    return FromStatus(key.status());
  }
  // Until key policies exist, a key serves its own account only (kms:GenerateDataKey denied).
  if (key->account_id != account) return S3Error(S3ErrorCode::kAccessDenied);
  return std::move(key->arn);
}

}  // namespace

std::optional<S3Error> ApplySseForWrite(OpContext& ctx, store::ObjectVersion* version) {
  const S3Request& request = ctx.request;
  const std::string* sse = request.Header(kSseHeader);
  const std::string* kms_key = request.Header(kKmsKeyHeader);
  const std::string* context = request.Header(kContextHeader);
  const std::string* bucket_key = request.Header(kBucketKeyHeader);
  auto customer = ParseCustomerKey(request, /*copy_source=*/false);
  if (auto* error = std::get_if<S3Error>(&customer)) return *error;
  auto& customer_key = std::get<std::optional<CustomerKey>>(customer);

  version->kms_key_id.clear();
  version->kms_context.clear();
  version->bucket_key_enabled = false;
  version->sse_customer_key_hmac.clear();
  if (customer_key) {
    if (sse != nullptr || kms_key != nullptr || context != nullptr) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Server Side Encryption with Customer provided key is incompatible with the "
                     "encryption method specified");
    }
    version->encryption = std::string(store::kSseC);
    version->sse_customer_key_hmac = store::SseCustomerKeyHmac(customer_key->key);
    return std::nullopt;
  }

  store::BucketEncryption defaults = store::DefaultEncryptionOf(*ctx.bucket);
  std::string mode = defaults.mode;
  std::string key_id = defaults.kms_key_id;
  bool with_bucket_key = defaults.bucket_key_enabled;
  if (sse != nullptr) {
    if (*sse == kAes256) {
      mode = store::kSseS3;
    } else if (*sse == kAwsKms) {
      mode = store::kSseKms;
    } else if (*sse == kAwsKmsDsse) {
      mode = store::kDsseKms;
    } else {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "The encryption method specified is not supported");
    }
    // An explicit request without a key id uses the AWS managed key (aws/s3), not the bucket's
    // default key (PutObject, x-amz-server-side-encryption-aws-kms-key-id).
    key_id.clear();
  }
  if ((kms_key != nullptr || context != nullptr) && !IsKms(mode)) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "Server Side Encryption with AWS KMS managed key requires HTTP header "
                   "x-amz-server-side-encryption : aws:kms");
  }
  if (bucket_key != nullptr) {
    if (*bucket_key != "true" && *bucket_key != "false") {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Invalid value for header x-amz-server-side-encryption-bucket-key-enabled");
    }
    with_bucket_key = *bucket_key == "true";
  }
  version->encryption = mode;
  if (!IsKms(mode)) return std::nullopt;

  if (kms_key != nullptr) key_id = *kms_key;
  auto arn = ResolveKmsKey(ctx, key_id);
  if (auto* error = std::get_if<S3Error>(&arn)) return *error;
  version->kms_key_id = std::move(std::get<std::string>(arn));
  if (context != nullptr) {
    auto json = ParseContext(*context);
    if (auto* error = std::get_if<S3Error>(&json)) return *error;
    version->kms_context = std::move(std::get<std::string>(json));
  }
  // S3 Bucket Keys serve SSE-KMS only; DSSE-KMS does not support them (User Guide).
  version->bucket_key_enabled = with_bucket_key && mode == store::kSseKms;
  return std::nullopt;
}

std::optional<S3Error> ApplySseForPart(const S3Request& request,
                                       const store::ObjectVersion& upload_template,
                                       store::ObjectVersion* part) {
  auto customer = ParseCustomerKey(request, /*copy_source=*/false);
  if (auto* error = std::get_if<S3Error>(&customer)) return *error;
  auto& customer_key = std::get<std::optional<CustomerKey>>(customer);
  if (upload_template.encryption == store::kSseC) {
    if (!customer_key) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The multipart upload initiate requested encryption. Subsequent part "
                     "requests must include the appropriate encryption parameters.");
    }
    if (!store::SseCustomerKeyMatches(upload_template.sse_customer_key_hmac, customer_key->key)) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "The provided encryption parameters did not match the ones used "
                     "originally.");
    }
  } else if (customer_key) {
    return S3Error(S3ErrorCode::kInvalidRequest, std::string(kNotApplicable));
  }
  part->encryption = upload_template.encryption;
  part->kms_key_id = upload_template.kms_key_id;
  part->kms_context = upload_template.kms_context;
  part->bucket_key_enabled = upload_template.bucket_key_enabled;
  part->sse_customer_key_hmac = upload_template.sse_customer_key_hmac;
  return std::nullopt;
}

std::variant<std::string, S3Error> SseKeyForRead(const S3Request& request,
                                                 const store::ObjectVersion& version,
                                                 bool copy_source) {
  auto customer = ParseCustomerKey(request, copy_source);
  if (auto* error = std::get_if<S3Error>(&customer)) return *error;
  auto& customer_key = std::get<std::optional<CustomerKey>>(customer);
  if (version.encryption != store::kSseC) {
    if (customer_key) return S3Error(S3ErrorCode::kInvalidRequest, std::string(kNotApplicable));
    return std::string();
  }
  if (!customer_key) return S3Error(S3ErrorCode::kInvalidRequest, std::string(kStoredWithSse));
  // A wrong key is refused as AWS does: 403, with nothing about the key in the answer.
  if (!store::SseCustomerKeyMatches(version.sse_customer_key_hmac, customer_key->key)) {
    return S3Error(S3ErrorCode::kAccessDenied);
  }
  return std::move(customer_key->key);
}

std::string RequestCustomerKey(const S3Request& request) {
  auto customer = ParseCustomerKey(request, /*copy_source=*/false);
  auto* key = std::get_if<std::optional<CustomerKey>>(&customer);
  return key != nullptr && *key ? std::move((*key)->key) : std::string();
}

Result<std::unique_ptr<store::BlobWriter>> NewSseBlob(OpContext& ctx,
                                                      const store::ObjectVersion& version) {
  store::BlobEncryption encryption;
  if (!version.encryption.empty()) encryption.mode = version.encryption;
  encryption.kms_key_id = version.kms_key_id;
  encryption.kms_context = version.kms_context;
  if (version.encryption == store::kSseC) {
    encryption.customer_key = RequestCustomerKey(ctx.request);
    if (encryption.customer_key.empty()) {
      return Status::InvalidArgument("SSE-C data without a customer key in the request");
    }
  }
  return ctx.store().NewBlob(encryption);
}

std::string SseEtag(const store::ObjectVersion& version, std::string md5_hex) {
  if (IsKms(version.encryption) || version.encryption == store::kSseC) {
    return HexLower(RandomBytes(16));
  }
  return md5_hex;
}

void AddSseHeaders(const S3Request& request, const store::ObjectVersion& version,
                   S3Response* response, bool with_context) {
  if (version.encryption.empty()) return;
  if (version.encryption == store::kSseC) {
    response->SetHeader(std::string(kCustomerAlgorithmHeader), std::string(kAes256));
    if (const std::string* md5 = request.Header("x-amz-server-side-encryption-customer-key-md5")) {
      response->SetHeader(std::string(kCustomerKeyMd5Header), *md5);
    }
    return;
  }
  response->SetHeader(std::string(kSseHeader), std::string(WireName(version.encryption)));
  if (!IsKms(version.encryption)) return;
  if (!version.kms_key_id.empty()) {
    response->SetHeader(std::string(kKmsKeyHeader), version.kms_key_id);
  }
  if (version.bucket_key_enabled) response->SetHeader(std::string(kBucketKeyHeader), "true");
  if (with_context && !version.kms_context.empty()) {
    response->SetHeader(std::string(kContextHeader), Base64Encode(version.kms_context));
  }
}

}  // namespace stocktake::s3
