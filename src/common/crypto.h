// Digests and MACs over OpenSSL (the one adapter for libcrypto hashing), and secure randomness.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

namespace stocktake {

std::string Md5(std::string_view data);                               // 16 raw bytes
std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HmacSha1(std::string_view key, std::string_view data);    // 20 raw bytes (SigV2)
std::string RandomBytes(size_t n);  // from the OS CSPRNG (RAND_bytes)
// A random RFC 4122 version-4 UUID, lower-case, with dashes.
std::string RandomUuid();

// Incremental digest (MD5, SHA-1, SHA-256...). Not thread-safe.
class Digest {
 public:
  enum class Algorithm { kMd5, kSha1, kSha256 };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void Update(std::string_view data);
  std::string Finish();  // raw bytes; the digest cannot be updated afterwards

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace stocktake
