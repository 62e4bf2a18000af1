// ReportJob: produces one inventory report from a consistent snapshot of the source bucket and
// publishes it atomically into the destination bucket (DESIGN.md §1-2):
//   scan (one RocksDB snapshot, bounded row batches) -> ReportWriter per data file -> blobs
//   (fsynced, not yet visible) -> publish: data files, symlink.txt, manifest.json, and
//   manifest.checksum last (the commit point consumers wait for).
// Nothing becomes visible before the whole report is written; a run that fails before
// publication leaves nothing behind.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/status.h"
#include "format/report_writer.h"
#include "inventory/config.h"
#include "inventory/run_record.h"
#include "store/object_store.h"

namespace stocktake::inventory {

struct ReportJobOptions {
  // A data file is closed after this many rows, at the next key boundary (so files cover
  // disjoint key ranges).
  uint64_t max_rows_per_file = 1'000'000;
  size_t batch_rows = 4096;
  format::WriterOptions writer;
  // Whether S3, as the service principal, may write report object `key` into `destination` for
  // a report of `source` (the destination bucket policy, spec §8); a non-OK Status refuses.
  // Injected by the server (cli/serve.cc binds s3::AuthorizeInventoryDelivery) so that this
  // module needs no s3/ dependency. Null: deliveries only into the source owner's buckets.
  std::function<Status(const store::Bucket& source, const store::Bucket& destination,
                       std::string_view key)>
      authorize_delivery;
};

struct ReportJobHooks {
  // Persists the run record (progress, keys about to be published). Called from the job thread.
  std::function<Status(const RunRecord&)> persist;
  // True when the run must stop (configuration deleted, server stopping).
  std::function<bool()> cancelled;
};

// Runs the report for `config` of `source`; fills `run` (snapshot time, rows, bytes, files,
// manifest key). On failure the Status message is the reason a person can act on.
Status RunReport(store::ObjectStore& store, const ReportJobOptions& options,
                 const InventoryConfiguration& config, const store::Bucket& source, RunRecord* run,
                 const ReportJobHooks& hooks);

}  // namespace stocktake::inventory
