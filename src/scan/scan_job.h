// RunScan: `stocktake inventory scan` end to end (DESIGN.md §2, "a remote scan replaces the
// Scanner by a lister that partitions the key space"):
//   plan partitions (delimiter listing) -> N listing threads (one RemoteClient each; HEAD /
//   GetObjectAcl on a shared pool when fields need them) spool partitions to local files ->
//   the calling thread feeds finished partitions, in key order, to a RemoteReportWriter ->
//   publication into the destination, manifest.checksum last.
// With a checkpoint file, progress survives a crash or kill: a rerun with the same arguments
// keeps the finished partitions, relists the others, removes what a publication cut short left
// behind, and publishes the report with the original scan start. Nothing is visible in the
// destination before the publication, and a failed publication removes what it wrote.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.h"
#include "inventory/config.h"
#include "scan/aws_settings.h"
#include "scan/checkpoint.h"
#include "scan/client_pool.h"
#include "scan/key_range.h"
#include "scan/remote_client.h"
#include "scan/remote_report_writer.h"
#include "scan/s3_location.h"
#include "scan/uploader.h"

namespace stocktake::scan {

struct ScanOptions {
  S3Location source;
  S3Location destination;
  AwsSettings source_settings;
  AwsSettings destination_settings;
  // Id, destination (ARN, prefix, format), versions, optional fields, filter prefix (= the
  // source prefix): what a native configuration would say.
  inventory::InventoryConfiguration config;
  int concurrency = 8;          // listing threads
  int head_concurrency = 0;     // HEAD/GetObjectAcl threads; 0 = 4 x concurrency (at most 64)
  int page_size = 1000;         // max-keys of the listing requests
  std::string checkpoint_path;  // "" = not resumable (work files in a temp directory)
  std::string temp_dir;         // parent of that temp directory ("" = $TMPDIR or /tmp)
  uint64_t max_rows_per_file = 1'000'000;
  UploadOptions upload;
  RetryPolicy retry;
  bool progress = false;  // draw a progress line on stderr
  // The part of the key space to report on (a shard's range); by default all of it.
  KeyRange range;
  // The report's minute (--run-time); 0 = the scan start. A fixed minute that already holds a
  // report fails the scan instead of waiting for the next minute.
  int64_t report_time_ms = 0;
  // What becomes of the rows once all are written, instead of publishing the report (a shard
  // uploads its data files only). Gets the writer and the destination's clients.
  std::function<Result<PublishedReport>(RemoteReportWriter& writer, ClientPool& destination)>
      finish;
};

struct ScanResult {
  PublishedReport report;
  bool resumed = false;
  size_t partitions = 0;
  size_t partitions_reused = 0;  // finished before this run (checkpoint)
  size_t splits = 0;
  uint64_t listed = 0;  // versions listed by this run
  double listing_seconds = 0;
  double total_seconds = 0;
  uint64_t requests = 0;
  uint64_t retries = 0;
  uint64_t throttled = 0;
  uint64_t heads = 0;
  uint64_t acl_requests = 0;
  uint64_t vanished = 0;
};

Result<ScanResult> RunScan(const ScanOptions& options);

// What a rerun or another step of the same scan must repeat (checkpoints, shard plans).
ScanIdentity IdentityOf(const ScanOptions& options);

}  // namespace stocktake::scan
