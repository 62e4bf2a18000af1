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
  // Threads of one report, each scanning its own key range of the snapshot into its own data
  // files (the manifest lists them in key order); 0 = one per core.
  int threads = 0;
  int Threads() const;
  format::WriterOptions writer;
  // Whether S3, as the service principal, may write report object `key` into `destination` for
  // a report of `source` (the destination bucket policy, spec §8); a non-OK Status refuses.
  // Injected by the server (cli/serve.cc binds s3::AuthorizeInventoryDelivery) so that this
  // module needs no s3/ dependency. Null: deliveries only into the source owner's buckets.
  std::function<Status(const store::Bucket& source, const store::Bucket& destination,
                       std::string_view key)>
      authorize_delivery;
  // Whether S3 may use KMS key `key` (kms:GenerateDataKey) to encrypt a report of `source`: the
  // key policy (spec §8); a non-OK Status refuses. Asked for every SSE-KMS report except when the
  // key, the source and the destination all belong to one account (a key's own account may
  // always use it). Injected like authorize_delivery (s3::AuthorizeInventoryKmsKey). Null: only
  // such same-account keys.
  std::function<Status(const store::Bucket& source, const store::KmsKey& key)> authorize_kms_key;
};

struct ReportJobHooks {
  // Persists the run record (progress, keys about to be published). Called from the job thread.
  std::function<Status(const RunRecord&)> persist;
  // True when the run must stop (configuration deleted, server stopping).
  std::function<bool()> cancelled;
  // Sleeps for `duration_ms`; false when the run was cancelled meanwhile. A run whose minute
  // already holds a report waits for the next minute (report_layout.h). Null: such a run fails
  // instead of waiting.
  std::function<bool(int64_t duration_ms)> wait_for;
};

// Runs the report for `config` of `source`; fills `run` (snapshot time, rows, bytes, files,
// manifest key). On failure the Status message is the reason a person can act on.
Status RunReport(store::ObjectStore& store, const ReportJobOptions& options,
                 const InventoryConfiguration& config, const store::Bucket& source, RunRecord* run,
                 const ReportJobHooks& hooks);

}  // namespace stocktake::inventory
