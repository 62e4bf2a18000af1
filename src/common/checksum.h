// S3 "flexible checksums": the algorithms a client may name in x-amz-checksum-algorithm /
// x-amz-sdk-checksum-algorithm and send as x-amz-checksum-<alg> headers or aws-chunked trailers
// (AWS S3 User Guide, "Checking object integrity"; API reference, Checksum data type).
//
// Wire form: base64 of the digest bytes, big-endian for the CRCs (CRC32 of "hello world" is
// 0x0d4a1185, sent as "DUoRhQ=="). Multipart objects carry either a COMPOSITE checksum (the
// algorithm applied to the concatenated raw part checksums, then "-<part count>") or, for the
// CRCs, a FULL_OBJECT checksum obtained by combining the part CRCs (CombineCrc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stocktake {

class Digest;

// Fenced: the numeric values may be persisted in object metadata; append only, never renumber.
enum class ChecksumAlgorithm : uint8_t {
  kCrc32 = 1,      // CRC-32/ISO-HDLC, as zlib crc32()
  kCrc32c = 2,     // CRC-32/ISCSI (Castagnoli)
  kCrc64Nvme = 3,  // CRC-64/NVME (check value for "123456789": 0xAE8B14860A799888)
  kSha1 = 4,
  kSha256 = 5,
};

// "CRC32", "crc32c", "CRC64NVME", "sha1", "SHA256"... (ASCII case-insensitive). nullopt otherwise.
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// The API enum spelling: "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256".
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// The request/response header and trailer name: "x-amz-checksum-crc32", ...
// "x-amz-checksum-sha256".
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);
// Maps "x-amz-checksum-crc64nvme" (any case) back to its algorithm; nullopt for other names.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name);
// Raw digest size in bytes: 4, 4, 8, 20, 32.
size_t ChecksumSize(ChecksumAlgorithm algorithm);
bool IsCrc(ChecksumAlgorithm algorithm);

// Incremental checksum of a byte stream. Not thread-safe; movable, not copyable.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ~Checksummer();
  Checksummer(Checksummer&&) noexcept;
  Checksummer& operator=(Checksummer&&) noexcept;
  Checksummer(const Checksummer&) = delete;
  Checksummer& operator=(const Checksummer&) = delete;

  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(std::string_view data);
  // The raw digest (big-endian for CRCs). Precondition: called at most once; no Update after.
  std::string Finish();
  // Base64 of Finish(): the x-amz-checksum-* header value.
  std::string FinishBase64();

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;                // CRC state (already conditioned by the algorithm)
  std::unique_ptr<Digest> digest_;  // SHA-1 / SHA-256
};

// One-shot helpers.
std::string ComputeChecksum(ChecksumAlgorithm algorithm, std::string_view data);  // raw
std::string ComputeChecksumBase64(ChecksumAlgorithm algorithm, std::string_view data);

// Decodes a header/trailer value and checks its length for the algorithm. nullopt when the value
// is not canonical padded base64 of exactly ChecksumSize() bytes (S3 answers InvalidRequest).
std::optional<std::string> DecodeChecksumValue(ChecksumAlgorithm algorithm,
                                               std::string_view base64);

// COMPOSITE multipart checksum: the algorithm over the concatenation of the raw part checksums
// (each ChecksumSize() bytes, in part-number order), base64, then "-<number of parts>".
// Example: two CRC32 parts -> "base64(crc32(raw1 || raw2))-2".
class CompositeChecksummer {
 public:
  explicit CompositeChecksummer(ChecksumAlgorithm algorithm) : inner_(algorithm) {}
  // `raw_part_checksum` is a decoded part checksum (see DecodeChecksumValue).
  void AddPart(std::string_view raw_part_checksum);
  size_t part_count() const { return parts_; }
  // "<base64>-<part count>". Precondition: called at most once.
  std::string Finish();

 private:
  Checksummer inner_;
  size_t parts_ = 0;
};
std::string CompositeChecksum(ChecksumAlgorithm algorithm,
                              std::span<const std::string> raw_part_checksums);

// FULL_OBJECT multipart checksum for the CRC algorithms: given raw CRC(A) and raw CRC(B) (as
// produced by Checksummer::Finish) and the length of B in bytes, returns raw CRC(A || B) without
// reading the data (zlib's crc32_combine method, generalised to CRC32C and CRC64NVME). nullopt
// for SHA algorithms or when an input has the wrong size.
std::optional<std::string> CombineCrc(ChecksumAlgorithm algorithm, std::string_view raw_crc_a,
                                      std::string_view raw_crc_b, uint64_t length_b);

}  // namespace stocktake
