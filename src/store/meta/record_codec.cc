#include "store/meta/record_codec.h"

#include "store/meta/key_codec.h"

namespace stocktake::store::meta {
namespace {

// ---- Field numbers: DO NOT CHANGE OR REUSE (stored on disk; docs/formats.md)
// ---------------------

enum ObjectField : uint32_t {
  kObjVersionRandom = 1,
  kObjSize = 2,
  kObjLastModified = 3,  // zigzag ms
  kObjEtagMd5 = 4,       // 16 raw bytes: an etag of 32 lower-case hex digits
  kObjEtagText = 5,      // any other etag (multipart "hex-N")
  kObjStorageClass = 6,  // omitted when "STANDARD"
  kObjPartCount = 7,
  kObjOwner = 8,
  kObjContentType = 9,
  kObjContentEncoding = 10,
  kObjContentDisposition = 11,
  kObjContentLanguage = 12,
  kObjCacheControl = 13,
  kObjExpires = 14,
  kObjUserMetadata = 15,  // repeated; length-prefixed name then value
  kObjTag = 16,           // repeated; length-prefixed key then value
  kObjChecksumAlgorithm = 17,
  kObjChecksumValue = 18,
  kObjChecksumType = 19,
  kObjPartSizes = 20,  // packed varints
  kObjEncryption = 21,
  kObjKmsKeyId = 22,
  kObjReplicationStatus = 23,
  kObjLockMode = 24,
  kObjLockRetainUntil = 25,  // zigzag ms
  kObjLegalHold = 26,
  kObjAcl = 27,
  kObjBlobIdHex = 28,           // 16 raw bytes: a blob id of 32 lower-case hex digits
  kObjBlobIdText = 29,          // any other blob id
  kObjPartBlobHex = 30,         // repeated, in part order with kObjPartBlobText
  kObjPartBlobText = 31,        // repeated ("" = empty part)
  kObjLastAccess = 32,          // zigzag ms (Intelligent-Tiering access tracking)
  kObjRestoreReady = 33,        // zigzag ms (archived objects: restored copy available from)
  kObjRestoreExpiry = 34,       // zigzag ms (archived objects: restored copy expires at)
  kObjEventHold = 35,           // Object Lock event hold: "ON" / "OFF"
  kObjEventHoldDays = 36,       // its duration in days...
  kObjEventHoldYears = 37,      // ...or in years
  kObjKmsContext = 40,          // SSE-KMS/DSSE-KMS encryption context
  kObjSseCustomerKeyHmac = 41,  // SSE-C: salted HMAC of the customer key (store/sse.h)
};

enum BucketField : uint32_t {
  kBktOwner = 1,
  kBktRegion = 2,
  kBktCreated = 3,  // zigzag ms
  kBktVersioning = 4,
  kBktObjectLock = 5,
  kBktAttribute = 6,  // repeated; length-prefixed name then value
};

enum AccountField : uint32_t { kAcctCanonicalId = 1, kAcctName = 2 };

enum AccessKeyField : uint32_t { kAkAccountId = 1, kAkEnabled = 2, kAkSealedSecret = 3 };

enum UploadField : uint32_t { kUpInitiated = 1, kUpTemplate = 2 };

enum KmsKeyField : uint32_t {
  kKmsArn = 1,
  kKmsAccount = 2,
  kKmsDescription = 3,
  kKmsAlias = 4,
  kKmsCreated = 5,  // zigzag ms
  kKmsSealedMaterial = 6,
  kKmsPolicy = 7,  // absent = the default key policy
};

enum PartField : uint32_t {
  kPartSize = 1,
  kPartEtagMd5 = 2,
  kPartEtagText = 3,
  kPartLastModified = 4,
  kPartChecksum = 5,
  kPartBlobHex = 6,
  kPartBlobText = 7,
};

constexpr std::string_view kDefaultStorageClass = "STANDARD";
constexpr char kHex[] = "0123456789abcdef";

// ---- Writing
// --------------------------------------------------------------------------------------

class FieldWriter {
 public:
  explicit FieldWriter(std::string* out) : out_(out) {}
  void Varint(uint32_t field, uint64_t v) {
    PutVarint64(out_, (static_cast<uint64_t>(field) << 3) | kWireVarint);
    PutVarint64(out_, v);
  }
  void VarintIfNonZero(uint32_t field, uint64_t v) {
    if (v != 0) Varint(field, v);
  }
  void SignedIfNonZero(uint32_t field, int64_t v) {
    if (v != 0) Varint(field, ZigZag(v));
  }
  void Bytes(uint32_t field, std::string_view s) {
    PutVarint64(out_, (static_cast<uint64_t>(field) << 3) | kWireBytes);
    PutLengthPrefixed(out_, s);
  }
  void BytesIfNonEmpty(uint32_t field, std::string_view s) {
    if (!s.empty()) Bytes(field, s);
  }
  void Pair(uint32_t field, std::string_view a, std::string_view b) {
    std::string tmp;
    tmp.reserve(a.size() + b.size() + 2);
    PutLengthPrefixed(&tmp, a);
    tmp.append(b);
    Bytes(field, tmp);
  }
  // An id or etag that is 32 lower-case hex digits is stored as 16 raw bytes under hex_field,
  // anything else verbatim under text_field: halves the size of the common case.
  void HexOrText(uint32_t hex_field, uint32_t text_field, std::string_view s) {
    if (IsLowerHex32(s)) {
      char raw[16];
      for (size_t i = 0; i < 16; ++i) {
        raw[i] = static_cast<char>((HexValue(s[2 * i]) << 4) | HexValue(s[2 * i + 1]));
      }
      Bytes(hex_field, std::string_view(raw, 16));
    } else {
      Bytes(text_field, s);
    }
  }

