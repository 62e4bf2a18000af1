#include "scan/scan_job.h"

#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <pugixml.hpp>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "scan/checkpoint.h"
#include "scan/client_pool.h"
#include "scan/enricher.h"
#include "scan/partition_lister.h"
#include "scan/partition_scheduler.h"
#include "scan/progress_line.h"
#include "scan/spool.h"

namespace stocktake::scan {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Local working directories: spools (kept for a resume) and report files (rebuilt every run).
struct WorkDirs {
  std::string root;  // removed at the end when temporary
  std::string spools;
  std::string report;
  bool temporary = false;
};

// `resumed`: the spools of the checkpoint are kept; otherwise stale ones are cleared.
Result<WorkDirs> MakeWorkDirs(const ScanOptions& options, bool resumed) {
  WorkDirs dirs;
  if (!options.checkpoint_path.empty()) {
    dirs.spools = options.checkpoint_path + ".parts";
    dirs.report = options.checkpoint_path + ".report";
  } else {
    std::string parent = options.temp_dir;
    if (parent.empty()) {
      const char* tmp = std::getenv("TMPDIR");
      parent = tmp && *tmp ? tmp : "/tmp";
    }
    std::string pattern = parent + "/stocktake-scan-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::IOError("cannot create a work directory under " + parent);
    }
    dirs.root = pattern;
    dirs.temporary = true;
    dirs.spools = pattern + "/parts";
    dirs.report = pattern + "/report";
  }
  std::error_code ec;
  fs::remove_all(dirs.report, ec);
  if (!resumed) fs::remove_all(dirs.spools, ec);
  for (const std::string& d : {dirs.spools, dirs.report}) {
    fs::create_directories(d, ec);
    if (ec) return Status::IOError("cannot create " + d + ": " + ec.message());
  }
  return dirs;
}

void RemoveWorkDirs(const WorkDirs& dirs) {
  std::error_code ec;
  if (dirs.temporary) {
    fs::remove_all(dirs.root, ec);
  } else {
    fs::remove_all(dirs.spools, ec);
    fs::remove_all(dirs.report, ec);
  }
}

// GetObjectLockConfiguration: whether ObjectLockLegalHoldStatus is "Off" or empty for objects
// without a hold. Stores without Object Lock answer 404 or 501.
Result<bool> BucketHasObjectLock(RemoteClient& client, const std::string& bucket) {
  s3::S3Call call;
  call.bucket = bucket;
  call.query = {{"object-lock", ""}};
  ASSIGN_OR_RETURN(auto r, client.Send(call));
  if (r.status != 200) return false;
  pugi::xml_document doc;
  doc.load_buffer(r.body.data(), r.body.size());
  return std::string_view(doc.child("ObjectLockConfiguration").child_value("ObjectLockEnabled")) ==
         "Enabled";
}

// A partition finished by an earlier run is reused only if its spool is intact.
void CheckReusedSpools(const std::string& spool_dir, std::vector<PartitionRecord>* partitions) {
  for (PartitionRecord& p : *partitions) {
    if (!p.done) continue;
    std::error_code ec;
    auto size = fs::file_size(SpoolPath(spool_dir, p.id), ec);
    if (ec || size != p.spool_bytes) p.done = false;
  }
}

Status FeedPartition(const std::string& spool_dir, const PartitionRecord& p,
                     RemoteReportWriter* writer) {
  ASSIGN_OR_RETURN(auto reader, SpoolReader::Open(SpoolPath(spool_dir, p.id)));
  store::ObjectVersion v;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&v));
    if (!more) return Status::OK();
    RETURN_IF_ERROR(writer->Add(v));
  }
}

class Scan {
 public:
  explicit Scan(const ScanOptions& options) : options_(options) {}
  Result<ScanResult> Run();

 private:
  RemoteClientOptions ClientOptions(const AwsSettings& settings) {
    return RemoteClientOptions{settings, options_.retry, &requests_};
  }
  Status Prepare();
  Status MoveToFreeMinute();
  Status ListAndWrite(RemoteReportWriter* writer);
  std::string RenderProgress();

  const ScanOptions& options_;
  ScanResult result_;
  WorkDirs dirs_;
  std::unique_ptr<Checkpoint> checkpoint_;
  CheckpointState state_;
  std::unique_ptr<RemoteClient> source_;
  std::unique_ptr<ClientPool> destination_pool_;
  std::unique_ptr<ClientPool> head_pool_;
  std::unique_ptr<Enricher> enricher_;
  std::unique_ptr<PartitionScheduler> scheduler_;
  EnrichmentNeeds needs_;
  bool object_lock_ = false;
  RequestStats requests_;
  EnrichStats enrich_stats_;
  ListStats list_stats_;
  Clock::time_point start_ = Clock::now();
};

