#include "store/keyring.h"

#include "common/crypto.h"
#include "store/meta/key_codec.h"
#include "store/meta/record_codec.h"

namespace stocktake::store {
namespace {

// DO NOT CHANGE: associated data and labels of keys already on disk (docs/formats.md §1.1).
constexpr std::string_view kBlobKeyAad = "stocktake/blob-key/";
constexpr std::string_view kKmsMaterialAad = "stocktake/kms-key/";
constexpr std::string_view kCustomerKeyLabel = "stocktake/sse-c/data-key/";
constexpr std::string_view kDefaultAlias = "aws/s3";
constexpr std::string_view kDefaultKeyDescription =
    "Default key that protects my S3 objects when no other key is defined";
constexpr size_t kKmsMaterialBytes = 32;
// An encryption context travels in every blob header (at most 64 KiB with the wrapped key).
constexpr size_t kMaxContextBytes = 16 << 10;
constexpr size_t kUuidChars = 36;

std::string BlobAad(std::string_view blob_id) {
  std::string aad(kBlobKeyAad);
  aad.append(blob_id);
  return aad;
}

// KMS-wrapped keys also bind the encryption context, as AWS KMS does.
std::string KmsBlobAad(std::string_view blob_id, std::string_view context) {
  std::string aad = BlobAad(blob_id);
  aad.push_back('\0');
  aad.append(context);
  return aad;
}

std::string CustomerDataKey(std::string_view customer_key, std::string_view blob_id,
                            std::string_view nonce) {
  std::string message(kCustomerKeyLabel);
  message.append(blob_id);
  message.append(nonce);
  return HmacSha256(customer_key, message);
}

std::string MaterialAad(std::string_view key_id) {
  std::string aad(kKmsMaterialAad);
  aad.append(key_id);
  return aad;
}

// The key id of an ARN arn:aws:kms:<region>:<account>:key/<id>, or of a bare id.
std::string_view KeyIdOf(std::string_view key_id_or_arn) {
  if (key_id_or_arn.starts_with("arn:")) {
    size_t slash = key_id_or_arn.rfind(":key/");
    return slash == std::string_view::npos ? std::string_view() : key_id_or_arn.substr(slash + 5);
  }
  return key_id_or_arn;
}

bool LooksLikeUuid(std::string_view s) {
  if (s.size() != kUuidChars) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char c = s[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

Result<std::string> Keyring::NewDataKey(std::string_view blob_id, const BlobEncryption& encryption,
                                        data::BlobHeader* header) {
  auto mode = data::BlobKeyModeFromName(encryption.mode);
  if (!mode) return Status::InvalidArgument("unknown encryption mode " + encryption.mode);
  header->mode = *mode;
  header->key_info.clear();
  switch (*mode) {
    case data::BlobKeyMode::kSseS3: {
      std::string key = RandomBytes(data::kDataKeyBytes);
      ASSIGN_OR_RETURN(header->key_info, master_->Seal(key, BlobAad(blob_id)));
      return key;
    }
    case data::BlobKeyMode::kSseKms:
    case data::BlobKeyMode::kDsseKms: {
      if (encryption.kms_context.size() > kMaxContextBytes) {
        return Status::InvalidArgument("encryption context too large");
      }
      ASSIGN_OR_RETURN(auto loaded, Resolve(encryption.kms_key_id));
      std::string key = RandomBytes(data::kDataKeyBytes);
      meta::SecretCipher kms(loaded->material);
      ASSIGN_OR_RETURN(std::string sealed,
                       kms.Seal(key, KmsBlobAad(blob_id, encryption.kms_context)));
      meta::PutLengthPrefixed(&header->key_info, loaded->key.key_id);
      meta::PutLengthPrefixed(&header->key_info, encryption.kms_context);
      header->key_info.append(sealed);
      return key;
    }
    case data::BlobKeyMode::kSseC:
      if (encryption.customer_key.size() != data::kDataKeyBytes) {
        return Status::InvalidArgument("an SSE-C customer key is 32 bytes");
      }
      return CustomerDataKey(encryption.customer_key, blob_id, header->nonce);
  }
  return Status::InvalidArgument("unknown encryption mode");
}

Result<std::string> Keyring::DataKey(std::string_view blob_id, const data::BlobHeader& header,
                                     std::string_view customer_key) {
  switch (header.mode) {
    case data::BlobKeyMode::kSseS3:
      return master_->Open(header.key_info, BlobAad(blob_id));
    case data::BlobKeyMode::kSseKms:
    case data::BlobKeyMode::kDsseKms: {
      std::string_view info = header.key_info;
      std::string_view key_id, context;
      if (!meta::GetLengthPrefixed(&info, &key_id) || !meta::GetLengthPrefixed(&info, &context)) {
        return Status::Corruption("blob key info malformed");
      }
      ASSIGN_OR_RETURN(auto loaded, Load(key_id));
      meta::SecretCipher kms(loaded->material);
      return kms.Open(info, KmsBlobAad(blob_id, context));
    }
    case data::BlobKeyMode::kSseC:
      if (customer_key.size() != data::kDataKeyBytes) {
        return Status::PermissionDenied("the object is encrypted with a customer key (SSE-C)");
      }
      return CustomerDataKey(customer_key, blob_id, header.nonce);
  }
  return Status::Corruption("blob key mode unknown");
}

Result<KmsKey> Keyring::CreateKey(std::string_view account_id, std::string_view region,
                                  std::string_view description, std::string_view alias) {
  KmsKey key;
  key.key_id = RandomUuid();
  key.arn =
      "arn:aws:kms:" + std::string(region) + ":" + std::string(account_id) + ":key/" + key.key_id;
  key.account_id.assign(account_id);
  key.description.assign(description);
  key.alias.assign(alias);
  key.created_ms = clock_->NowMillis();
  std::string material = RandomBytes(kKmsMaterialBytes);
  ASSIGN_OR_RETURN(std::string sealed, master_->Seal(material, MaterialAad(key.key_id)));
  std::string record;
  meta::EncodeKmsKeyRecord(key, sealed, &record);
  RETURN_IF_ERROR(db_->Put(meta::KmsKeyKey(key.key_id), record, write_mode_));
  return key;
}

Result<std::shared_ptr<const Keyring::LoadedKey>> Keyring::Load(std::string_view key_id) {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key_id);
    if (it != cache_.end()) return it->second;
  }
  if (!LooksLikeUuid(key_id)) return Status::NotFound("no such KMS key");
  std::string record;
  Status st = db_->Get(meta::KmsKeyKey(key_id), &record);
  if (st.IsNotFound()) return Status::NotFound("no such KMS key");
  RETURN_IF_ERROR(st);
  auto loaded = std::make_shared<LoadedKey>();
  loaded->key.key_id.assign(key_id);
  std::string sealed;
  if (!meta::DecodeKmsKeyRecord(record, &loaded->key, &sealed)) {
    return Status::Corruption("malformed KMS key row");
  }
  ASSIGN_OR_RETURN(loaded->material, master_->Open(sealed, MaterialAad(key_id)));
  std::lock_guard lock(mu_);
  // An entry already cached is as new as this one or newer (SetKeyPolicy replaces the entry
  // after rewriting the row), so it wins.
  return cache_.emplace(std::string(key_id), std::move(loaded)).first->second;
}

Result<std::shared_ptr<const Keyring::LoadedKey>> Keyring::Resolve(std::string_view key_id_or_arn) {
  ASSIGN_OR_RETURN(auto loaded, Load(KeyIdOf(key_id_or_arn)));
  // An ARN must name the key exactly (region and account included), as KMS requires.
  if (key_id_or_arn.starts_with("arn:") && key_id_or_arn != loaded->key.arn) {
    return Status::NotFound("no such KMS key");
  }
  return loaded;
}

Result<KmsKey> Keyring::GetKey(std::string_view key_id_or_arn) {
  ASSIGN_OR_RETURN(auto loaded, Resolve(key_id_or_arn));
  return loaded->key;
}

Status Keyring::SetKeyPolicy(std::string_view key_id_or_arn, std::string_view policy) {
  std::lock_guard writer(policy_mu_);
  ASSIGN_OR_RETURN(auto loaded, Resolve(key_id_or_arn));
  // Like an AWS managed key, the default key keeps its policy (default_keys_ caches it too).
  if (loaded->key.alias == kDefaultAlias) {
    return Status::PermissionDenied(
        "the key policy of the default key (alias aws/s3) cannot be changed");
  }
  const std::string row_key = meta::KmsKeyKey(loaded->key.key_id);
  std::string record;
  RETURN_IF_ERROR(db_->Get(row_key, &record));
  auto updated = std::make_shared<LoadedKey>(*loaded);
  std::string sealed;
  if (!meta::DecodeKmsKeyRecord(record, &updated->key, &sealed)) {
    return Status::Corruption("malformed KMS key row");
  }
  updated->key.policy.assign(policy);
  meta::EncodeKmsKeyRecord(updated->key, sealed, &record);
  RETURN_IF_ERROR(db_->Put(row_key, record, write_mode_));
  std::lock_guard lock(mu_);
  cache_[updated->key.key_id] = std::move(updated);
  return Status::OK();
}

Result<KmsKey> Keyring::DefaultKey(std::string_view account_id, std::string_view region) {
  // One creator at a time, so two first SSE-KMS uploads cannot create two default keys.
  std::lock_guard lock(default_mu_);
  // Every SSE-KMS write without a key id comes here: remembered after the first lookup.
  auto cached = default_keys_.find(account_id);
  if (cached != default_keys_.end()) return cached->second;
  ASSIGN_OR_RETURN(std::vector<KmsKey> keys, ListKeys(account_id));
  std::optional<KmsKey> found;
  for (KmsKey& key : keys) {
    if (key.alias == kDefaultAlias) found = std::move(key);
  }
  if (!found) {
    ASSIGN_OR_RETURN(found, CreateKey(account_id, region, kDefaultKeyDescription, kDefaultAlias));
  }
  default_keys_.emplace(std::string(account_id), *found);
  return *std::move(found);
}

Result<std::vector<KmsKey>> Keyring::ListKeys(std::string_view account_id) {
  std::vector<KmsKey> out;
  std::string prefix(1, static_cast<char>(meta::Table::kKmsKey));
  meta::IterateOptions options;
  options.upper_bound = meta::PrefixSuccessor(prefix);
  auto it = db_->NewIterator(options);
  std::string sealed;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    KmsKey key;
    key.key_id.assign(it->key().substr(prefix.size()));
    if (!meta::DecodeKmsKeyRecord(it->value(), &key, &sealed)) {
      return Status::Corruption("malformed KMS key row");
    }
    if (key.account_id == account_id) out.push_back(std::move(key));
  }
  RETURN_IF_ERROR(it->status());
  return out;
}

}  // namespace stocktake::store
