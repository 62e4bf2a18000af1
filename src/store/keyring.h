// Keyring: the keys behind encrypted blobs (docs/formats.md §1.1), and the built-in key service.
//
//   SSE-S3       a random 32-byte data key per blob, sealed by the master key (master.key)
//   SSE-KMS,     a random 32-byte data key per blob, sealed by a KMS key with the encryption
//   DSSE-KMS     context as associated data (as AWS KMS binds a data key to its context)
//   SSE-C        derived per blob from the customer's key: HMAC-SHA256(customer key,
//                "stocktake/sse-c/data-key/" + blob id + nonce); nothing is stored
//
// Every wrapped data key is bound to its blob id (associated data), so a blob file renamed to
// another id does not open. KMS keys live in the metadata store (table 'E'), their material
// sealed by the master key; they are cached in memory once used (they are never deleted; only
// their policy changes, through SetKeyPolicy, which refreshes the cache).
//
// Thread safety: every method may be called concurrently.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "store/data/blob_cipher.h"
#include "store/meta/meta_db.h"
#include "store/meta/secret_cipher.h"
#include "store/object_store.h"

namespace stocktake::store {

class Keyring final : public data::BlobKeyring {
 public:
  // `db` and `master` must outlive the keyring.
  Keyring(meta::MetaDb* db, const meta::SecretCipher* master, Clock* clock, meta::WriteMode mode)
      : db_(db), master_(master), clock_(clock), write_mode_(mode) {}

  Result<std::string> NewDataKey(std::string_view blob_id, const BlobEncryption& encryption,
                                 data::BlobHeader* header) override;
  Result<std::string> DataKey(std::string_view blob_id, const data::BlobHeader& header,
                              std::string_view customer_key) override;

  Result<KmsKey> CreateKey(std::string_view account_id, std::string_view region,
                           std::string_view description, std::string_view alias);
  // By key id (a UUID) or full ARN; NotFound otherwise.
  Result<KmsKey> GetKey(std::string_view key_id_or_arn);
  Result<KmsKey> DefaultKey(std::string_view account_id, std::string_view region);
  Result<std::vector<KmsKey>> ListKeys(std::string_view account_id);
  // Replaces a key's policy (see ObjectStore::PutKmsKeyPolicy).
  Status SetKeyPolicy(std::string_view key_id_or_arn, std::string_view policy);

 private:
  struct LoadedKey {
    KmsKey key;
    std::string material;  // 32 bytes, in the clear (memory only)
  };
  // The key and its unsealed material, from the cache or the metadata store.
  Result<std::shared_ptr<const LoadedKey>> Load(std::string_view key_id);
  Result<std::shared_ptr<const LoadedKey>> Resolve(std::string_view key_id_or_arn);

  meta::MetaDb* db_;
  const meta::SecretCipher* master_;
  Clock* clock_;
  meta::WriteMode write_mode_;

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const LoadedKey>, std::less<>> cache_;  // guarded by mu_
  std::mutex policy_mu_;   // serializes key policy updates (read, change, rewrite the row)
  std::mutex default_mu_;  // serializes creation of an account's default key
  std::map<std::string, KmsKey, std::less<>> default_keys_;  // by account; guarded by default_mu_
};

}  // namespace stocktake::store
