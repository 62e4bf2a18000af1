#include "store/sse.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "common/crypto.h"

namespace stocktake::store {
namespace {

// DO NOT CHANGE: verifiers of stored SSE-C objects were computed with these.
constexpr size_t kVerifierSaltBytes = 16;
constexpr std::string_view kVerifierLabel = "stocktake/sse-c/verifier";

std::string Verifier(std::string_view customer_key, std::string_view salt) {
  std::string message(kVerifierLabel);
  message.append(salt);
  std::string out(salt);
  out.append(HmacSha256(customer_key, message));
  return out;
}

}  // namespace

std::string SseCustomerKeyHmac(std::string_view customer_key) {
  return Verifier(customer_key, RandomBytes(kVerifierSaltBytes));
}

bool SseCustomerKeyMatches(std::string_view stored_hmac, std::string_view customer_key) {
  if (stored_hmac.size() <= kVerifierSaltBytes) return false;
  std::string expected = Verifier(customer_key, stored_hmac.substr(0, kVerifierSaltBytes));
  return expected.size() == stored_hmac.size() &&
         CRYPTO_memcmp(expected.data(), stored_hmac.data(), expected.size()) == 0;
}

BucketEncryption DefaultEncryptionOf(const Bucket& bucket) {
  BucketEncryption out;
  const std::string* value = bucket.FindAttribute(kEncryptionAttribute);
  if (value == nullptr) return out;
  std::string_view rest = *value;
  size_t first = rest.find('\n');
  size_t second = first == std::string_view::npos ? first : rest.find('\n', first + 1);
  if (second == std::string_view::npos) return out;  // not ours: keep AWS's default
  std::string_view mode = rest.substr(0, first);
  if (mode != kSseS3 && mode != kSseKms && mode != kDsseKms) return out;
  out.mode = std::string(mode);
  out.kms_key_id = std::string(rest.substr(first + 1, second - first - 1));
  out.bucket_key_enabled = rest.substr(second + 1) == "1";
  return out;
}

bool HasConfiguredEncryption(const Bucket& bucket) {
  return bucket.FindAttribute(kEncryptionAttribute) != nullptr;
}

void SetDefaultEncryption(Bucket* bucket, const std::optional<BucketEncryption>& encryption) {
  auto& attributes = bucket->attributes;
  std::erase_if(attributes, [](const auto& a) { return a.first == kEncryptionAttribute; });
  if (!encryption) return;
  attributes.emplace_back(std::string(kEncryptionAttribute),
                          encryption->mode + "\n" + encryption->kms_key_id + "\n" +
                              (encryption->bucket_key_enabled ? "1" : "0"));
}

}  // namespace stocktake::store