Status Scan::Prepare() {
  bool resumed = false;
  ASSIGN_OR_RETURN(checkpoint_, Checkpoint::Open(options_.checkpoint_path, IdentityOf(options_),
                                                 options_.report_time_ms != 0
                                                     ? options_.report_time_ms
                                                     : SystemClock::Default()->NowMillis(),
                                                 &state_, &resumed));
  ASSIGN_OR_RETURN(dirs_, MakeWorkDirs(options_, resumed));
  result_.resumed = resumed;
  ASSIGN_OR_RETURN(source_, RemoteClient::Create(ClientOptions(options_.source_settings)));
  ASSIGN_OR_RETURN(destination_pool_,
                   ClientPool::Create(std::min(options_.concurrency, 8),
                                      ClientOptions(options_.destination_settings)));
  // Fail before listing anything when the report could not be delivered.
  RETURN_IF_ERROR(destination_pool_->ParallelFor(1, [&](RemoteClient& client, size_t) {
    RETURN_IF_ERROR(CheckBucket(client, options_.destination.bucket, "destination"));
    // What an interrupted publication wrote is removed before publishing again.
    for (const std::string& key : state_.publishing_keys) {
      RETURN_IF_ERROR(DeleteObject(client, options_.destination.bucket, key));
    }
    return Status::OK();
  }));
  RETURN_IF_ERROR(MoveToFreeMinute());
  RETURN_IF_ERROR(CheckBucket(*source_, options_.source.bucket, "source"));

  std::vector<inventory::FieldId> fields = inventory::ReportFields(options_.config);
  needs_ = NeedsFor(fields);
  if (needs_.bucket_object_lock) {
    ASSIGN_OR_RETURN(object_lock_, BucketHasObjectLock(*source_, options_.source.bucket));
  }
  if (needs_.any()) {
    int threads = options_.head_concurrency > 0 ? options_.head_concurrency
                                                : std::min(4 * options_.concurrency, 64);
    ASSIGN_OR_RETURN(head_pool_,
                     ClientPool::Create(threads, ClientOptions(options_.source_settings)));
    enricher_ = std::make_unique<Enricher>(
        head_pool_.get(), options_.source.bucket,
        options_.config.included_object_versions == inventory::IncludedObjectVersions::kAll, needs_,
        &enrich_stats_);
  }

  if (!state_.planned) {
    ASSIGN_OR_RETURN(state_.partitions,
                     PlanPartitions(*source_, options_.source.bucket, options_.source.prefix,
                                    4 * options_.concurrency, options_.range));
    RETURN_IF_ERROR(checkpoint_->RecordPlan(state_.partitions));
    state_.planned = true;
  }
  CheckReusedSpools(dirs_.spools, &state_.partitions);
  for (const PartitionRecord& p : state_.partitions) result_.partitions_reused += p.done;
  scheduler_ = std::make_unique<PartitionScheduler>(checkpoint_.get(), options_.source.prefix);
  scheduler_->Load(state_.partitions);
  return Status::OK();
}

// A published report is never replaced (report_layout.h): when the scan's minute already holds
// a report of this configuration in the destination, the scan waits for the next minute and
// starts then.
Status Scan::MoveToFreeMinute() {
  while (true) {
    inventory::ReportLayout layout(options_.config, options_.source.bucket, state_.scan_start_ms);
    RemoteReportDestination destination(destination_pool_.get(), layout.destination_bucket(),
                                        options_.upload);
    ASSIGN_OR_RETURN(bool taken, inventory::MinuteTaken(destination, layout));
    if (!taken) return Status::OK();
    if (options_.report_time_ms != 0) {
      return Status::AlreadyExists(inventory::MinuteTakenReason(layout) +
                                   " Give another --run-time.");
    }
    std::fprintf(stderr,
                 "s3://%s/%s already holds a report of this configuration; waiting for the next "
                 "minute (a published report is never replaced)\n",
                 layout.destination_bucket().c_str(), layout.DatedFolderPrefix().c_str());
    int64_t next_minute_ms = inventory::NextReportMinuteMs(state_.scan_start_ms);
    int64_t now_ms = SystemClock::Default()->NowMillis();
    while (now_ms < next_minute_ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(next_minute_ms - now_ms));
      now_ms = SystemClock::Default()->NowMillis();
    }
    state_.scan_start_ms = now_ms;
    RETURN_IF_ERROR(checkpoint_->RecordScanStart(state_.scan_start_ms));
  }
}

std::string Scan::RenderProgress() {
  double elapsed = SecondsSince(start_);
  uint64_t rows = list_stats_.rows.load();
  auto counts = scheduler_->counts();
  std::string line = "scan " + options_.source.ToString() + ": " + WithThousands(rows) +
                     " objects, " +
                     WithThousands(static_cast<uint64_t>(elapsed > 0 ? rows / elapsed : 0)) +
                     " rows/s, " + FormatElapsed(elapsed) + " elapsed, partitions " +
                     std::to_string(counts.done) + "/" + std::to_string(counts.partitions);
  uint64_t retries = requests_.retries.load();
  if (retries > 0) line += ", " + WithThousands(retries) + " retries";
  return line;
}

