// SecretCipher: seals access-key secrets for storage at rest with AES-256-GCM (OpenSSL EVP) under
// a 32-byte master key kept in <data_dir>/master.key (mode 0600), created on first open.
//
// Sealed layout (DO NOT CHANGE; docs/formats.md): version byte 0x01, 12-byte random nonce,
// ciphertext, 16-byte GCM tag. The associated data binds a sealed secret to its row
// ("stocktake/access-key/" + access key id), so a sealed value copied to another row fails to open.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace stocktake::store::meta {

inline constexpr size_t kMasterKeyBytes = 32;

class SecretCipher {
 public:
  // Reads the master key at `path`, creating it (random, mode 0600, durably) when absent.
  static Result<SecretCipher> OpenOrCreate(const std::string& path);
  explicit SecretCipher(std::string key) : key_(std::move(key)) {}

  Result<std::string> Seal(std::string_view plaintext, std::string_view associated_data) const;
  // Corruption when the value was tampered with, sealed under another key or other data.
  Result<std::string> Open(std::string_view sealed, std::string_view associated_data) const;

 private:
  std::string key_;
};

}  // namespace stocktake::store::meta
