#include "cli/scan_cmd.h"

#include <pthread.h>
#include <signal.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/time_format.h"
#include "inventory/config.h"
#include "scan/progress_line.h"
#include "scan/scan_job.h"
#include "scan/sharded_scan.h"

namespace stocktake::cli {
namespace {

struct ScanFlags {
  std::string source, destination, source_endpoint, destination_endpoint;
  std::string format, versions = "Current", fields, id = "stocktake-scan";
  std::string profile, source_profile, destination_profile;
  std::string region, source_region, destination_region;
  std::string checkpoint, temp_dir, progress = "auto";
  std::string ca_bundle;
  int concurrency = 8;
  int head_concurrency = 0;
  int page_size = 1000;
  uint64_t max_rows_per_file = 1'000'000;
  uint64_t multipart_threshold = uint64_t{64} << 20;
  uint64_t part_size = uint64_t{16} << 20;
  // Sharded scans (docs/sharded-scans.md).
  std::string run_time, shard;
  int plan_shards = 0;
  bool merge = false;
  int shards = 0;
};

// The step of a sharded scan the flags ask for.
struct ShardStep {
  enum class Kind { kNone, kPlan, kShard, kMerge } kind = Kind::kNone;
  int shard = 0;
  int shards = 0;
};

constexpr int kMaxShards = 10'000;

Result<ShardStep> ParseShardStep(const ScanFlags& flags) {
  ShardStep step;
  int steps = (flags.plan_shards != 0) + !flags.shard.empty() + flags.merge;
  if (steps > 1) {
    return Status::InvalidArgument(
        "--plan-shards, --shard and --merge are separate steps: give one");
  }
  if (flags.shards != 0 && !flags.merge) {
    return Status::InvalidArgument("--shards goes with --merge");
  }
  if (steps == 0) return step;
  if (flags.run_time.empty()) {
    return Status::InvalidArgument(
        "a sharded scan needs --run-time (e.g. 2026-12-01T01-00Z), the same for every step");
  }
  if (!flags.checkpoint.empty()) {
    return Status::InvalidArgument("--checkpoint does not go with a sharded scan (a shard reruns)");
  }
  if (flags.plan_shards != 0) {
    step.kind = ShardStep::Kind::kPlan;
    step.shards = flags.plan_shards;
  } else if (flags.merge) {
    step.kind = ShardStep::Kind::kMerge;
    step.shards = flags.shards;
    if (step.shards == 0) return Status::InvalidArgument("--merge needs --shards N");
  } else {
    step.kind = ShardStep::Kind::kShard;
    size_t slash = flags.shard.find('/');
    std::string i = flags.shard.substr(0, slash);
    std::string n = slash == std::string::npos ? "" : flags.shard.substr(slash + 1);
    auto digits = [](const std::string& t) {
      return !t.empty() && t.size() <= 5 && t.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digits(i) || !digits(n)) {
      return Status::InvalidArgument("--shard must be I/N, e.g. 3/8 (I from 0)");
    }
    step.shard = std::stoi(i);
    step.shards = std::stoi(n);
    if (step.shard >= step.shards) {
      return Status::InvalidArgument("--shard " + flags.shard + ": I must be below N");
    }
  }
  if (step.shards < 1 || step.shards > kMaxShards) {
    return Status::InvalidArgument("the number of shards must be between 1 and " +
                                   std::to_string(kMaxShards));
  }
  return step;
}

// Inventory configuration ids: 1-64 letters, digits, '_', '.', '-' (spec §2.3).
bool ValidId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::vector<inventory::FieldId>> ParseFields(const std::string& text) {
  std::vector<inventory::FieldId> fields;
  size_t pos = 0;
  while (pos <= text.size() && !text.empty()) {
    size_t comma = text.find(',', pos);
    std::string name =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    while (!name.empty() && name.front() == ' ') name.erase(name.begin());
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (!name.empty()) {
      auto id = inventory::OptionalFieldFromXmlName(name);
      if (!id) {
        std::string valid;
        for (const inventory::FieldInfo& f : inventory::AllFields()) {
          if (f.presence != inventory::FieldPresence::kOptional) continue;
          valid += (valid.empty() ? "" : ", ") + std::string(f.xml_name);
        }
        return Status::InvalidArgument("unknown field '" + name + "' (fields: " + valid + ")");
      }
      for (inventory::FieldId f : fields) {
        if (f == *id) return Status::InvalidArgument("field '" + name + "' given twice");
      }
      fields.push_back(*id);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  inventory::CanonicalizeOptionalFields(&fields);
  return fields;
}

std::optional<format::FileFormat> ParseFormat(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text == "csv") return format::FileFormat::kCsv;
  if (text == "orc") return format::FileFormat::kOrc;
  if (text == "parquet") return format::FileFormat::kParquet;
  return std::nullopt;
}

Result<scan::ScanOptions> BuildOptions(const ScanFlags& flags) {
  scan::ScanOptions options;
  ASSIGN_OR_RETURN(options.source, scan::ParseS3Location(flags.source));
  ASSIGN_OR_RETURN(options.destination, scan::ParseS3Location(flags.destination));
  // A destination "folder" is written as a prefix: s3://dst/inv/ means prefix "inv".
  while (!options.destination.prefix.empty() && options.destination.prefix.back() == '/') {
    options.destination.prefix.pop_back();
  }
  if (!ValidId(flags.id)) {
    return Status::InvalidArgument("--id must be 1 to 64 letters, digits, '_', '.' or '-'");
  }
  auto format = ParseFormat(flags.format);
  if (!format) return Status::InvalidArgument("--format must be CSV, Parquet or ORC");
  auto versions = inventory::ParseIncludedObjectVersions(flags.versions);
  if (!versions) return Status::InvalidArgument("--versions must be Current or All");

  inventory::InventoryConfiguration& config = options.config;
  config.id = flags.id;
  config.destination.bucket_arn = "arn:aws:s3:::" + options.destination.bucket;
  config.destination.format = *format;
  if (!options.destination.prefix.empty()) config.destination.prefix = options.destination.prefix;
  if (!options.source.prefix.empty()) config.filter_prefix = options.source.prefix;
  config.included_object_versions = *versions;
  ASSIGN_OR_RETURN(config.optional_fields, ParseFields(flags.fields));

  scan::Environment env = scan::Environment::Process();
  auto pick = [](const std::string& specific, const std::string& shared) {
    return specific.empty() ? shared : specific;
  };
  ASSIGN_OR_RETURN(
      options.source_settings,
      scan::ResolveAwsSettings({"source", pick(flags.source_profile, flags.profile),
                                flags.source_endpoint, pick(flags.source_region, flags.region)},
                               env));
  ASSIGN_OR_RETURN(options.destination_settings,
                   scan::ResolveAwsSettings(
                       {"destination", pick(flags.destination_profile, flags.profile),
                        flags.destination_endpoint, pick(flags.destination_region, flags.region)},
                       env));
  if (!flags.ca_bundle.empty()) {
    options.source_settings.ca_bundle = flags.ca_bundle;
    options.destination_settings.ca_bundle = flags.ca_bundle;
  }
  if (flags.concurrency < 1 || flags.concurrency > 256) {
    return Status::InvalidArgument("--concurrency must be between 1 and 256");
  }
  if (flags.page_size < 1 || flags.page_size > 1000) {
    return Status::InvalidArgument("--page-size must be between 1 and 1000");
  }
  if (flags.max_rows_per_file < 1) {
    return Status::InvalidArgument("--max-rows-per-file must be at least 1");
  }
  options.concurrency = flags.concurrency;
  options.head_concurrency = flags.head_concurrency;
  options.page_size = flags.page_size;
  options.checkpoint_path = flags.checkpoint;
  options.temp_dir = flags.temp_dir;
  options.max_rows_per_file = flags.max_rows_per_file;
  if (flags.part_size < (uint64_t{5} << 20)) {
    return Status::InvalidArgument("--part-size must be at least 5 MiB (5242880), the S3 minimum");
  }
  options.upload.multipart_threshold_bytes = flags.multipart_threshold;
  options.upload.part_size_bytes = flags.part_size;
  if (!flags.run_time.empty()) {
    auto ms = ParseInventoryFolder(flags.run_time);
    if (!ms) {
      return Status::InvalidArgument(
          "--run-time must be YYYY-MM-DDTHH-MMZ (UTC), e.g. "
          "2026-12-01T01-00Z, not '" +
          flags.run_time + "'");
    }
    options.report_time_ms = *ms;
  }
  options.progress = flags.progress == "always" ||
                     (flags.progress == "auto" && scan::ProgressLine::StderrIsTerminal());
  return options;
}

// On SIGINT/SIGTERM, says what becomes of the interrupted scan, then exits 128 + the signal. The
// checkpoint is crash-safe (fsynced per record, checkpoint.h), so the scan's threads need no
// orderly stop: a rerun continues from what the checkpoint holds.
void TellHowToResumeOnSignal(const std::string& checkpoint) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by the scan's threads
  std::thread([signals, checkpoint] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (checkpoint.empty()) {
      std::cerr << "\nstocktake: scan interrupted; nothing was published. Give it --checkpoint "
                   "FILE to make a scan resumable.\n";
    } else {
      std::cerr << "\nstocktake: scan interrupted; its progress is in " << checkpoint
                << ". Run the same command again (same --source, --destination, --format, "
                   "--versions, --fields and --checkpoint "
                << checkpoint << ") to resume where it stopped.\n";
    }
    std::_Exit(128 + signal_number);
  }).detach();
}

int RunShardStep(const ShardStep& step, const scan::ScanOptions& options) {
  std::string what = step.kind == ShardStep::Kind::kPlan    ? "plan"
                     : step.kind == ShardStep::Kind::kMerge ? "merge"
                                                            : "shard " + std::to_string(step.shard);
  auto fail = [&](const Status& st) {
    std::cerr << "stocktake: " << what << " of the sharded scan of " << options.source.ToString()
              << " failed: " << st.message() << "\n";
    return 1;
  };
  if (step.kind == ShardStep::Kind::kPlan) {
    auto r = scan::PlanShards(options, step.shards);
    if (!r.ok()) return fail(r.status());
    std::printf("%s plan of %d shards for run %s (%llu keys sampled): %s\n",
                r->reused ? "kept the" : "wrote a", r->plan.shards, r->plan.run_time.c_str(),
                static_cast<unsigned long long>(r->plan.sampled_keys), r->plan_key.c_str());
    return 0;
  }
  if (step.kind == ShardStep::Kind::kShard) {
    auto r = scan::RunShard(options, step.shard, step.shards);
    if (!r.ok()) return fail(r.status());
    double rate = r->listing_seconds > 0 ? static_cast<double>(r->listed) / r->listing_seconds : 0;
    std::printf(
        "shard %d/%d: %llu rows, %llu files, %llu bytes; listed %llu versions in %.2f s "
        "(%.0f objects/s), %zu partitions (%zu splits), %llu requests, %llu retries\n",
        step.shard, step.shards, static_cast<unsigned long long>(r->report.rows),
        static_cast<unsigned long long>(r->report.files),
        static_cast<unsigned long long>(r->report.bytes),
        static_cast<unsigned long long>(r->listed), r->listing_seconds, rate, r->partitions,
        r->splits, static_cast<unsigned long long>(r->requests),
        static_cast<unsigned long long>(r->retries));
    std::printf("record s3://%s/%s\n", options.destination.bucket.c_str(),
                r->report.manifest_key.c_str());
    return 0;
  }
  auto r = scan::MergeShards(options, step.shards);
  if (!r.ok()) return fail(r.status());
  std::printf("merged %d shards: %llu rows, %llu files, %llu bytes\n", step.shards,
              static_cast<unsigned long long>(r->rows), static_cast<unsigned long long>(r->files),
              static_cast<unsigned long long>(r->bytes));
  std::printf("manifest s3://%s/%s\n", options.destination.bucket.c_str(), r->manifest_key.c_str());
  return 0;
}

int RunScanCommand(const ScanFlags& flags) {
  auto options = BuildOptions(flags);
  auto step = ParseShardStep(flags);
  if (!options.ok() || !step.ok()) {
    std::cerr << "stocktake: " << (options.ok() ? step.status() : options.status()).message()
              << "\n";
    return 2;
  }
  if (step->kind != ShardStep::Kind::kNone) return RunShardStep(*step, *options);
  TellHowToResumeOnSignal(flags.checkpoint);
  auto result = scan::RunScan(*options);
  if (!result.ok()) {
    std::cerr << "stocktake: scan of " << options->source.ToString()
              << " failed: " << result.status().message() << "\n";
    if (!flags.checkpoint.empty()) {
      std::cerr << "stocktake: rerun with --checkpoint " << flags.checkpoint
                << " to continue where it stopped\n";
    }
    return 1;
  }
  const scan::ScanResult& r = *result;
  double rate = r.listing_seconds > 0 ? static_cast<double>(r.listed) / r.listing_seconds : 0;
  std::printf(
      "scan of %s: %llu rows, %llu files, %llu bytes; listed %llu versions in %.2f s "
      "(%.0f objects/s), %zu partitions (%zu splits, %zu from the checkpoint), %llu requests, "
      "%llu retries, %llu HEAD, %llu GetObjectAcl\n",
      options->source.ToString().c_str(), static_cast<unsigned long long>(r.report.rows),
      static_cast<unsigned long long>(r.report.files),
      static_cast<unsigned long long>(r.report.bytes), static_cast<unsigned long long>(r.listed),
      r.listing_seconds, rate, r.partitions, r.splits, r.partitions_reused,
      static_cast<unsigned long long>(r.requests), static_cast<unsigned long long>(r.retries),
      static_cast<unsigned long long>(r.heads), static_cast<unsigned long long>(r.acl_requests));
  // The form `stocktake report` and `aws s3 cp` take.
  std::printf("manifest s3://%s/%s\n", options->destination.bucket.c_str(),
              r.report.manifest_key.c_str());
  return 0;
}

}  // namespace