 private:
  static int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }
  static bool IsLowerHex32(std::string_view s) {
    if (s.size() != 32) return false;
    for (char c : s) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }
  std::string* out_;
};

// ---- Reading
// --------------------------------------------------------------------------------------

struct Field {
  uint32_t number = 0;
  uint32_t wire = 0;
  uint64_t varint = 0;
  std::string_view bytes;
};

// Calls fn(const Field&) for each field of `in`; fn returns false to report a malformed value.
// Unknown wire types are corruption (they cannot be skipped); unknown numbers are the callee's
// to ignore.
template <typename Fn>
bool ForEachField(std::string_view in, Fn&& fn) {
  Field f;
  while (!in.empty()) {
    uint64_t tag;
    if (!GetVarint64(&in, &tag)) return false;
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire = static_cast<uint32_t>(tag & 7);
    if (f.wire == kWireVarint) {
      if (!GetVarint64(&in, &f.varint)) return false;
    } else if (f.wire == kWireBytes) {
      if (!GetLengthPrefixed(&in, &f.bytes)) return false;
    } else {
      return false;
    }
    if (!fn(f)) return false;
  }
  return true;
}

void AssignHex(std::string_view raw, std::string* out) {
  out->resize(raw.size() * 2);
  for (size_t i = 0; i < raw.size(); ++i) {
    auto b = static_cast<uint8_t>(raw[i]);
    (*out)[2 * i] = kHex[b >> 4];
    (*out)[2 * i + 1] = kHex[b & 0xf];
  }
}

bool SplitPair(std::string_view bytes, std::pair<std::string, std::string>* out) {
  std::string_view a;
  if (!GetLengthPrefixed(&bytes, &a)) return false;
  out->first.assign(a);
  out->second.assign(bytes);
  return true;
}

bool ReadPair(const Field& f, std::vector<std::pair<std::string, std::string>>* out) {
  if (f.wire != kWireBytes) return false;
  out->emplace_back();
  return SplitPair(f.bytes, &out->back());
}

// Type-checked assignment helpers: a field with the wrong wire type is corruption.
bool ReadString(const Field& f, std::string* out) {
  if (f.wire != kWireBytes) return false;
  out->assign(f.bytes);
  return true;
}
bool ReadHex(const Field& f, std::string* out) {
  if (f.wire != kWireBytes || f.bytes.size() != 16) return false;
  AssignHex(f.bytes, out);
  return true;
}
template <typename T>
bool ReadUnsigned(const Field& f, T* out) {
  if (f.wire != kWireVarint) return false;
  *out = static_cast<T>(f.varint);
  return true;
}
bool ReadSigned(const Field& f, int64_t* out) {
  if (f.wire != kWireVarint) return false;
  *out = UnZigZag(f.varint);
  return true;
}
bool ReadBool(const Field& f, bool* out) {
  if (f.wire != kWireVarint) return false;
  *out = f.varint != 0;
  return true;
}

bool CheckHeader(std::string_view* in, size_t header_bytes) {
  if (in->size() < header_bytes || static_cast<uint8_t>((*in)[0]) != kRecordVersion1) return false;
  in->remove_prefix(header_bytes);
  return true;
}

}  // namespace

