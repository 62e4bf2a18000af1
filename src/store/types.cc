#include "store/types.h"

#include <algorithm>

namespace stocktake::store {

const std::string* Bucket::FindAttribute(std::string_view attribute_name) const {
  for (const auto& [n, value] : attributes) {
    if (n == attribute_name) return &value;
  }
  return nullptr;
}

int64_t EventHoldDurationMs(const ObjectVersion& v) {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  return (int64_t{v.object_lock_event_hold_days} + int64_t{v.object_lock_event_hold_years} * 365) *
         kDayMs;
}

int64_t EffectiveRetainUntilMs(const ObjectVersion& v, int64_t now_ms) {
  if (v.object_lock_event_hold != "ON") return v.object_lock_retain_until_ms;
  return std::max(v.object_lock_retain_until_ms, now_ms + EventHoldDurationMs(v));
}

}  // namespace stocktake::store
