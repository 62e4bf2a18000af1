// Dictionary builder for RLE_DICTIONARY column chunks.
#include "format/parquet/dictionary.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "format/parquet/plain_encoding.h"

namespace stocktake::format::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

// A 64-bit finalizer (splitmix64): spreads integer keys over the table.
uint64_t MixInt(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace

Dictionary::Dictionary(Kind kind)
    : kind_(kind), slots_(kInitialSlots, 0), mask_(kInitialSlots - 1) {}

void Dictionary::Clear() {
  plain_.clear();
  entries_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

void Dictionary::Release() {
  std::string().swap(plain_);
  std::vector<Entry>().swap(entries_);
  std::vector<uint32_t>(kInitialSlots, 0).swap(slots_);
  mask_ = kInitialSlots - 1;
}

uint32_t Dictionary::GetOrInsertBytes(std::string_view value) {
  return GetOrInsert(value, std::hash<std::string_view>{}(value));
}

uint32_t Dictionary::GetOrInsertInt64(int64_t value) {
  char bytes[8];
  StoreInt64LE(value, bytes);
  return GetOrInsert(std::string_view(bytes, 8), MixInt(static_cast<uint64_t>(value)));
}

uint32_t Dictionary::GetOrInsert(std::string_view key, uint64_t hash) {
  uint64_t slot = hash & mask_;
  while (true) {
    uint32_t id = slots_[slot];
    if (id == 0) break;
    const Entry& e = entries_[id - 1];
    // (An empty value may come with a null data pointer: never hand that to memcmp.)
    if (e.hash == hash && e.length == key.size() &&
        (key.empty() || std::memcmp(plain_.data() + e.offset, key.data(), key.size()) == 0)) {
      return id - 1;
    }
    slot = (slot + 1) & mask_;
  }
  // New entry: append its PLAIN encoding (BYTE_ARRAY: 4-byte LE length, then the bytes).
  if (kind_ == Kind::kByteArray) AppendUint32LE(static_cast<uint32_t>(key.size()), &plain_);
  const auto offset = static_cast<uint32_t>(plain_.size());
  plain_.append(key);
  entries_.push_back({hash, offset, static_cast<uint32_t>(key.size())});
  const auto index = static_cast<uint32_t>(entries_.size() - 1);
  slots_[slot] = index + 1;
  if (entries_.size() * 2 > slots_.size()) Grow();
  return index;
}

void Dictionary::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  mask_ = slots_.size() - 1;
  for (size_t i = 0; i < entries_.size(); ++i) {
    uint64_t slot = entries_[i].hash & mask_;
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<uint32_t>(i + 1);
  }
}

}  // namespace stocktake::format::parquet