void PutVarint64(std::string* out, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

bool GetVarint64(std::string_view* in, uint64_t* v) {
  const auto* p = reinterpret_cast<const uint8_t*>(in->data());
  size_t n = in->size();
  // Fast path: one byte (field tags, small sizes and lengths).
  if (n > 0 && p[0] < 0x80) {
    *v = p[0];
    in->remove_prefix(1);
    return true;
  }
  uint64_t result = 0;
  for (size_t i = 0, shift = 0; i < n && shift <= 63; ++i, shift += 7) {
    uint64_t byte = p[i];
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}

bool GetLengthPrefixed(std::string_view* in, std::string_view* s) {
  uint64_t len;
  if (!GetVarint64(in, &len) || len > in->size()) return false;
  *s = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

// ---- Object records
// -------------------------------------------------------------------------------

void EncodeObjectRecord(const ObjectVersion& v, std::string* out) {
  out->clear();
  uint8_t flags = 0;
  if (v.is_delete_marker) flags |= kObjectFlagDeleteMarker;
  if (v.is_multipart) flags |= kObjectFlagMultipart;
  if (v.bucket_key_enabled) flags |= kObjectFlagBucketKeyEnabled;
  if (v.version_id.empty()) flags |= kObjectFlagNullVersion;
  out->push_back(static_cast<char>(kRecordVersion1));
  out->push_back(static_cast<char>(flags));

  FieldWriter w(out);
  if (!v.version_id.empty()) {
    auto parts = ParseVersionId(v.version_id);
    // Precondition (see header); storing an unparseable id verbatim keeps the data rather than
    // losing it, and reads return it unchanged because the sequence prefix is reapplied.
    w.Bytes(kObjVersionRandom, parts
                                   ? parts->random_part
                                   : std::string_view(v.version_id)
                                         .substr(std::min(v.version_id.size(), kVersionSeqChars)));
  }
  w.VarintIfNonZero(kObjSize, v.size);
  w.SignedIfNonZero(kObjLastModified, v.last_modified_ms);
  if (!v.etag.empty()) w.HexOrText(kObjEtagMd5, kObjEtagText, v.etag);
  if (v.storage_class != kDefaultStorageClass) w.Bytes(kObjStorageClass, v.storage_class);
  w.VarintIfNonZero(kObjPartCount, v.part_count);
  w.BytesIfNonEmpty(kObjOwner, v.owner_account_id);
  w.BytesIfNonEmpty(kObjContentType, v.content_type);
  w.BytesIfNonEmpty(kObjContentEncoding, v.content_encoding);
  w.BytesIfNonEmpty(kObjContentDisposition, v.content_disposition);
  w.BytesIfNonEmpty(kObjContentLanguage, v.content_language);
  w.BytesIfNonEmpty(kObjCacheControl, v.cache_control);
  w.BytesIfNonEmpty(kObjExpires, v.expires);
  for (const auto& [name, value] : v.user_metadata) w.Pair(kObjUserMetadata, name, value);
  for (const auto& [name, value] : v.tags) w.Pair(kObjTag, name, value);
  w.BytesIfNonEmpty(kObjChecksumAlgorithm, v.checksum_algorithm);
  w.BytesIfNonEmpty(kObjChecksumValue, v.checksum_value);
  w.BytesIfNonEmpty(kObjChecksumType, v.checksum_type);
  if (!v.part_sizes.empty()) {
    std::string packed;
    for (uint64_t s : v.part_sizes) PutVarint64(&packed, s);
    w.Bytes(kObjPartSizes, packed);
  }
  w.BytesIfNonEmpty(kObjEncryption, v.encryption);
  w.BytesIfNonEmpty(kObjKmsKeyId, v.kms_key_id);
  w.BytesIfNonEmpty(kObjReplicationStatus, v.replication_status);
  w.BytesIfNonEmpty(kObjLockMode, v.object_lock_mode);
  w.SignedIfNonZero(kObjLockRetainUntil, v.object_lock_retain_until_ms);
  w.BytesIfNonEmpty(kObjLegalHold, v.object_lock_legal_hold);
  w.BytesIfNonEmpty(kObjAcl, v.acl);
  w.SignedIfNonZero(kObjLastAccess, v.last_access_ms);
  w.SignedIfNonZero(kObjRestoreReady, v.restore_ready_ms);
  w.SignedIfNonZero(kObjRestoreExpiry, v.restore_expiry_ms);
  w.BytesIfNonEmpty(kObjEventHold, v.object_lock_event_hold);
  w.VarintIfNonZero(kObjEventHoldDays, v.object_lock_event_hold_days);
  w.VarintIfNonZero(kObjEventHoldYears, v.object_lock_event_hold_years);
  w.BytesIfNonEmpty(kObjKmsContext, v.kms_context);
  w.BytesIfNonEmpty(kObjSseCustomerKeyHmac, v.sse_customer_key_hmac);
  if (!v.blob_id.empty()) w.HexOrText(kObjBlobIdHex, kObjBlobIdText, v.blob_id);
  for (const auto& id : v.part_blob_ids) w.HexOrText(kObjPartBlobHex, kObjPartBlobText, id);
}

uint8_t PeekObjectFlags(std::string_view record) {
  if (record.size() < 2 || static_cast<uint8_t>(record[0]) != kRecordVersion1) return 0;
  return static_cast<uint8_t>(record[1]);
}

bool DecodeObjectRecord(std::string_view record, uint64_t seq, ObjectVersion* out) {
  if (record.size() < 2 || static_cast<uint8_t>(record[0]) != kRecordVersion1) return false;
  auto flags = static_cast<uint8_t>(record[1]);
  record.remove_prefix(2);

  // Reset every encoded field: the record omits defaults.
  out->version_id.clear();
  out->is_delete_marker = (flags & kObjectFlagDeleteMarker) != 0;
  out->is_multipart = (flags & kObjectFlagMultipart) != 0;
  out->bucket_key_enabled = (flags & kObjectFlagBucketKeyEnabled) != 0;
  out->size = 0;
  out->last_modified_ms = 0;
  out->etag.clear();
  out->storage_class.assign(kDefaultStorageClass);
  out->part_count = 0;
  out->owner_account_id.clear();
  out->content_type.clear();
  out->content_encoding.clear();
  out->content_disposition.clear();
  out->content_language.clear();
  out->cache_control.clear();
  out->expires.clear();
  out->user_metadata.clear();
  out->tags.clear();
  out->checksum_algorithm.clear();
  out->checksum_value.clear();
  out->checksum_type.clear();
  out->part_sizes.clear();
  out->encryption.clear();
  out->kms_key_id.clear();
  out->replication_status.clear();
  out->object_lock_mode.clear();
  out->object_lock_retain_until_ms = 0;
  out->object_lock_legal_hold.clear();
  out->acl.clear();
  out->last_access_ms = 0;
  out->restore_ready_ms = 0;
  out->restore_expiry_ms = 0;
  out->object_lock_event_hold.clear();
  out->object_lock_event_hold_days = 0;
  out->object_lock_event_hold_years = 0;
  out->kms_context.clear();
  out->sse_customer_key_hmac.clear();
  out->blob_id.clear();
  out->part_blob_ids.clear();

  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kObjVersionRandom:
        if (f.wire != kWireBytes) return false;
        out->version_id.clear();
        AppendVersionId(&out->version_id, seq, f.bytes);
        return true;
      case kObjSize:
        return ReadUnsigned(f, &out->size);
      case kObjLastModified:
        return ReadSigned(f, &out->last_modified_ms);
      case kObjEtagMd5:
        return ReadHex(f, &out->etag);
      case kObjEtagText:
        return ReadString(f, &out->etag);
      case kObjStorageClass:
        return ReadString(f, &out->storage_class);
      case kObjPartCount:
        return ReadUnsigned(f, &out->part_count);
      case kObjOwner:
        return ReadString(f, &out->owner_account_id);
      case kObjContentType:
        return ReadString(f, &out->content_type);
      case kObjContentEncoding:
        return ReadString(f, &out->content_encoding);
      case kObjContentDisposition:
        return ReadString(f, &out->content_disposition);
      case kObjContentLanguage:
        return ReadString(f, &out->content_language);
      case kObjCacheControl:
        return ReadString(f, &out->cache_control);
      case kObjExpires:
        return ReadString(f, &out->expires);
      case kObjUserMetadata:
        return ReadPair(f, &out->user_metadata);
      case kObjTag:
        return ReadPair(f, &out->tags);
      case kObjChecksumAlgorithm:
        return ReadString(f, &out->checksum_algorithm);
      case kObjChecksumValue:
        return ReadString(f, &out->checksum_value);
      case kObjChecksumType:
        return ReadString(f, &out->checksum_type);
      case kObjPartSizes: {
        if (f.wire != kWireBytes) return false;
        std::string_view packed = f.bytes;
        while (!packed.empty()) {
          uint64_t s;
          if (!GetVarint64(&packed, &s)) return false;
          out->part_sizes.push_back(s);
        }
        return true;
      }
      case kObjEncryption:
        return ReadString(f, &out->encryption);
      case kObjKmsKeyId:
        return ReadString(f, &out->kms_key_id);
      case kObjReplicationStatus:
        return ReadString(f, &out->replication_status);
      case kObjLockMode:
        return ReadString(f, &out->object_lock_mode);
      case kObjLockRetainUntil:
        return ReadSigned(f, &out->object_lock_retain_until_ms);
      case kObjLegalHold:
        return ReadString(f, &out->object_lock_legal_hold);
      case kObjAcl:
        return ReadString(f, &out->acl);
      case kObjLastAccess:
        return ReadSigned(f, &out->last_access_ms);
      case kObjRestoreReady:
        return ReadSigned(f, &out->restore_ready_ms);
      case kObjRestoreExpiry:
        return ReadSigned(f, &out->restore_expiry_ms);
      case kObjEventHold:
        return ReadString(f, &out->object_lock_event_hold);
      case kObjEventHoldDays:
        return ReadUnsigned(f, &out->object_lock_event_hold_days);
      case kObjEventHoldYears:
        return ReadUnsigned(f, &out->object_lock_event_hold_years);
      case kObjKmsContext:
        return ReadString(f, &out->kms_context);
      case kObjSseCustomerKeyHmac:
        return ReadString(f, &out->sse_customer_key_hmac);
      case kObjBlobIdHex:
        return ReadHex(f, &out->blob_id);
      case kObjBlobIdText:
        return ReadString(f, &out->blob_id);
      case kObjPartBlobHex:
        out->part_blob_ids.emplace_back();
        return ReadHex(f, &out->part_blob_ids.back());
      case kObjPartBlobText:
        out->part_blob_ids.emplace_back();
        return ReadString(f, &out->part_blob_ids.back());
      default:
        return true;  // a field of a newer writer: skipped
    }
  });
}