Status Scan::ListAndWrite(RemoteReportWriter* writer) {
  ListerOptions lister_options;
  lister_options.bucket = options_.source.bucket;
  lister_options.scan_prefix = options_.source.prefix;
  lister_options.all_versions =
      options_.config.included_object_versions == inventory::IncludedObjectVersions::kAll;
  lister_options.fetch_owner = needs_.owner;
  lister_options.page_size = options_.page_size;
  lister_options.spool_dir = dirs_.spools;
  PartitionLister lister(lister_options, scheduler_.get(), enricher_.get(), &list_stats_);

  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(options_.concurrency, 1); ++i) {
    workers.emplace_back([&] {
      auto client = RemoteClient::Create(ClientOptions(options_.source_settings));
      if (!client.ok()) {
        scheduler_->Fail(client.status());
        return;
      }
      while (auto work = scheduler_->Take()) {
        Status st = lister.Run(**client, *work);
        if (!st.ok()) {
          scheduler_->Fail(st);
          return;
        }
      }
    });
  }
  // Feed finished partitions to the writer in key order while the others are listed.
  Status st;
  while (true) {
    auto next = scheduler_->NextDone();
    if (!next.ok()) {
      st = next.status();
      break;
    }
    if (!*next) break;
    st = FeedPartition(dirs_.spools, **next, writer);
    if (!st.ok()) {
      scheduler_->Fail(st);
      break;
    }
  }
  for (std::thread& t : workers) t.join();
  result_.listing_seconds = SecondsSince(start_);
  return st;
}

Result<ScanResult> Scan::Run() {
  Status st = Prepare();
  if (st.ok()) {
    ProgressLine progress(options_.progress, [this] { return RenderProgress(); });
    inventory::ExtractContext context;
    context.source_bucket = options_.source.bucket;
    context.bucket_object_lock_enabled = object_lock_;
    // Intelligent-Tiering tiers are aged from the scan start, as native ones from the snapshot.
    context.now_ms = state_.scan_start_ms;
    // Listings name owners by canonical id already (ObjectVersion::owner_account_id holds it).
    context.canonical_id_for_account = [](std::string_view id) { return id; };
    context.append_acl_grants = AppendStoredGrants;
    RemoteReportOptions report_options;
    report_options.max_rows_per_file = options_.max_rows_per_file;
    report_options.work_dir = dirs_.report;
    report_options.upload = options_.upload;
    RemoteReportWriter writer(options_.config, options_.source.bucket, state_.scan_start_ms,
                              std::move(context), report_options);
    st = ListAndWrite(&writer);
    progress.Stop();
    if (st.ok()) {
      auto published = options_.finish
                           ? options_.finish(writer, *destination_pool_)
                           : writer.Finish(destination_pool_.get(), [&](const auto& keys) {
                               return checkpoint_->RecordPublishing(keys);
                             });
      if (published.ok()) {
        result_.report = std::move(*published);
      } else {
        st = published.status();
      }
    }
  }
  if (scheduler_) {
    auto counts = scheduler_->counts();
    result_.partitions = counts.partitions;
    result_.splits = counts.splits;
  }
  result_.listed = list_stats_.rows.load();
  result_.requests = requests_.requests.load();
  result_.retries = requests_.retries.load();
  result_.throttled = requests_.throttled.load();
  result_.heads = enrich_stats_.heads.load();
  result_.acl_requests = enrich_stats_.acls.load();
  result_.vanished = enrich_stats_.vanished.load();
  result_.total_seconds = SecondsSince(start_);
  if (!st.ok()) {
    // A checkpointed scan keeps its spools for the rerun; a temporary one leaves nothing.
    if (dirs_.temporary) RemoveWorkDirs(dirs_);
    return st;
  }
  RETURN_IF_ERROR(checkpoint_->Remove());
  RemoveWorkDirs(dirs_);
  return result_;
}

}  // namespace

ScanIdentity IdentityOf(const ScanOptions& options) {
  ScanIdentity id;
  id.source = options.source.ToString();
  id.destination = options.destination.ToString();
  id.format = format::FileFormatName(options.config.destination.format);
  id.versions =
      std::string(inventory::IncludedObjectVersionsName(options.config.included_object_versions));
  for (inventory::FieldId f : options.config.optional_fields) {
    if (!id.fields.empty()) id.fields += ",";
    id.fields += inventory::GetField(f).xml_name;
  }
  id.id = options.config.id;
  return id;
}

Result<ScanResult> RunScan(const ScanOptions& options) {
  Scan scan(options);
  return scan.Run();
}

}  // namespace stocktake::scan
