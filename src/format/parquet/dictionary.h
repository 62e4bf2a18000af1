// Dictionary: the distinct values of one column chunk in first-seen order, for dictionary
// encoding (Encodings.md, "Dictionary Encoding": a PLAIN dictionary page, then RLE_DICTIONARY
// indices in the data pages).
//
// Entries are kept PLAIN-encoded back to back in one buffer, which is exactly the dictionary
// page body; the hash table (open addressing, linear probing) stores entry numbers and compares
// against that buffer through offsets, so inserting or looking up allocates nothing per value
// (only when the table or buffer grows). Clear() keeps all capacity for the next chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::format::parquet {

class Dictionary {
 public:
  enum class Kind { kByteArray, kInt64 };
  explicit Dictionary(Kind kind);

  // The index of `value` (BYTE_ARRAY dictionaries), inserted if new.
  uint32_t GetOrInsertBytes(std::string_view value);
  // The index of `value` (INT64 dictionaries), inserted if new.
  uint32_t GetOrInsertInt64(int64_t value);

  uint32_t size() const { return static_cast<uint32_t>(entries_.size()); }
  // PLAIN encoding of entry `index` (with its length prefix for BYTE_ARRAY).
  std::string_view plain_entry(uint32_t index) const {
    const Entry& e = entries_[index];
    const size_t prefix = kind_ == Kind::kByteArray ? 4 : 0;
    return std::string_view(plain_).substr(e.offset - prefix, e.length + prefix);
  }
  // PLAIN encoding of all entries: the dictionary page body.
  const std::string& plain_encoded() const { return plain_; }
  // Size of the dictionary page body.
  size_t plain_bytes() const { return plain_.size(); }
  void Clear();
  // Clear() and frees the memory as well.
  void Release();

 private:
  struct Entry {
    uint64_t hash;
    uint32_t offset;  // of the value bytes in plain_ (after any length prefix)
    uint32_t length;
  };
  uint32_t GetOrInsert(std::string_view key, uint64_t hash);
  void Grow();

  Kind kind_;
  std::string plain_;
  std::vector<Entry> entries_;
  // Entry number + 1 per slot; 0 = empty. Size is a power of two, at most half full.
  std::vector<uint32_t> slots_;
  uint64_t mask_ = 0;
};

}  // namespace stocktake::format::parquet