bool DecodeListedRecord(std::string_view record, uint64_t seq, ListedRecordBuffers* buffers,
                        ListedVersion* out) {
  if (record.size() < 2 || static_cast<uint8_t>(record[0]) != kRecordVersion1) return false;
  auto flags = static_cast<uint8_t>(record[1]);
  record.remove_prefix(2);
  std::string_view key = out->key;
  bool is_latest = out->is_latest;
  *out = ListedVersion{};
  out->key = key;
  out->is_latest = is_latest;
  out->is_delete_marker = (flags & kObjectFlagDeleteMarker) != 0;
  out->storage_class = kDefaultStorageClass;
  auto bytes = [](const Field& f, std::string_view* view) {
    *view = f.bytes;
    return f.wire == kWireBytes;
  };
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kObjVersionRandom:
        if (f.wire != kWireBytes) return false;
        buffers->version_id.clear();
        AppendVersionId(&buffers->version_id, seq, f.bytes);
        out->version_id = buffers->version_id;
        return true;
      case kObjSize:
        return ReadUnsigned(f, &out->size);
      case kObjLastModified:
        return ReadSigned(f, &out->last_modified_ms);
      case kObjEtagMd5:
        if (!ReadHex(f, &buffers->etag)) return false;
        out->etag = buffers->etag;
        return true;
      case kObjEtagText:
        return bytes(f, &out->etag);
      case kObjStorageClass:
        return bytes(f, &out->storage_class);
      case kObjOwner:
        return bytes(f, &out->owner_account_id);
      case kObjChecksumAlgorithm:
        return bytes(f, &out->checksum_algorithm);
      case kObjChecksumType:
        return bytes(f, &out->checksum_type);
      default:
        return true;  // a field listings do not show, or of a newer writer: skipped
    }
  });
}

