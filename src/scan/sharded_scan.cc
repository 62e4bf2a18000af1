#include "scan/sharded_scan.h"

#include <algorithm>

#include "common/time_format.h"
#include "inventory/report_assembly.h"
#include "scan/remote_report_writer.h"

namespace stocktake::scan {
namespace {

// A data file a shard uploaded: published in place, so the merge has nothing to send or delete.
class UploadedDataFile final : public inventory::PendingDataFile {
 public:
  explicit UploadedDataFile(const inventory::ManifestFile& entry) : entry_(entry) {}
  io::OutputStream* stream() override { return nullptr; }
  uint64_t size() const override { return entry_.size; }
  std::string md5_hex() const override { return entry_.md5_hex; }
  void Abandon() override {}

 private:
  inventory::ManifestFile entry_;
};

// The destination of a merge: the data files are the shards' uploads, checked to be there and
// never deleted by a failed publication (a rerun of the merge uses them again).
class ShardFilesDestination final : public inventory::ReportDestination {
 public:
  ShardFilesDestination(RemoteReportDestination* remote, ClientPool* pool, std::string bucket)
      : remote_(remote), pool_(pool), bucket_(std::move(bucket)) {}
  Result<bool> Exists(const std::string& key) override { return remote_->Exists(key); }
  Status PutDataFiles(std::vector<inventory::AssembledFile>& files, std::string_view,
                      std::vector<std::string>*) override {
    return pool_->ParallelFor(files.size(), [&](RemoteClient& client, size_t i) {
      const std::string& key = files[i].entry.key;
      ASSIGN_OR_RETURN(bool exists, ObjectExists(client, bucket_, key));
      if (!exists) {
        return Status::NotFound("data file s3://" + bucket_ + "/" + key +
                                " of a completed shard is missing");
      }
      return Status::OK();
    });
  }
  Status PutBytes(const std::string& key, std::string_view bytes,
                  std::string_view content_type) override {
    return remote_->PutBytes(key, bytes, content_type);
  }
  Status Delete(const std::string& key) override { return remote_->Delete(key); }

 private:
  RemoteReportDestination* remote_;
  ClientPool* pool_;
  std::string bucket_;
};

// One step of a run: its report layout and the clients of the destination.
class Step {
 public:
  static Result<Step> Open(const ScanOptions& options) {
    if (options.report_time_ms == 0) {
      return Status::InvalidArgument("a sharded scan needs --run-time");
    }
    ASSIGN_OR_RETURN(auto pool, ClientPool::Create(std::min(options.concurrency, 8),
                                                   RemoteClientOptions{options.destination_settings,
                                                                       options.retry, nullptr}));
    RETURN_IF_ERROR(pool->ParallelFor(1, [&](RemoteClient& client, size_t) {
      return CheckBucket(client, options.destination.bucket, "destination");
    }));
    return Step(options, std::move(pool));
  }

  const inventory::ReportLayout& layout() const { return layout_; }
  ClientPool& pool() { return *pool_; }
  RemoteReportDestination& destination() { return destination_; }
  std::string Uri(const std::string& key) const { return layout_.S3Uri(key); }
  std::string RunTime() const { return FormatInventoryFolder(layout_.scan_start_ms()); }

  Result<std::optional<std::string>> Get(const std::string& key) {
    std::optional<std::string> body;
    RETURN_IF_ERROR(pool_->ParallelFor(1, [&](RemoteClient& client, size_t) {
      s3::S3Call call;
      call.bucket = layout_.destination_bucket();
      call.key = key;
      ASSIGN_OR_RETURN(auto r, client.Send(call));
      if (r.status == 404) return Status::OK();
      if (r.status != 200) return Status::Unavailable(DescribeResponse(call, r));
      body = std::move(r.body);
      return Status::OK();
    }));
    return body;
  }

  Status PutJson(const std::string& key, const std::string& json) {
    return destination_.PutBytes(key, json, "application/json");
  }

  // A published report is never replaced, and the files under it never change.
  Status CheckNotPublished() {
    ASSIGN_OR_RETURN(bool taken, inventory::MinuteTaken(destination_, layout_));
    if (taken) return Status::AlreadyExists(inventory::MinuteTakenReason(layout_));
    return Status::OK();
  }

