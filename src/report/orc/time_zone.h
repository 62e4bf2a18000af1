// TimeZone: UTC offsets of an IANA time zone, read from the system's compiled tz database
// ($TZDIR or /usr/share/zoneinfo; TZif format, RFC 8536). ORC timestamps are stored relative to
// the writer's time zone (StripeFooter.writer_timezone), so reading back the wall-clock value
// Apache ORC's tools print needs that zone's offsets. UTC and GMT need no file.
//
// Instants after the last transition in the file use the last transition's offset (the tz
// database's "fat" files list transitions up to 2037; the POSIX TZ footer rule is not
// evaluated).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace stocktake::report::orc {

class TimeZone {
 public:
  // NotFound when the zone is unknown; Corruption for a malformed TZif file.
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  static std::shared_ptr<const TimeZone> Utc();
  // Parses TZif bytes (exposed for tests).
  static Result<std::shared_ptr<const TimeZone>> FromTzif(std::string_view name,
                                                          std::string_view bytes);

  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `utc_seconds`.
  int32_t OffsetAt(int64_t utc_seconds) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // offset from transitions_[i] on
  int32_t initial_offset_ = 0;        // before the first transition
};

}  // namespace stocktake::report::orc
