#include "store/meta/key_codec.h"

#include <cstring>

#include "common/crypto.h"

namespace stocktake::store::meta {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";
constexpr std::string_view kRandomAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

std::string Start(Table table, size_t reserve) {
  std::string out;
  out.reserve(reserve + 1);
  out.push_back(static_cast<char>(table));
  return out;
}

void AppendHex64(std::string* out, uint64_t v) {
  for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kHexDigits[(v >> shift) & 0xf]);
}

bool ParseHex64(std::string_view hex, uint64_t* v) {
  if (hex.size() != 16) return false;
  uint64_t r = 0;
  for (char c : hex) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;  // upper case is not produced, so it is not accepted: ids are canonical
    }
    r = (r << 4) | static_cast<uint64_t>(d);
  }
  *v = r;
  return true;
}

// n characters of [0-9A-Za-z]. Rejection sampling (bytes >= 248 are dropped) keeps the
// distribution uniform: 248 = 4 * 62.
std::string RandomAlphanumeric(size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    std::string bytes = RandomBytes(n + 8);
    for (char c : bytes) {
      auto b = static_cast<uint8_t>(c);
      if (b >= 248) continue;
      out.push_back(kRandomAlphabet[b % 62]);
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace

void AppendEscapedPrefix(std::string* out, std::string_view s) {
  for (char c : s) {
    out->push_back(c);
    if (c == kEscapeByte) out->push_back(kEscapedZero);
  }
}

void AppendEscaped(std::string* out, std::string_view s) {
  AppendEscapedPrefix(out, s);
  out->push_back(kEscapeByte);
  out->push_back(kTerminator);
}

bool ConsumeEscaped(std::string_view* in, std::string* out) {
  out->clear();
  const char* p = in->data();
  const char* end = p + in->size();
  while (p < end) {
    // Copy the run up to the next 0x00 in one go: most keys contain none.
    const char* zero = static_cast<const char*>(memchr(p, 0, static_cast<size_t>(end - p)));
    if (zero == nullptr || zero + 1 >= end) return false;
    out->append(p, static_cast<size_t>(zero - p));
    if (zero[1] == kTerminator) {
      in->remove_prefix(static_cast<size_t>(zero + 2 - in->data()));
      return true;
    }
    if (zero[1] != kEscapedZero) return false;
    out->push_back('\0');
    p = zero + 2;
  }
  return false;
}

void AppendInvertedSequence(std::string* out, uint64_t seq) {
  uint64_t inv = ~seq;
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(inv >> shift));
}

bool ConsumeInvertedSequence(std::string_view* in, uint64_t* seq) {
  if (in->size() < kSequenceBytes) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < kSequenceBytes; ++i) v = (v << 8) | static_cast<uint8_t>((*in)[i]);
  *seq = ~v;
  in->remove_prefix(kSequenceBytes);
  return true;
}

void AppendBigEndian32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto last = static_cast<uint8_t>(out.back());
    if (last != 0xff) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;
}

std::string ObjectBucketPrefix(std::string_view bucket) {
  std::string out = Start(Table::kObject, bucket.size() + 2);
  AppendEscaped(&out, bucket);
  return out;
}

std::string ObjectKeyRangePrefix(std::string_view bucket, std::string_view key_prefix) {
  std::string out = ObjectBucketPrefix(bucket);
  AppendEscapedPrefix(&out, key_prefix);
  return out;
}

std::string ObjectVersionsPrefix(std::string_view bucket, std::string_view key) {
  std::string out = ObjectBucketPrefix(bucket);
  out.reserve(out.size() + key.size() + 2 + kSequenceBytes);
  AppendEscaped(&out, key);
  return out;
}

std::string ObjectKeySuccessor(std::string_view bucket, std::string_view key) {
  std::string out = ObjectVersionsPrefix(bucket, key);
  out.back() = static_cast<char>(kTerminator + 1);
  return out;
}

std::string ObjectRowKey(std::string_view bucket, std::string_view key, uint64_t seq) {
  std::string out = ObjectVersionsPrefix(bucket, key);
  AppendInvertedSequence(&out, seq);
  return out;
}

bool ParseObjectRowSuffix(std::string_view suffix, std::string* key, uint64_t* seq) {
  if (!ConsumeEscaped(&suffix, key)) return false;
  if (!ConsumeInvertedSequence(&suffix, seq)) return false;
  return suffix.empty();
}

bool ParseObjectRowKey(std::string_view row, ParsedObjectKey* out) {
  if (row.empty() || row[0] != static_cast<char>(Table::kObject)) return false;
  row.remove_prefix(1);
  if (!ConsumeEscaped(&row, &out->bucket)) return false;
  return ParseObjectRowSuffix(row, &out->key, &out->seq);
}

