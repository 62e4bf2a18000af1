// ReportComposition: what a report's rows are made of, computed while the report is written (one
// pass, constant memory) so that a summary of a 100 M-object report costs what one of a
// 10-object report does. Published as `composition.json` in the report's dated folder, before
// manifest.checksum, and kept with a native run's record:
//   - current versions, noncurrent versions (All-versions reports) and delete markers;
//   - objects and bytes by storage class and by encryption status (delete markers excluded);
//   - a size histogram and an age histogram (LastModified at the snapshot instant);
//   - the kTopPrefixes largest top-level prefixes ("photos/") by bytes, and keys without '/'.
// Top prefixes are exact within one run of keys in order; the parts of a parallel report are
// merged by summing equal prefixes, so a prefix cut by a part boundary can rank lower than it
// would in one part.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "store/types.h"

namespace stocktake::inventory {

struct Tally {
  uint64_t objects = 0;
  uint64_t bytes = 0;
  void Add(uint64_t size) {
    ++objects;
    bytes += size;
  }
  void Add(const Tally& other) {
    objects += other.objects;
    bytes += other.bytes;
  }
  friend bool operator==(const Tally&, const Tally&) = default;
};

class ReportComposition {
 public:
  static constexpr size_t kTopPrefixes = 10;
  // Upper bounds (exclusive) of the size histogram's buckets, bytes; the last bucket is open.
  static constexpr std::array<uint64_t, 7> kSizeBounds = {
      uint64_t{1} << 10,   uint64_t{128} << 10, uint64_t{1} << 20, uint64_t{16} << 20,
      uint64_t{128} << 20, uint64_t{1} << 30,   uint64_t{16} << 30};
  // Upper bounds (exclusive) of the age histogram's buckets, days; the last bucket is open.
  static constexpr std::array<int64_t, 6> kAgeBoundsDays = {1, 7, 30, 90, 365, 3 * 365};

  explicit ReportComposition(int64_t snapshot_ms = 0) : snapshot_ms_(snapshot_ms) {}
  // Movable (map nodes, and so the cached categories, move along); not copyable.
  ReportComposition(ReportComposition&&) = default;
  ReportComposition& operator=(ReportComposition&&) = default;
  ReportComposition(const ReportComposition&) = delete;
  ReportComposition& operator=(const ReportComposition&) = delete;

  // One row of the report; rows arrive in key order.
  void Add(const store::ObjectVersion& version);
  // Adds another part of the same report.
  void Merge(ReportComposition other);

  // The composition.json document (finishes the prefix being counted).
  std::string ToJson();
  // Reads a ToJson document back (the parts of a sharded scan, stored with each shard).
  static Result<ReportComposition> FromJson(std::string_view json);

  const Tally& current() const { return current_; }
  const Tally& noncurrent() const { return noncurrent_; }
  uint64_t delete_markers() const { return delete_markers_; }
  const std::map<std::string, Tally, std::less<>>& storage_classes() const {
    return storage_classes_;
  }
  const std::map<std::string, Tally, std::less<>>& encryption() const { return encryption_; }
  const std::array<Tally, kSizeBounds.size() + 1>& sizes() const { return sizes_; }
  const std::array<Tally, kAgeBoundsDays.size() + 1>& ages() const { return ages_; }
  // The largest prefixes by bytes, largest first (finishes the prefix being counted).
  const std::vector<std::pair<std::string, Tally>>& TopPrefixes();
  const Tally& keys_without_prefix() const { return without_prefix_; }

 private:
  // A tally of `tallies` by name; consecutive rows mostly share a name, so the last one is kept
  // at hand (*last) and the map is searched only when the name changes.
  struct Category {
    std::string name;
    Tally* tally = nullptr;
  };
  static Tally& Of(std::map<std::string, Tally, std::less<>>& tallies, std::string_view name,
                   Category* last);
  void ClosePrefix();
  void Offer(std::string prefix, const Tally& tally);

  int64_t snapshot_ms_;
  Tally current_;
  Tally noncurrent_;
  uint64_t delete_markers_ = 0;
  // Few distinct values (the S3 enums); a store inventing more only grows these a little.
  std::map<std::string, Tally, std::less<>> storage_classes_;
  std::map<std::string, Tally, std::less<>> encryption_;
  Category last_storage_class_;
  Category last_encryption_;
  std::array<Tally, kSizeBounds.size() + 1> sizes_{};
  std::array<Tally, kAgeBoundsDays.size() + 1> ages_{};
  std::string open_prefix_;  // the top-level prefix being counted ("" = none)
  Tally open_tally_;
  Tally without_prefix_;
  std::vector<std::pair<std::string, Tally>> top_;  // at most kTopPrefixes, bytes descending
};

}  // namespace stocktake::inventory
