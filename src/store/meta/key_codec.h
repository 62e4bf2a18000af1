// Key codec: the order-preserving encoding of every RocksDB key of the metadata store (in the
// style of LevelDB's db/dbformat.h). The byte layout of each key family is documented in
// docs/formats.md; the codec is pure (no RocksDB, no I/O) so it is unit-tested in isolation.
//
// Strings embedded in a key followed by more key material are *escaped*: 0x00 -> 0x00 0xFF, then
// the terminator 0x00 0x01. Escaping is byte-wise, so for strings a < b (bytewise, including a
// being a proper prefix of b) Escaped(a) < Escaped(b), and an escaped string is self-delimiting:
// no bucket's keys ever interleave with another bucket's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake::store::meta {

// ---- On-disk constants: DO NOT CHANGE (existing data directories depend on them) ---------------

// One-byte prefix of each key family ("table").
enum class Table : char {
  kMeta = 'M',             // M <name>                               -> store metadata
  kAccount = 'A',          // A <account_id>                         -> Account record
  kAccessKey = 'K',        // K <access_key_id>                      -> AccessKey record
  kBucket = 'B',           // B <bucket name>                        -> Bucket record
  kObject = 'O',           // O <esc bucket> <esc key> <~seq BE64>   -> ObjectVersion record
  kBlobRef = 'b',          // b <blob_id>                            -> owner row key
  kUpload = 'U',           // U <esc bucket> <esc key> <upload_id>   -> MultipartUpload record
  kUploadIndex = 'u',      // u <upload_id>                          -> U row key
  kPart = 'P',             // P <esc upload_id> <part_number BE32>   -> Part record
  kInventoryConfig = 'I',  // I <esc bucket> <config id>           -> document, verbatim
  kInventoryRun = 'R',     // R <esc bucket> <esc config id> <run_id> -> run record, verbatim
  kKmsKey = 'E',           // E <key_id>                             -> KmsKey record
};

inline constexpr char kEscapeByte = '\x00';
inline constexpr char kEscapedZero = '\xff';  // 0x00 inside a string -> 0x00 0xFF
inline constexpr char kTerminator = '\x01';   // end of an escaped string -> 0x00 0x01
inline constexpr size_t kSequenceBytes = 8;

// Names of rows in the kMeta family.
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaSequenceReserved = "sequence_reserved";
// Version of this layout, stored under M format_version. Bump (with a migration) on change.
inline constexpr std::string_view kFormatVersion = "1";

// Version ids: 16 lower-hex digits of the sequence number + kVersionRandomChars characters of
// [0-9A-Za-z] from the CSPRNG. The sequence makes a version id decodable to its row (one point
// read); the random part makes it unguessable (checked against the stored record).
inline constexpr size_t kVersionSeqChars = 16;
inline constexpr size_t kVersionRandomChars = 16;
inline constexpr size_t kVersionIdChars = kVersionSeqChars + kVersionRandomChars;

// ---- Primitives
// ----------------------------------------------------------------------------------

// Appends the escaped form of s followed by the terminator.
void AppendEscaped(std::string* out, std::string_view s);
// Appends the escaped form of s WITHOUT the terminator: a prefix of every escaped string that
// starts with s (used for prefix scans).
void AppendEscapedPrefix(std::string* out, std::string_view s);
// Decodes one escaped, terminated string from the front of *in (advancing it). False if malformed.
bool ConsumeEscaped(std::string_view* in, std::string* out);

// Inverted big-endian sequence: larger sequence (newer) sorts first.
void AppendInvertedSequence(std::string* out, uint64_t seq);
bool ConsumeInvertedSequence(std::string_view* in, uint64_t* seq);
void AppendBigEndian32(std::string* out, uint32_t v);

// The smallest string greater than every string that has `prefix` as a prefix; "" when there is
// none (prefix is empty or all 0xFF), meaning "no upper bound".
std::string PrefixSuccessor(std::string_view prefix);

// ---- Object versions
// -----------------------------------------------------------------------------

// O <esc bucket>: every version of every object in the bucket.
std::string ObjectBucketPrefix(std::string_view bucket);
// O <esc bucket> <esc prefix without terminator>: every version of keys starting with `prefix`.
std::string ObjectKeyRangePrefix(std::string_view bucket, std::string_view key_prefix);
// O <esc bucket> <esc key>: every version of exactly `key`.
std::string ObjectVersionsPrefix(std::string_view bucket, std::string_view key);
// The first position after every version of `key` and before any greater key (seek target to
// skip a key's versions). Equals ObjectVersionsPrefix(bucket, key) with the final 0x01 -> 0x02.
std::string ObjectKeySuccessor(std::string_view bucket, std::string_view key);
std::string ObjectRowKey(std::string_view bucket, std::string_view key, uint64_t seq);

struct ParsedObjectKey {
  std::string bucket;
  std::string key;
  uint64_t seq = 0;
};
// Parses an O row key. False when malformed.
bool ParseObjectRowKey(std::string_view row, ParsedObjectKey* out);
// Parses only the part after a known bucket prefix (the scan fast path): user key and sequence.
bool ParseObjectRowSuffix(std::string_view suffix, std::string* key, uint64_t* seq);

// ---- Version ids
// ---------------------------------------------------------------------------------

// A fresh version id for sequence `seq` (random part from the CSPRNG).
std::string MakeVersionId(uint64_t seq);
// The random part of a version id is what the record stores; the sequence lives in the row key.
std::string VersionIdFromParts(uint64_t seq, std::string_view random_part);
// Same, appending to *out (the scan path reuses the string's capacity).
void AppendVersionId(std::string* out, uint64_t seq, std::string_view random_part);
// Splits a version id; nullopt if it is not of this store's form.
struct VersionIdParts {
  uint64_t seq = 0;
  std::string_view random_part;
};
std::optional<VersionIdParts> ParseVersionId(std::string_view version_id);

// ---- Other families
// ------------------------------------------------------------------------------

std::string MetaKey(std::string_view name);
std::string AccountKey(std::string_view account_id);
std::string AccessKeyKey(std::string_view access_key_id);
std::string BucketKey(std::string_view name);
std::string BlobRefKey(std::string_view blob_id);
std::string KmsKeyKey(std::string_view key_id);
std::string UploadBucketPrefix(std::string_view bucket);
std::string UploadRowKey(std::string_view bucket, std::string_view key, std::string_view upload_id);
// Parses a U row key into its parts.
bool ParseUploadRowKey(std::string_view row, std::string* bucket, std::string* key,
                       std::string* upload_id);
std::string UploadIndexKey(std::string_view upload_id);
std::string PartPrefix(std::string_view upload_id);
std::string PartRowKey(std::string_view upload_id, uint32_t part_number);
std::string InventoryConfigPrefix(std::string_view bucket);
std::string InventoryConfigKey(std::string_view bucket, std::string_view config_id);
std::string InventoryRunBucketPrefix(std::string_view bucket);
std::string InventoryRunPrefix(std::string_view bucket, std::string_view config_id);
std::string InventoryRunKey(std::string_view bucket, std::string_view config_id,
                            std::string_view run_id);

// Upload ids: 16 hex digits of a sequence (so uploads of a key list in initiation order) + random.
std::string MakeUploadId(uint64_t seq);

}  // namespace stocktake::store::meta
