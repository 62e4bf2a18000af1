#include "report/orc/time_zone.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace stocktake::report::orc {
namespace {

int64_t LoadBe(std::string_view bytes, size_t pos, int width) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[pos + i]);
  if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool IsUtcName(std::string_view name) {
  return name.empty() || name == "UTC" || name == "GMT" || name == "Z" || name == "Etc/UTC" ||
         name == "Etc/GMT" || name == "UCT" || name == "Universal" || name == "Zulu";
}

}  // namespace

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  static const std::shared_ptr<const TimeZone> utc = [] {
    auto zone = std::make_shared<TimeZone>();
    zone->name_ = "UTC";
    return zone;
  }();
  return utc;
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  if (IsUtcName(name)) return Utc();
  // Zone names are paths under the database: refuse anything that could leave it.
  if (name.front() == '/' || name.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("bad time zone name " + std::string(name));
  }
  const char* dir = std::getenv("TZDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("time zone " + std::string(name) + " not found in " + path);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return FromTzif(name, bytes.str());
}

Result<std::shared_ptr<const TimeZone>> TimeZone::FromTzif(std::string_view name,
                                                           std::string_view bytes) {
  // RFC 8536 §3.1: "TZif", version, 15 reserved bytes, then six 32-bit counts.
  auto bad = [&](const char* what) {
    return Status::Corruption("time zone " + std::string(name) + ": " + what);
  };
  auto header = [&](size_t at, int64_t counts[6]) -> bool {
    if (bytes.size() < at + 44 || bytes.substr(at, 4) != "TZif") return false;
    for (int i = 0; i < 6; ++i) counts[i] = LoadBe(bytes, at + 20 + 4 * i, 4);
    for (int i = 0; i < 6; ++i) {
      if (counts[i] < 0) return false;
    }
    return true;
  };
  // counts: isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt.
  int64_t c[6];
  if (!header(0, c)) return bad("not a TZif file");
  size_t at = 44;
  int time_size = 4;
  auto block_size = [](const int64_t n[6], int tsize) {
    return static_cast<size_t>(n[3] * tsize + n[3] + n[4] * 6 + n[5] + n[2] * (tsize + 4) + n[1] +
                               n[0]);
  };
  if (bytes[4] >= '2') {  // version 2+: skip the 32-bit block, use the 64-bit one (§3.2)
    size_t v2 = 44 + block_size(c, 4);
    if (!header(v2, c)) return bad("bad version 2 header");
    at = v2 + 44;
    time_size = 8;
  }
  int64_t timecnt = c[3], typecnt = c[4];
  if (typecnt == 0 || bytes.size() < at + block_size(c, time_size)) return bad("truncated");
  size_t times_at = at;
  size_t index_at = times_at + static_cast<size_t>(timecnt * time_size);
  size_t types_at = index_at + static_cast<size_t>(timecnt);
  std::vector<int32_t> type_offsets;
  for (int64_t i = 0; i < typecnt; ++i) {
    type_offsets.push_back(static_cast<int32_t>(LoadBe(bytes, types_at + 6 * i, 4)));
  }
  auto zone = std::make_shared<TimeZone>();
  zone->name_ = std::string(name);
  // Before the first transition: the first standard-time type (RFC 8536 §3.2 leaves it to the
  // reader; type 0 is the conventional choice).
  zone->initial_offset_ = type_offsets[0];
  for (int64_t i = 0; i < timecnt; ++i) {
    int64_t when = LoadBe(bytes, times_at + static_cast<size_t>(i * time_size), time_size);
    uint8_t type = static_cast<uint8_t>(bytes[index_at + static_cast<size_t>(i)]);
    if (type >= typecnt) return bad("transition type out of range");
    if (!zone->transitions_.empty() && when <= zone->transitions_.back()) {
      return bad("transitions out of order");
    }
    zone->transitions_.push_back(when);
    zone->offsets_.push_back(type_offsets[type]);
  }
  return std::shared_ptr<const TimeZone>(std::move(zone));
}

int32_t TimeZone::OffsetAt(int64_t utc_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin() - 1)];
}

}  // namespace stocktake::report::orc
