// Record codec: the binary encoding of every RocksDB value of the metadata store.
//
// Compact and fast to decode (the inventory scanner decodes millions of object records per
// second): a fixed header, then tagged fields in the style of protocol buffers — each field is
// varint((field_number << 3) | wire_type) followed by a varint or a length-prefixed byte string.
// Fields at their default value are omitted; decoders skip unknown field numbers, so new fields
// can be added without a format change. The layout is documented in docs/formats.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/object_store.h"

namespace stocktake::store::meta {

// ---- On-disk constants: DO NOT CHANGE
// ------------------------------------------------------------

// First byte of every record: the record layout version.
inline constexpr uint8_t kRecordVersion1 = 1;

// Second byte of an object record: flags readable without decoding the fields.
inline constexpr uint8_t kObjectFlagDeleteMarker = 0x01;
inline constexpr uint8_t kObjectFlagMultipart = 0x02;
inline constexpr uint8_t kObjectFlagBucketKeyEnabled = 0x04;
inline constexpr uint8_t kObjectFlagNullVersion = 0x08;

// Wire types.
inline constexpr uint32_t kWireVarint = 0;
inline constexpr uint32_t kWireBytes = 2;

// ---- Primitives (exposed for tests and other records)
// --------------------------------------------

void PutVarint64(std::string* out, uint64_t v);
bool GetVarint64(std::string_view* in, uint64_t* v);
void PutLengthPrefixed(std::string* out, std::string_view s);
bool GetLengthPrefixed(std::string_view* in, std::string_view* s);
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

// ---- Object versions
// -----------------------------------------------------------------------------

// Encodes everything of `v` except bucket, key and is_latest (the row key holds bucket, key and
// the version's sequence; is_latest is computed by reads). Precondition: v.version_id is "" (the
// null version) or a version id of this store (ParseVersionId succeeds).
void EncodeObjectRecord(const ObjectVersion& v, std::string* out);
// Decodes a record stored under sequence `seq` into *out, overwriting every encoded field (string
// capacity is reused, so decoding into the same object in a loop does not allocate in the steady
// state). bucket, key and is_latest are left untouched. False on corruption.
bool DecodeObjectRecord(std::string_view record, uint64_t seq, ObjectVersion* out);
// The flags byte, without decoding (0 for a malformed record).
uint8_t PeekObjectFlags(std::string_view record);
// Storage behind the views DecodeListedRecord sets (a hex etag, the version id): reused across
// records, it does not allocate in the steady state.
struct ListedRecordBuffers {
  std::string etag;
  std::string version_id;
};
// Decodes only what a listing shows (every ListedVersion field but key and is_latest, which are
// left alone) of a record stored under sequence `seq`; the views point into `record` and
// *buffers. False on corruption.
bool DecodeListedRecord(std::string_view record, uint64_t seq, ListedRecordBuffers* buffers,
                        ListedVersion* out);

// ---- Other records
// -------------------------------------------------------------------------------

void EncodeBucketRecord(const Bucket& b, std::string* out);  // without name (in the key)
bool DecodeBucketRecord(std::string_view record, Bucket* out);

void EncodeAccountRecord(const Account& a, std::string* out);  // without account_id
bool DecodeAccountRecord(std::string_view record, Account* out);

// The access-key record carries the secret sealed by SecretCipher, never in the clear.
void EncodeAccessKeyRecord(const AccessKey& k, std::string_view sealed_secret, std::string* out);
bool DecodeAccessKeyRecord(std::string_view record, AccessKey* out, std::string* sealed_secret);

// Upload record: initiated_ms and the object template (bucket, key, upload_id are in the key).
void EncodeUploadRecord(const MultipartUpload& u, std::string* out);
bool DecodeUploadRecord(std::string_view record, MultipartUpload* out);

void EncodePartRecord(const Part& p, std::string* out);  // without part_number (in the key)
bool DecodePartRecord(std::string_view record, Part* out);

// KMS key record (key_id is in the row key): the key's metadata and its 32-byte material sealed
// by the master key (SecretCipher), never in the clear.
void EncodeKmsKeyRecord(const KmsKey& k, std::string_view sealed_material, std::string* out);
bool DecodeKmsKeyRecord(std::string_view record, KmsKey* out, std::string* sealed_material);

}  // namespace stocktake::store::meta