// ---- Buckets
// --------------------------------------------------------------------------------------

void EncodeBucketRecord(const Bucket& b, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.BytesIfNonEmpty(kBktOwner, b.owner_account_id);
  w.BytesIfNonEmpty(kBktRegion, b.region);
  w.SignedIfNonZero(kBktCreated, b.created_ms);
  w.VarintIfNonZero(kBktVersioning, static_cast<uint64_t>(b.versioning));
  w.VarintIfNonZero(kBktObjectLock, b.object_lock_enabled ? 1 : 0);
  for (const auto& [name, value] : b.attributes) w.Pair(kBktAttribute, name, value);
}

bool DecodeBucketRecord(std::string_view record, Bucket* out) {
  if (!CheckHeader(&record, 1)) return false;
  std::string name = std::move(out->name);
  *out = Bucket();
  out->name = std::move(name);
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kBktOwner:
        return ReadString(f, &out->owner_account_id);
      case kBktRegion:
        return ReadString(f, &out->region);
      case kBktCreated:
        return ReadSigned(f, &out->created_ms);
      case kBktVersioning: {
        if (f.wire != kWireVarint || f.varint > 2) return false;
        out->versioning = static_cast<Versioning>(f.varint);
        return true;
      }
      case kBktObjectLock:
        return ReadBool(f, &out->object_lock_enabled);
      case kBktAttribute:
        return ReadPair(f, &out->attributes);
      default:
        return true;
    }
  });
}

