// PartitionLister: lists one partition of the source bucket into its spool file, page by page,
// with ListObjectsV2 (Current reports) or ListObjectVersions (All), encoding-type=url. Pages are
// cut at the partition's upper bound, and keys at or below its lower bound are dropped (some
// stores, Ceph RGW among them, treat a lone key-marker as inclusive). After every
// truncated page the lister offers the scheduler to split the rest of its range. Fields that
// listings lack are fetched per page by the Enricher before the rows are spooled.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "scan/enricher.h"
#include "scan/partition_scheduler.h"
#include "scan/remote_client.h"

namespace stocktake::scan {

struct ListerOptions {
  std::string bucket;
  std::string scan_prefix;
  bool all_versions = false;
  bool fetch_owner = false;  // ListObjectsV2 fetch-owner=true (ObjectOwner requested)
  int page_size = 1000;      // max-keys
  std::string spool_dir;
};

// Progress counters shared by all listers.
struct ListStats {
  std::atomic<uint64_t> rows{0};
  std::atomic<uint64_t> pages{0};
};

std::string SpoolPath(const std::string& spool_dir, uint64_t partition_id);

class PartitionLister {
 public:
  PartitionLister(const ListerOptions& options, PartitionScheduler* scheduler, Enricher* enricher,
                  ListStats* stats)
      : options_(options), scheduler_(scheduler), enricher_(enricher), stats_(stats) {}

  // Lists `work` completely into its spool and reports it done to the scheduler.
  Status Run(RemoteClient& client, PartitionWork work);

 private:
  const ListerOptions& options_;
  PartitionScheduler* scheduler_;
  Enricher* enricher_;  // null when no field needs it
  ListStats* stats_;
};

// Lists the source bucket with the scan prefix, delimiter '/' (one page), and cuts the key space
// into about `target` ranges at the keys and common prefixes found, spread evenly. A truncated
// page leaves its unknown tail as the last range (which splits itself as it is listed). With
// `within` (a shard's range), the page starts at its lower bound and the ranges tile it only.
Result<std::vector<PartitionRecord>> PlanPartitions(RemoteClient& client, const std::string& bucket,
                                                    const std::string& scan_prefix, int target,
                                                    const KeyRange& within = {});

}  // namespace stocktake::scan