void AppendVersionId(std::string* out, uint64_t seq, std::string_view random_part) {
  AppendHex64(out, seq);
  out->append(random_part);
}

std::string VersionIdFromParts(uint64_t seq, std::string_view random_part) {
  std::string out;
  out.reserve(kVersionSeqChars + random_part.size());
  AppendVersionId(&out, seq, random_part);
  return out;
}

std::string MakeVersionId(uint64_t seq) {
  return VersionIdFromParts(seq, RandomAlphanumeric(kVersionRandomChars));
}

std::optional<VersionIdParts> ParseVersionId(std::string_view version_id) {
  if (version_id.size() != kVersionIdChars) return std::nullopt;
  VersionIdParts parts;
  if (!ParseHex64(version_id.substr(0, kVersionSeqChars), &parts.seq)) return std::nullopt;
  parts.random_part = version_id.substr(kVersionSeqChars);
  for (char c : parts.random_part) {
    if (kRandomAlphabet.find(c) == std::string_view::npos) return std::nullopt;
  }
  return parts;
}

std::string MakeUploadId(uint64_t seq) {
  std::string out;
  out.reserve(kVersionIdChars);
  AppendHex64(&out, seq);
  out.append(RandomAlphanumeric(kVersionRandomChars));
  return out;
}

std::string MetaKey(std::string_view name) {
  std::string out = Start(Table::kMeta, name.size());
  out.append(name);
  return out;
}

std::string AccountKey(std::string_view account_id) {
  std::string out = Start(Table::kAccount, account_id.size());
  out.append(account_id);
  return out;
}

std::string AccessKeyKey(std::string_view access_key_id) {
  std::string out = Start(Table::kAccessKey, access_key_id.size());
  out.append(access_key_id);
  return out;
}

std::string KmsKeyKey(std::string_view key_id) {
  std::string out = Start(Table::kKmsKey, key_id.size());
  out.append(key_id);
  return out;
}

std::string BucketKey(std::string_view name) {
  std::string out = Start(Table::kBucket, name.size());
  out.append(name);
  return out;
}

std::string BlobRefKey(std::string_view blob_id) {
  std::string out = Start(Table::kBlobRef, blob_id.size());
  out.append(blob_id);
  return out;
}

std::string UploadBucketPrefix(std::string_view bucket) {
  std::string out = Start(Table::kUpload, bucket.size() + 2);
  AppendEscaped(&out, bucket);
  return out;
}

std::string UploadRowKey(std::string_view bucket, std::string_view key,
                         std::string_view upload_id) {
  std::string out = UploadBucketPrefix(bucket);
  AppendEscaped(&out, key);
  out.append(upload_id);
  return out;
}

bool ParseUploadRowKey(std::string_view row, std::string* bucket, std::string* key,
                       std::string* upload_id) {
  if (row.empty() || row[0] != static_cast<char>(Table::kUpload)) return false;
  row.remove_prefix(1);
  if (!ConsumeEscaped(&row, bucket) || !ConsumeEscaped(&row, key)) return false;
  upload_id->assign(row);
  return !row.empty();
}

std::string UploadIndexKey(std::string_view upload_id) {
  std::string out = Start(Table::kUploadIndex, upload_id.size());
  out.append(upload_id);
  return out;
}

std::string PartPrefix(std::string_view upload_id) {
  std::string out = Start(Table::kPart, upload_id.size() + 6);
  AppendEscaped(&out, upload_id);
  return out;
}

std::string PartRowKey(std::string_view upload_id, uint32_t part_number) {
  std::string out = PartPrefix(upload_id);
  AppendBigEndian32(&out, part_number);
  return out;
}

std::string InventoryConfigPrefix(std::string_view bucket) {
  std::string out = Start(Table::kInventoryConfig, bucket.size() + 2);
  AppendEscaped(&out, bucket);
  return out;
}

std::string InventoryConfigKey(std::string_view bucket, std::string_view config_id) {
  std::string out = InventoryConfigPrefix(bucket);
  out.append(config_id);
  return out;
}

std::string InventoryRunBucketPrefix(std::string_view bucket) {
  std::string out = Start(Table::kInventoryRun, bucket.size() + 2);
  AppendEscaped(&out, bucket);
  return out;
}

std::string InventoryRunPrefix(std::string_view bucket, std::string_view config_id) {
  std::string out = InventoryRunBucketPrefix(bucket);
  AppendEscaped(&out, config_id);
  return out;
}

std::string InventoryRunKey(std::string_view bucket, std::string_view config_id,
                            std::string_view run_id) {
  std::string out = InventoryRunPrefix(bucket, config_id);
  out.append(run_id);
  return out;
}

}  // namespace stocktake::store::meta
