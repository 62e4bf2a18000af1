// Encrypted blob files: the chunked AES-256-GCM framing of every blob the store writes
// (docs/formats.md §1.1). Pure functions and a cipher object; no file I/O.
//
//   blob    := header chunk_0 … chunk_{n-1}
//   header  := "STKB" · 0x01 (format) · mode · chunk_shift · 0x00 · nonce(12)
//              · key_info length (u16 BE) · key_info
//   chunk_i := AES-256-GCM(data_key, iv_i, aad_i)(plain_i) · tag(16)
//   iv_i    := nonce with its last 8 bytes XORed with BE64(i)
//   aad_i   := header · BE64(i) · final_i (0x01 for the last chunk, else 0x00)
//
// Every chunk holds kChunkPlainBytes of plaintext except the last, which holds 0..kChunkPlainBytes
// (an empty blob is one empty final chunk). Chunks are authenticated independently, so a ranged
// read decrypts only the chunks it touches; the chunk index in the IV and AAD stops reordering,
// the final flag stops truncation at a chunk boundary, and the header in every AAD stops a header
// (mode, nonce, wrapped key) from being swapped. The data key is 32 random bytes per blob, or
// derived from the customer key for SSE-C; how it is recorded in key_info is BlobKeyring's
// business.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "store/object_store.h"

namespace stocktake::store::data {

// ---- On-disk constants: DO NOT CHANGE (docs/formats.md §1.1) ------------------------------------
inline constexpr std::string_view kBlobMagic = "STKB";
inline constexpr uint8_t kBlobFormatVersion1 = 1;
inline constexpr uint8_t kChunkShift = 16;
inline constexpr size_t kChunkPlainBytes = size_t{1} << kChunkShift;  // 64 KiB
inline constexpr size_t kChunkTagBytes = 16;
inline constexpr size_t kBlobNonceBytes = 12;
inline constexpr size_t kDataKeyBytes = 32;
// magic, format, mode, chunk shift, reserved, nonce, key_info length.
inline constexpr size_t kBlobHeaderFixedBytes = 4 + 1 + 1 + 1 + 1 + kBlobNonceBytes + 2;
inline constexpr size_t kMaxKeyInfoBytes = 0xffff;

// How a blob's data key is kept (header byte 5).
enum class BlobKeyMode : uint8_t {
  kSseS3 = 1,    // random key sealed by the master key
  kSseKms = 2,   // random key sealed by a KMS key
  kDsseKms = 3,  // as kSseKms (DSSE-KMS)
  kSseC = 4,     // derived from the customer's key; nothing stored
};

// The SSE mode name of ObjectVersion::encryption for a key mode, and back (nullopt if unknown).
std::string_view BlobKeyModeName(BlobKeyMode mode);
std::optional<BlobKeyMode> BlobKeyModeFromName(std::string_view name);

struct BlobHeader {
  BlobKeyMode mode = BlobKeyMode::kSseS3;
  std::string nonce;     // kBlobNonceBytes random bytes
  std::string key_info;  // mode-specific: how to recover the data key (at most kMaxKeyInfoBytes)

  std::string Encode() const;
  // The length of the header whose first kBlobHeaderFixedBytes are `fixed` (Corruption if they
  // are not a blob header).
  static Result<size_t> EncodedSize(std::string_view fixed);
  // Parses a whole encoded header.
  static Result<BlobHeader> Parse(std::string_view encoded);
};

// ---- Geometry
// ------------------------------------------------------------------------------------

// Chunks of a blob of `plain_bytes` (at least one).
uint64_t ChunkCount(uint64_t plain_bytes);
// Bytes after the header for a blob of `plain_bytes`.
uint64_t SealedBodyBytes(uint64_t plain_bytes);
// The plaintext size of a sealed body of `body_bytes`; Corruption when no plaintext size
// produces that body size (a truncated or padded file).
Result<uint64_t> PlainBytesOfBody(uint64_t body_bytes);

// Seals and opens the chunks of one blob. Not thread-safe; one per writer or reader.
class ChunkCipher {
 public:
  // `key` is kDataKeyBytes; `header` the blob's header (authenticated with every chunk).
  static Result<std::unique_ptr<ChunkCipher>> Create(std::string_view key,
                                                     const BlobHeader& header);
  ~ChunkCipher();
  ChunkCipher(const ChunkCipher&) = delete;
  ChunkCipher& operator=(const ChunkCipher&) = delete;

  const std::string& encoded_header() const { return header_; }

  // Appends chunk `index` sealed (ciphertext then tag) to *out. `plain` is at most
  // kChunkPlainBytes.
  Status Seal(uint64_t index, bool final, std::string_view plain, std::string* out);
  // Replaces *out with the plaintext of sealed chunk `index`; Corruption when the chunk fails
  // authentication (tampered, moved, truncated, or another key).
  Status Open(uint64_t index, bool final, std::string_view sealed, std::string* out);

 private:
  ChunkCipher(std::string key, std::string nonce, std::string header, EVP_CIPHER_CTX* ctx)
      : key_(std::move(key)), nonce_(std::move(nonce)), header_(std::move(header)), ctx_(ctx) {}
  void ChunkIv(uint64_t index, unsigned char* iv) const;
  void ChunkAadSuffix(uint64_t index, bool final, unsigned char* suffix) const;

  std::string key_;
  std::string nonce_;
  std::string header_;
  EVP_CIPHER_CTX* ctx_;
};

// Creates and recovers blob data keys. The store implements it over the master key and its KMS
// keys; tests may implement it with fixed keys. Thread-safe.
class BlobKeyring {
 public:
  virtual ~BlobKeyring() = default;
  // A fresh data key for new blob `blob_id` under `encryption`. header->nonce is set; this sets
  // header->mode and header->key_info. NotFound for an unknown KMS key, InvalidArgument for an
  // unknown mode or a customer key that is not 32 bytes.
  virtual Result<std::string> NewDataKey(std::string_view blob_id, const BlobEncryption& encryption,
                                         BlobHeader* header) = 0;
  // The data key of existing blob `blob_id`. SSE-C blobs need the customer key (a wrong one
  // yields a key that fails authentication on the first chunk).
  virtual Result<std::string> DataKey(std::string_view blob_id, const BlobHeader& header,
                                      std::string_view customer_key) = 0;
};

}  // namespace stocktake::store::data