// ---- Accounts and access keys
// ---------------------------------------------------------------------

void EncodeAccountRecord(const Account& a, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.BytesIfNonEmpty(kAcctCanonicalId, a.canonical_id);
  w.BytesIfNonEmpty(kAcctName, a.name);
}

bool DecodeAccountRecord(std::string_view record, Account* out) {
  if (!CheckHeader(&record, 1)) return false;
  out->canonical_id.clear();
  out->name.clear();
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kAcctCanonicalId:
        return ReadString(f, &out->canonical_id);
      case kAcctName:
        return ReadString(f, &out->name);
      default:
        return true;
    }
  });
}

void EncodeAccessKeyRecord(const AccessKey& k, std::string_view sealed_secret, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.BytesIfNonEmpty(kAkAccountId, k.account_id);
  w.Varint(kAkEnabled, k.enabled ? 1 : 0);  // always written: the default is "enabled"
  w.Bytes(kAkSealedSecret, sealed_secret);
}

bool DecodeAccessKeyRecord(std::string_view record, AccessKey* out, std::string* sealed_secret) {
  if (!CheckHeader(&record, 1)) return false;
  out->account_id.clear();
  out->secret_key.clear();
  out->enabled = true;
  sealed_secret->clear();
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kAkAccountId:
        return ReadString(f, &out->account_id);
      case kAkEnabled:
        return ReadBool(f, &out->enabled);
      case kAkSealedSecret:
        return ReadString(f, sealed_secret);
      default:
        return true;
    }
  });
}