void AddInventoryScanCommand(CLI::App* inventory) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* scan = inventory->add_subcommand(
      "scan",
      "Write an AWS-format inventory report of a bucket on any S3 store, by parallel "
      "listing, into any S3 destination");
  scan->add_option("--source", flags->source, "s3://BUCKET[/PREFIX] to report on")->required();
  scan->add_option("--source-endpoint", flags->source_endpoint,
                   "Source store URL (default $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, the "
                   "profile's endpoint_url)");
  scan->add_option("--destination", flags->destination, "s3://BUCKET[/PREFIX] receiving the report")
      ->required();
  scan->add_option("--destination-endpoint", flags->destination_endpoint,
                   "Destination store URL (same defaults as --source-endpoint)");
  scan->add_option("--format", flags->format, "CSV, Parquet or ORC")->required();
  scan->add_option("--versions", flags->versions, "Current or All")->capture_default_str();
  scan->add_option("--fields", flags->fields,
                   "Optional fields, comma-separated (Size,LastModifiedDate,ETag,...)");
  scan->add_option("--id", flags->id, "Report id (the configuration id of a native report)")
      ->capture_default_str();
  scan->add_option("--concurrency", flags->concurrency, "Listing requests in flight")
      ->capture_default_str();
  scan->add_option("--head-concurrency", flags->head_concurrency,
                   "HEAD/GetObjectAcl requests in flight (default 4 x --concurrency, max 64)");
  scan->add_option("--checkpoint", flags->checkpoint,
                   "Journal file making the scan resumable: rerun with it to continue");
  scan->add_option("--ca-bundle", flags->ca_bundle,
                   "https endpoints: PEM file of the CAs to trust (default $AWS_CA_BUNDLE, the "
                   "profile's ca_bundle, else the system store)");
  scan->add_option("--profile", flags->profile, "AWS profile for both sides");
  scan->add_option("--source-profile", flags->source_profile, "AWS profile of the source");
  scan->add_option("--destination-profile", flags->destination_profile,
                   "AWS profile of the destination");
  scan->add_option("--region", flags->region, "Region for both sides (default: AWS chain)");
  scan->add_option("--source-region", flags->source_region, "Region of the source");
  scan->add_option("--destination-region", flags->destination_region, "Region of the destination");
  scan->add_option("--max-rows-per-file", flags->max_rows_per_file,
                   "Rows per data file (split at key boundaries)")
      ->capture_default_str();
  scan->add_option("--page-size", flags->page_size, "max-keys of listing requests (1-1000)")
      ->capture_default_str();
  scan->add_option("--multipart-threshold", flags->multipart_threshold,
                   "Data files above this many bytes are sent by multipart upload")
      ->capture_default_str();
  scan->add_option("--part-size", flags->part_size, "Bytes per part of a multipart upload")
      ->capture_default_str();
  scan->add_option("--temp-dir", flags->temp_dir,
                   "Where work files go without --checkpoint (default $TMPDIR or /tmp)");
  scan->add_option("--progress", flags->progress, "Progress line on stderr: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  scan->add_option("--run-time", flags->run_time,
                   "The report's minute and dated folder, YYYY-MM-DDTHH-MMZ (UTC): names a run, "
                   "the same for each of its steps");
  scan->add_option("--plan-shards", flags->plan_shards,
                   "Sharded scan, step 1: sample the source and write a plan of N key ranges");
  scan->add_option("--shard", flags->shard,
                   "Step 2: scan range I (from 0) of the N of the plan, upload its data files "
                   "and its completion record");
  scan->add_flag("--merge", flags->merge,
                 "Step 3: once the --shards N shards completed, publish the report");
  scan->add_option("--shards", flags->shards, "Shards of the run (with --merge)");
  scan->callback([flags]() { std::exit(RunScanCommand(*flags)); });
}

}  // namespace stocktake::cli
