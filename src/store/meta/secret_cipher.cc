#include "store/meta/secret_cipher.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <memory>

#include "common/crypto.h"
#include "io/file.h"

namespace stocktake::store::meta {
namespace {

// DO NOT CHANGE: sealed secrets on disk use this layout.
constexpr char kSealVersion1 = '\x01';
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

Result<SecretCipher> SecretCipher::OpenOrCreate(const std::string& path) {
  auto existing = io::ReadFile(path);
  if (existing.ok()) {
    if (existing->size() != kMasterKeyBytes) {
      return Status::Corruption("master key " + path + " is not " +
                                std::to_string(kMasterKeyBytes) + " bytes");
    }
    return SecretCipher(std::move(existing).value());
  }
  if (!existing.status().IsNotFound()) return existing.status();
  std::string key = RandomBytes(kMasterKeyBytes);
  RETURN_IF_ERROR(io::WriteFileAtomically(path, key, 0600));
  // The umask may have narrowed the mode further, never widened it; enforce exactly 0600.
  ::chmod(path.c_str(), 0600);
  return SecretCipher(std::move(key));
}

Result<std::string> SecretCipher::Seal(std::string_view plaintext,
                                       std::string_view associated_data) const {
  std::string out;
  out.push_back(kSealVersion1);
  out.append(RandomBytes(kNonceBytes));
  size_t header = out.size();
  out.resize(header + plaintext.size() + kTagBytes);

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  auto* body = U(out) + header;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, U(key_), U(out) + 1) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                        static_cast<int>(associated_data.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), body, &len, U(plaintext), static_cast<int>(plaintext.size())) ==
          1 &&
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, body + plaintext.size()) == 1;
  if (!ok) return Status::Internal("AES-256-GCM seal failed");
  return out;
}

Result<std::string> SecretCipher::Open(std::string_view sealed,
                                       std::string_view associated_data) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed[0] != kSealVersion1) {
    return Status::Corruption("sealed secret malformed");
  }
  std::string_view nonce = sealed.substr(1, kNonceBytes);
  std::string_view body = sealed.substr(1 + kNonceBytes);
  std::string_view cipher = body.substr(0, body.size() - kTagBytes);
  std::string tag(body.substr(cipher.size()));
  std::string plain(cipher.size(), '\0');

  CtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok = ctx != nullptr &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, U(key_), U(nonce)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(associated_data),
                              static_cast<int>(associated_data.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), U(plain), &len, U(cipher),
                              static_cast<int>(cipher.size())) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, U(tag)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), U(plain) + len, &len) == 1;
  if (!ok) return Status::Corruption("sealed secret failed authentication");
  return plain;
}

}  // namespace stocktake::store::meta