// ---- Multipart
// ------------------------------------------------------------------------------------

void EncodeUploadRecord(const MultipartUpload& u, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.SignedIfNonZero(kUpInitiated, u.initiated_ms);
  std::string tmpl;
  EncodeObjectRecord(u.object_template, &tmpl);
  w.Bytes(kUpTemplate, tmpl);
}

bool DecodeUploadRecord(std::string_view record, MultipartUpload* out) {
  if (!CheckHeader(&record, 1)) return false;
  out->initiated_ms = 0;
  out->object_template = ObjectVersion();
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kUpInitiated:
        return ReadSigned(f, &out->initiated_ms);
      case kUpTemplate:
        return f.wire == kWireBytes && DecodeObjectRecord(f.bytes, 0, &out->object_template);
      default:
        return true;
    }
  });
}

void EncodePartRecord(const Part& p, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.VarintIfNonZero(kPartSize, p.size);
  if (!p.etag.empty()) w.HexOrText(kPartEtagMd5, kPartEtagText, p.etag);
  w.SignedIfNonZero(kPartLastModified, p.last_modified_ms);
  w.BytesIfNonEmpty(kPartChecksum, p.checksum_value);
  if (!p.blob_id.empty()) w.HexOrText(kPartBlobHex, kPartBlobText, p.blob_id);
}

bool DecodePartRecord(std::string_view record, Part* out) {
  if (!CheckHeader(&record, 1)) return false;
  uint32_t number = out->part_number;
  *out = Part();
  out->part_number = number;
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kPartSize:
        return ReadUnsigned(f, &out->size);
      case kPartEtagMd5:
        return ReadHex(f, &out->etag);
      case kPartEtagText:
        return ReadString(f, &out->etag);
      case kPartLastModified:
        return ReadSigned(f, &out->last_modified_ms);
      case kPartChecksum:
        return ReadString(f, &out->checksum_value);
      case kPartBlobHex:
        return ReadHex(f, &out->blob_id);
      case kPartBlobText:
        return ReadString(f, &out->blob_id);
      default:
        return true;
    }
  });
}

// ---- KMS keys
// -------------------------------------------------------------------------------------

void EncodeKmsKeyRecord(const KmsKey& k, std::string_view sealed_material, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kRecordVersion1));
  FieldWriter w(out);
  w.BytesIfNonEmpty(kKmsArn, k.arn);
  w.BytesIfNonEmpty(kKmsAccount, k.account_id);
  w.BytesIfNonEmpty(kKmsDescription, k.description);
  w.BytesIfNonEmpty(kKmsAlias, k.alias);
  w.SignedIfNonZero(kKmsCreated, k.created_ms);
  w.Bytes(kKmsSealedMaterial, sealed_material);
  w.BytesIfNonEmpty(kKmsPolicy, k.policy);
}

bool DecodeKmsKeyRecord(std::string_view record, KmsKey* out, std::string* sealed_material) {
  if (!CheckHeader(&record, 1)) return false;
  std::string key_id = std::move(out->key_id);
  *out = KmsKey();
  out->key_id = std::move(key_id);
  sealed_material->clear();
  return ForEachField(record, [&](const Field& f) -> bool {
    switch (f.number) {
      case kKmsArn:
        return ReadString(f, &out->arn);
      case kKmsAccount:
        return ReadString(f, &out->account_id);
      case kKmsDescription:
        return ReadString(f, &out->description);
      case kKmsAlias:
        return ReadString(f, &out->alias);
      case kKmsCreated:
        return ReadSigned(f, &out->created_ms);
      case kKmsSealedMaterial:
        return ReadString(f, sealed_material);
      case kKmsPolicy:
        return ReadString(f, &out->policy);
      default:
        return true;
    }
  });
}

}  // namespace stocktake::store::meta
