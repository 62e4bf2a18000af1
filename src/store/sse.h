// Server-side encryption helpers shared by the S3 layer and the inventory: the SSE-C key
// verifier and a bucket's default encryption. The encryption itself happens in the blob layer
// (store/data/blob_cipher.h); keys are managed by the store (store/keyring.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"

namespace stocktake::store {

// ---- SSE-C
// ----------------------------------------------------------------------------------------

inline constexpr size_t kCustomerKeyBytes = 32;

// What the store keeps instead of an SSE-C customer key (AWS keeps an MD5 of the key; a salted
// HMAC does not let a reader of the metadata test guesses against a shared table):
// 16 random salt bytes, then HMAC-SHA256(customer_key, "stocktake/sse-c/verifier" + salt).
// DO NOT CHANGE: stored in ObjectVersion::sse_customer_key_hmac (docs/formats.md §3.1).
std::string SseCustomerKeyHmac(std::string_view customer_key);
// Whether `customer_key` is the key `stored_hmac` was made from (constant time).
bool SseCustomerKeyMatches(std::string_view stored_hmac, std::string_view customer_key);

// ---- Bucket default encryption
// ------------------------------------------------------------

// The bucket attribute holding a bucket's default encryption (PutBucketEncryption). Unlike other
// attribute documents its format belongs to the store, so the inventory module (which may not
// depend on the S3 layer) applies the same default to the report objects it writes:
// "<mode>\n<kms key id>\n<0|1 bucket key enabled>". DO NOT CHANGE (docs/formats.md §3.2).
inline constexpr std::string_view kEncryptionAttribute = "encryption";

struct BucketEncryption {
  std::string mode = std::string(kSseS3);  // kSseS3, kSseKms or kDsseKms
  std::string kms_key_id;                  // as configured; "" = the account's default key
  bool bucket_key_enabled = false;
};

// The bucket's default encryption: SSE-S3 when none was configured (AWS's default for every
// bucket since 2023-01-05).
BucketEncryption DefaultEncryptionOf(const Bucket& bucket);
// Whether a default encryption was configured (PutBucketEncryption, not yet deleted).
bool HasConfiguredEncryption(const Bucket& bucket);
// Sets (or with nullopt removes) the bucket's default encryption attribute.
void SetDefaultEncryption(Bucket* bucket, const std::optional<BucketEncryption>& encryption);

}  // namespace stocktake::store