  // The plan of the run, which must be of this scan and `shards` shards.
  Result<ShardPlan> ReadPlan(int shards) {
    std::string key = ShardPlanKey(layout_);
    ASSIGN_OR_RETURN(auto text, Get(key));
    if (!text) {
      return Status::NotFound("no shard plan at " + Uri(key) + ": run --plan-shards " +
                              std::to_string(shards) + " --run-time " + RunTime() + " first");
    }
    ASSIGN_OR_RETURN(ShardPlan plan, ParseShardPlan(*text));
    if (plan.identity != identity_ || plan.shards != shards) {
      return Status::FailedPrecondition(
          "the shard plan at " + Uri(key) + " is of " + std::to_string(plan.shards) +
          " shards of " + plan.identity.source + " as " + plan.identity.format + ", fields '" +
          plan.identity.fields + "': run every step of a run with the same options");
    }
    return plan;
  }

  const ScanIdentity& identity() const { return identity_; }

 private:
  Step(const ScanOptions& options, std::unique_ptr<ClientPool> pool)
      : layout_(options.config, options.source.bucket, options.report_time_ms),
        identity_(IdentityOf(options)),
        pool_(std::move(pool)),
        destination_(pool_.get(), layout_.destination_bucket(), options.upload) {}

  inventory::ReportLayout layout_;
  ScanIdentity identity_;
  std::unique_ptr<ClientPool> pool_;
  RemoteReportDestination destination_;
};

std::string ShardName(int shard, int shards) {
  return "shard " + std::to_string(shard) + "/" + std::to_string(shards);
}

// Uploads a shard's data files (listed in its record first), deletes those of earlier attempts,
// and records the shard complete.
Result<PublishedReport> FinishShard(Step& step, ShardRecord& record, RemoteReportWriter& writer) {
  // Shard 0 makes a data file even without rows, so a report without rows still has one.
  ASSIGN_OR_RETURN(auto files, writer.FinishDataFiles(/*at_least_one_file=*/record.shard == 0));
  for (const inventory::AssembledFile& f : files) record.files.push_back(f.entry);
  record.state = ShardRecord::State::kUploading;
  const std::string key = ShardRecordKey(step.layout(), record.shard);
  RETURN_IF_ERROR(step.PutJson(key, ShardRecordJson(record)));
  std::vector<std::string> written;
  Status st = step.destination().PutDataFiles(
      files, inventory::DataFileContentType(step.layout().format()), &written);
  for (inventory::AssembledFile& f : files) f.file->Abandon();
  RETURN_IF_ERROR(st);
  RETURN_IF_ERROR(
      step.pool().ParallelFor(record.stale_files.size(), [&](RemoteClient& c, size_t i) {
        return DeleteObject(c, step.layout().destination_bucket(), record.stale_files[i]);
      }));
  record.stale_files.clear();
  record.state = ShardRecord::State::kComplete;
  record.rows = writer.rows();
  record.composition_json = writer.composition().ToJson();
  RETURN_IF_ERROR(step.PutJson(key, ShardRecordJson(record)));
  PublishedReport report;
  report.manifest_key = key;
  report.rows = record.rows;
  report.files = record.files.size();
  for (const inventory::ManifestFile& f : record.files) report.bytes += f.size;
  return report;
}

}  // namespace

Result<PlanResult> PlanShards(const ScanOptions& options, int shards) {
  ASSIGN_OR_RETURN(Step step, Step::Open(options));
  PlanResult result;
  result.plan_key = ShardPlanKey(step.layout());
  ASSIGN_OR_RETURN(auto existing, step.Get(result.plan_key));
  if (existing) {
    ASSIGN_OR_RETURN(result.plan, step.ReadPlan(shards));
    result.reused = true;
    return result;
  }
  RETURN_IF_ERROR(step.CheckNotPublished());
  ASSIGN_OR_RETURN(auto source, ClientPool::Create(std::min(options.concurrency, 16),
                                                   RemoteClientOptions{options.source_settings,
                                                                       options.retry, nullptr}));
  RETURN_IF_ERROR(source->ParallelFor(1, [&](RemoteClient& client, size_t) {
    return CheckBucket(client, options.source.bucket, "source");
  }));
  ASSIGN_OR_RETURN(ShardRanges ranges,
                   PlanShardRanges(*source, options.source.bucket, options.source.prefix, shards));
  ShardPlan& plan = result.plan;
  plan.identity = step.identity();
  plan.run_time = step.RunTime();
  plan.shards = shards;
  plan.ranges = std::move(ranges.ranges);
  plan.estimated_keys = std::move(ranges.estimated_keys);
  plan.sampled_keys = ranges.sampled_keys;
  RETURN_IF_ERROR(step.PutJson(result.plan_key, ShardPlanJson(plan)));
  return result;
}

Result<ScanResult> RunShard(const ScanOptions& options, int shard, int shards) {
  ASSIGN_OR_RETURN(Step step, Step::Open(options));
  ASSIGN_OR_RETURN(ShardPlan plan, step.ReadPlan(shards));
  RETURN_IF_ERROR(step.CheckNotPublished());
  ShardRecord record;
  record.identity = step.identity();
  record.run_time = plan.run_time;
  record.shard = shard;
  record.shards = shards;
  record.range = plan.ranges[shard];
  const std::string key = ShardRecordKey(step.layout(), shard);
  ASSIGN_OR_RETURN(auto previous, step.Get(key));
  if (previous) {
    // An earlier attempt: its files (uploaded or not) go once this attempt's are up.
    ASSIGN_OR_RETURN(ShardRecord old, ParseShardRecord(*previous));
    record.stale_files = std::move(old.stale_files);
    for (const inventory::ManifestFile& f : old.files) record.stale_files.push_back(f.key);
  }
  RETURN_IF_ERROR(step.PutJson(key, ShardRecordJson(record)));

  ScanOptions shard_options = options;
  shard_options.range = record.range;
  shard_options.finish = [&](RemoteReportWriter& writer, ClientPool&) {
    return FinishShard(step, record, writer);
  };
  auto result = RunScan(shard_options);
  if (!result.ok()) {
    record.state = ShardRecord::State::kFailed;
    record.error = result.status().message();
    step.PutJson(key, ShardRecordJson(record)).IgnoreError();
  }
  return result;
}

Result<PublishedReport> MergeShards(const ScanOptions& options, int shards) {
  ASSIGN_OR_RETURN(Step step, Step::Open(options));
  ASSIGN_OR_RETURN(ShardPlan plan, step.ReadPlan(shards));
  RETURN_IF_ERROR(step.CheckNotPublished());
  std::vector<std::optional<std::string>> texts;
  for (int i = 0; i < shards; ++i) {
    ASSIGN_OR_RETURN(auto text, step.Get(ShardRecordKey(step.layout(), i)));
    texts.push_back(std::move(text));
  }

  std::vector<std::string> problems;
  std::vector<inventory::AssembledFile> files;
  inventory::ReportComposition composition(step.layout().scan_start_ms());
  PublishedReport report;
  for (int i = 0; i < shards; ++i) {
    std::string name = ShardName(i, shards);
    if (!texts[i]) {
      problems.push_back(name + " has not run (no record at " +
                         step.Uri(ShardRecordKey(step.layout(), i)) + ")");
      continue;
    }
    auto record = ParseShardRecord(*texts[i]);
    if (!record.ok()) {
      problems.push_back(name + ": unreadable record: " + record.status().message());
      continue;
    }
    if (record->identity != step.identity() || record->shards != shards ||
        record->range.lo != plan.ranges[i].lo || record->range.hi != plan.ranges[i].hi) {
      problems.push_back(name + " was run with other options or another plan: rerun it");
      continue;
    }
    switch (record->state) {
      case ShardRecord::State::kComplete:
        break;
      case ShardRecord::State::kFailed:
        problems.push_back(name + " failed: " + record->error);
        continue;
      default:
        problems.push_back(name + " has not finished (state " +
                           std::string(ShardStateName(record->state)) +
                           "): still running, or stopped: rerun it");
        continue;
    }
    report.rows += record->rows;
    auto part = inventory::ReportComposition::FromJson(record->composition_json);
    if (!part.ok()) {
      problems.push_back(name + ": unreadable composition in its record");
      continue;
    }
    composition.Merge(std::move(*part));
    for (const inventory::ManifestFile& f : record->files) {
      report.bytes += f.size;
      files.push_back({f, std::make_unique<UploadedDataFile>(f)});
    }
  }
  if (!problems.empty()) {
    std::string message = "cannot merge run " + plan.run_time + ": ";
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    if (message.back() != '.') message += '.';
    return Status::FailedPrecondition(message + " Nothing was published.");
  }
  inventory::Manifest manifest =
      inventory::BuildReportManifest(step.layout(), inventory::BuildSchema(options.config), files);
  ShardFilesDestination destination(&step.destination(), &step.pool(),
                                    step.layout().destination_bucket());
  RETURN_IF_ERROR(
      inventory::PublishReport(destination, step.layout(), manifest, composition.ToJson(), files));
  report.manifest_key = step.layout().ManifestKey();
  report.files = manifest.files.size();
  return report;
}

}  // namespace stocktake::scan
