#include "format/orc/string_dictionary.h"

#include <algorithm>
#include <functional>

namespace stocktake::format::orc {
namespace {

constexpr size_t kInitialSlots = 1024;

uint32_t HashOf(std::string_view s) {
  const uint64_t h = std::hash<std::string_view>{}(s);
  return static_cast<uint32_t>(h ^ (h >> 32));
}

}  // namespace

StringDictionary::StringDictionary() : slots_(kInitialSlots, 0), mask_(kInitialSlots - 1) {}

uint32_t StringDictionary::Insert(std::string_view s) {
  const uint32_t hash = HashOf(s);
  size_t slot = hash & mask_;
  while (true) {
    const uint32_t v = slots_[slot];
    if (v == 0) break;
    const Entry& e = entries_[v - 1];
    if (e.hash == hash && e.length == s.size() &&
        std::string_view(arena_.data() + e.offset, e.length) == s) {
      return v - 1;
    }
    slot = (slot + 1) & mask_;
  }
  const auto id = static_cast<uint32_t>(entries_.size());
  entries_.push_back(Entry{arena_.size(), static_cast<uint32_t>(s.size()), hash});
  arena_.append(s);
  slots_[slot] = id + 1;
  // Keep the load factor at most 1/2 so probes stay short.
  if (entries_.size() * 2 > slots_.size()) Grow();
  return id;
}

void StringDictionary::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (size_t id = 0; id < entries_.size(); ++id) {
    size_t slot = entries_[id].hash & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = static_cast<uint32_t>(id + 1);
  }
  slots_.swap(slots);
  mask_ = mask;
}

void StringDictionary::SortedIds(std::vector<uint32_t>* ids) const {
  ids->resize(entries_.size());
  for (size_t i = 0; i < ids->size(); ++i) (*ids)[i] = static_cast<uint32_t>(i);
  std::sort(ids->begin(), ids->end(), [this](uint32_t a, uint32_t b) { return Get(a) < Get(b); });
}

void StringDictionary::Clear() {
  arena_.clear();
  // Only the used slots need clearing; a full fill is cheaper than tracking them for big tables
  // only when most are used, so clear by entry.
  for (const Entry& e : entries_) {
    size_t slot = e.hash & mask_;
    while (slots_[slot] != 0) {
      slots_[slot] = 0;
      slot = (slot + 1) & mask_;
    }
  }
  entries_.clear();
}

}  // namespace stocktake::format::orc
