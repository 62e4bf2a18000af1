// inventory_bench: the benchmark of record for inventory reports (issues 4 and 8).
//
//   1. load   fills bucket `bench-source` (versioning on) of a fresh data directory with N
//             synthetic objects (bench/synthetic_objects.h: nested keys of 20-200 bytes, ~60 on
//             average, some versions and delete markers) through store::BulkLoadForBenchmark
//             in batches of 100,000 versions, then flushes and compacts (steady-state metadata
//             bytes per object).
//   2. floors scan only: iterate the snapshot (ObjectStore::NewSnapshotScans, one thread per
//             part, as the report splits it), no encoding;
//             scan + extract: also turn each version into a row batch (RowExtractor), no writer;
//             compress only: gzip the report's own CSV bytes (decompressed first, untimed) with
//             io::GzipOutputStream (ISA-L igzip, the report's compressor) into a null sink.
//   3. report inventory::RunReport for each format (CSV.gz, Parquet, ORC), fields Size,
//             LastModifiedDate, ETag, StorageClass, into bucket `bench-reports` of the same owner.
//   4. walk   the baseline: `stocktake serve` on the same data directory and a ListObjectsV2 walk
//             (pages of 1000, one connection: each page needs the previous token) of the same
//             bucket; above --walk-full-max keys, a sample of pages spread over the key space,
//             extrapolated to the whole bucket (the table says so); then the same walk with
//             the real aws CLI (`aws s3api list-objects-v2`), the walk people run, sampled in 5
//             windows above --walk-full-max keys.
// Every phase except the walk runs in its own child process (this binary, re-executed with
// --phase), so peak RSS is per phase: getrusage ru_maxrss of the child, VmHWM at its end, and the
// peak of VmRSS sampled every 20 ms during the measured part only.
//
// It prints one table and one JSON line. Rows/s of a report = rows written / wall seconds.
#include <sys/resource.h>
#include <unistd.h>
#include <zlib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "aws_cli.h"
#include "bench_util.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/malloc_tuning.h"
#include "format/row_batch.h"
#include "inventory/config.h"
#include "inventory/fields.h"
#include "inventory/manifest.h"
#include "inventory/report_job.h"
#include "inventory/run_record.h"
#include "io/file.h"
#include "io/output_stream.h"
#include "s3client/s3_client.h"
#include "store/benchmark_hooks.h"
#include "synthetic_objects.h"

namespace stocktake::bench {
namespace {

using nlohmann::json;

constexpr const char* kSourceBucket = "bench-source";
constexpr const char* kReportBucket = "bench-reports";
constexpr const char* kAccountId = "100000000002";
constexpr const char* kMarkerFile = "inventory-bench.json";  // in the data dir: what was loaded

struct Flags {
  uint64_t objects = 1'000'000;
  std::string formats = "csv,parquet,orc";
  std::string versions = "current";
  std::string data_dir;
  std::string tmp_dir;
  std::string stocktake_bin;
  bool keep_data_dir = false;
  bool no_compact = false;
  bool skip_walk = false;
  bool load_only = false;
  uint64_t max_rows_per_file = 1'000'000;
  int threads = 0;  // of the scans and reports; 0 = one per core
  uint64_t walk_full_max = 1'000'000;
  uint64_t walk_sample_pages = 200;
  std::string aws_bin = "aws";
  uint64_t cli_walk_sample_pages = 1000;
  // Internal: the phase a child runs.
  std::string phase;
  std::string format;
  std::string manifest_key;
  std::string access_key;
  std::string secret_key;
};

int Fail(const Status& st) {
  std::cerr << "inventory_bench: " << st.ToString() << "\n";
  return 1;
}

void PrintResult(const json& j) { std::printf("RESULT %s\n", j.dump().c_str()); }

Result<std::unique_ptr<store::ObjectStore>> OpenStore(const std::string& dir) {
  store::StoreOptions options;
  options.data_dir = dir;
  return store::ObjectStore::Open(options);
}

// ---- Child phases --------------------------------------------------------------------------

Status LoadPhase(const Flags& flags) {
  RETURN_IF_ERROR(io::CreateDirectories(flags.data_dir));
  store::StoreOptions options;
  options.data_dir = flags.data_dir;
  options.sync_writes = false;
  ASSIGN_OR_RETURN(auto st, store::ObjectStore::Open(options));
  RETURN_IF_ERROR(CreateBenchAccount(st.get(), {kAccountId, "bench", flags.access_key,
                                                flags.secret_key, kSourceBucket, kReportBucket}));

  SyntheticObjects gen(flags.objects, kSourceBucket, kAccountId);
  uint64_t versions = 0, delete_markers = 0, current = 0, key_bytes = 0;
  uint64_t key_min = UINT64_MAX, key_max = 0;
  std::string previous_key;
  auto start = SteadyClock::now();
  RETURN_IF_ERROR(BulkLoad(st.get(), gen, [&](uint64_t i, auto object_versions) {
    const std::string& key = object_versions.front().key;
    if (i > 0 && !(previous_key < key)) {
      return Status::Internal("synthetic keys are not increasing at " + std::to_string(i));
    }
    previous_key = key;
    key_bytes += key.size();
    key_min = std::min<uint64_t>(key_min, key.size());
    key_max = std::max<uint64_t>(key_max, key.size());
    versions += object_versions.size();
    if (object_versions.back().is_delete_marker) {
      ++delete_markers;
    } else {
      ++current;
    }
    if ((i + 1) % 10'000'000 == 0) {
      std::cerr << "inventory_bench: loaded " << WithThousands(i + 1) << " objects, "
                << Fixed(SecondsSince(start), 1) << " s\n";
    }
    return Status::OK();
  }));
  double load_seconds = SecondsSince(start);
  start = SteadyClock::now();
  ASSIGN_OR_RETURN(store::StoreStats stats, store::GetStatsForBenchmark(*st, !flags.no_compact));
  double compact_seconds = SecondsSince(start);
  st.reset();
  json j = {{"objects", flags.objects},
            {"versions", versions},
            {"delete_markers", delete_markers},
            {"current_objects", current},
            {"key_bytes_avg", static_cast<double>(key_bytes) / flags.objects},
            {"key_bytes_min", key_min},
            {"key_bytes_max", key_max},
            {"load_seconds", load_seconds},
            {"compacted", !flags.no_compact},
            {"compact_seconds", compact_seconds},
            {"metadata_sst_bytes", stats.metadata_sst_bytes},
            {"metadata_dir_bytes", stats.metadata_dir_bytes},
            {"max_rss_kib", MaxRssKiB()}};
  PrintResult(j);
  return Status::OK();
}

// Flush + full compaction outside any measurement: every store open turns the previous process's
// WAL into a small L0 file, and the fourth one triggers an L0 -> base-level compaction that would
// land inside whichever phase runs then (on a reused data directory).
Status SettlePhase(const Flags& flags) {
  ASSIGN_OR_RETURN(auto st, OpenStore(flags.data_dir));
  auto start = SteadyClock::now();
  ASSIGN_OR_RETURN(store::StoreStats stats, store::GetStatsForBenchmark(*st, true));
  json j = {{"seconds", SecondsSince(start)}, {"metadata_sst_bytes", stats.metadata_sst_bytes}};
  PrintResult(j);
  return Status::OK();
}

inventory::InventoryConfiguration BenchConfig(format::FileFormat format,
                                              const std::string& versions) {
  inventory::InventoryConfiguration config;
  // One configuration per format and process: a configuration gets one report per minute, and
  // benchmark runs on a kept data directory come seconds apart.
  config.id =
      std::string("bench-") + format::FileFormatName(format) + "-" + std::to_string(::getpid());
  config.destination.bucket_arn = std::string("arn:aws:s3:::") + kReportBucket;
  config.destination.format = format;
  config.destination.prefix = "inventory";
  config.included_object_versions = versions == "all" ? inventory::IncludedObjectVersions::kAll
                                                      : inventory::IncludedObjectVersions::kCurrent;
  config.optional_fields = {inventory::FieldId::kSize, inventory::FieldId::kLastModifiedDate,
                            inventory::FieldId::kETag, inventory::FieldId::kStorageClass};
  return config;
}

format::FileFormat ParseFormat(const std::string& name) {
  if (name == "parquet") return format::FileFormat::kParquet;
  if (name == "orc") return format::FileFormat::kOrc;
  return format::FileFormat::kCsv;
}

// What every measured child reports about itself besides its own figures.
void AddProcessFigures(json* j, double seconds, double cpu_before, uint64_t sampled_peak_kib) {
  (*j)["seconds"] = seconds;
  (*j)["cpu_seconds"] = ProcessCpuSeconds() - cpu_before;
  (*j)["sampled_peak_rss_kib"] = sampled_peak_kib;
  (*j)["vm_hwm_kib"] = ReadProcessMemory().hwm;
  (*j)["max_rss_kib"] = MaxRssKiB();
  (*j)["load1"] = LoadAverage1();
}

// Scan only, or scan + extract (RowExtractor into bounded RowBatches, as the report job does),
// one thread per part of the snapshot, as the report job splits it.
Status ScanPhase(const Flags& flags, bool extract) {
  ASSIGN_OR_RETURN(auto st, OpenStore(flags.data_dir));
  ASSIGN_OR_RETURN(store::Bucket source, st->GetBucket(kSourceBucket));
  inventory::InventoryConfiguration config = BenchConfig(format::FileFormat::kCsv, flags.versions);
  inventory::ReportJobOptions job_options;
  job_options.threads = flags.threads;
  struct PartCounts {
    uint64_t rows_in = 0, rows_out = 0, checksum = 0;
  };
  auto scan_part = [&](store::SnapshotScan& scan, PartCounts* counts) {
    inventory::ExtractContext context;
    context.source_bucket = source.name;
    inventory::RowExtractor extractor(config, context);
    format::RowBatch batch(extractor.schema().size());
    store::ObjectVersion v;
    while (scan.Next(&v)) {
      ++counts->rows_in;
      counts->checksum += v.key.size() + v.size;
      if (!extract) {
        if (v.is_latest && !v.is_delete_marker) ++counts->rows_out;
        continue;
      }
      if (!extractor.Includes(v)) continue;
      extractor.Append(v, &batch);
      ++counts->rows_out;
      if (batch.num_rows() >= 4096) batch.Clear();
    }
  };
  RssSampler sampler;
  sampler.Start();
  double cpu_before = ProcessCpuSeconds();
  auto start = SteadyClock::now();
  ASSIGN_OR_RETURN(auto scans, st->NewSnapshotScans(kSourceBucket, "", job_options.Threads()));
  std::vector<PartCounts> counts(scans.size());
  {
    std::vector<std::jthread> threads;
    for (size_t i = 0; i < scans.size(); ++i) {
      threads.emplace_back(scan_part, std::ref(*scans[i]), &counts[i]);
    }
  }
  PartCounts total;
  for (size_t i = 0; i < scans.size(); ++i) {
    RETURN_IF_ERROR(scans[i]->status());
    total.rows_in += counts[i].rows_in;
    total.rows_out += counts[i].rows_out;
    total.checksum += counts[i].checksum;
  }
  double seconds = SecondsSince(start);
  uint64_t peak = sampler.Stop();
  json j = {{"rows_in", total.rows_in},
            {"rows_out", total.rows_out},
            {"checksum", total.checksum},
            {"parts", scans.size()}};
  AddProcessFigures(&j, seconds, cpu_before, peak);
  // What RocksDB holds after a full scan: the part of a scan's memory that grows with the store.
  ASSIGN_OR_RETURN(store::StoreStats stats, store::GetStatsForBenchmark(*st, false));
  j["rocksdb"] = {{"sst_files", stats.metadata_sst_files},
                  {"table_readers_mib", std::stod(Mib(stats.table_reader_bytes))},
                  {"block_cache_mib", std::stod(Mib(stats.block_cache_bytes))},
                  {"block_cache_pinned_mib", std::stod(Mib(stats.block_cache_pinned_bytes))}};
  PrintResult(j);
  return Status::OK();
}

Status ReportPhase(const Flags& flags) {
  ASSIGN_OR_RETURN(auto st, OpenStore(flags.data_dir));
  ASSIGN_OR_RETURN(store::Bucket source, st->GetBucket(kSourceBucket));
  inventory::InventoryConfiguration config = BenchConfig(ParseFormat(flags.format), flags.versions);
  inventory::ReportJobOptions options;
  options.max_rows_per_file = flags.max_rows_per_file;
  options.threads = flags.threads;
  inventory::RunRecord run;
  run.run_id = inventory::NewRunId(SystemClock::Default()->NowMillis());
  run.bucket = source.name;
  run.config_id = config.id;
  RssSampler sampler;
  sampler.Start();
  double cpu_before = ProcessCpuSeconds();
  auto start = SteadyClock::now();
  Status status = inventory::RunReport(*st, options, config, source, &run, {});
  double seconds = SecondsSince(start);
  uint64_t peak = sampler.Stop();
  RETURN_IF_ERROR(status);
  json j = {{"format", flags.format},
            {"rows_out", run.rows},
            {"bytes", run.bytes},
            {"files", run.files},
            {"manifest_key", run.manifest_key}};
  AddProcessFigures(&j, seconds, cpu_before, peak);
  PrintResult(j);
  return Status::OK();
}

class NullOutputStream final : public io::OutputStream {
 public:
  Status Write(std::string_view data) override {
    bytes_ += data.size();
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

Result<std::string> ReadObject(store::ObjectStore& st, const std::string& key) {
  ASSIGN_OR_RETURN(store::ObjectVersion v, st.GetObject(kReportBucket, key, std::nullopt));
  ASSIGN_OR_RETURN(auto reader, st.OpenObjectData(v, 0, UINT64_MAX));
  std::string out;
  while (true) {
    ASSIGN_OR_RETURN(std::string_view chunk, reader->Read(1 << 20));
    if (chunk.empty()) break;
    out.append(chunk);
  }
  return out;
}

// Compress only: the CSV bytes of the report (inflated, untimed) through the report's gzip stream
// into a null sink (timed), one gzip stream per data file as the report writes them.
Status CompressPhase(const Flags& flags) {
  ASSIGN_OR_RETURN(auto st, OpenStore(flags.data_dir));
  ASSIGN_OR_RETURN(std::string manifest_json, ReadObject(*st, flags.manifest_key));
  ASSIGN_OR_RETURN(inventory::Manifest manifest, inventory::ParseManifestJson(manifest_json));
  RssSampler sampler;
  sampler.Start();
  double compress_seconds = 0, total_start_cpu = ProcessCpuSeconds();
  auto wall_start = SteadyClock::now();
  uint64_t csv_bytes = 0, gz_bytes = 0;
  std::vector<char> inflated(4 << 20);
  for (const inventory::ManifestFile& file : manifest.files) {
    ASSIGN_OR_RETURN(store::ObjectVersion v, st->GetObject(kReportBucket, file.key, std::nullopt));
    ASSIGN_OR_RETURN(auto reader, st->OpenObjectData(v, 0, UINT64_MAX));
    NullOutputStream sink;
    io::GzipOutputStream gzip(&sink);
    z_stream zs{};
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Status::Internal("inflateInit2");
    bool done = false;
    Status status;
    while (!done && status.ok()) {
      auto chunk = reader->Read(1 << 20);
      if (!chunk.ok()) {
        status = chunk.status();
        break;
      }
      if (chunk->empty()) break;
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk->data()));
      zs.avail_in = static_cast<uInt>(chunk->size());
      while (zs.avail_in > 0 && !done) {
        zs.next_out = reinterpret_cast<Bytef*>(inflated.data());
        zs.avail_out = static_cast<uInt>(inflated.size());
        int rc = inflate(&zs, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
          status = Status::Corruption("inflate failed on " + file.key);
          break;
        }
        size_t produced = inflated.size() - zs.avail_out;
        if (produced > 0) {
          auto t = SteadyClock::now();
          status = gzip.Write(std::string_view(inflated.data(), produced));
          compress_seconds += SecondsSince(t);
          csv_bytes += produced;
          if (!status.ok()) break;
        }
        done = rc == Z_STREAM_END;
      }
    }
    inflateEnd(&zs);
    RETURN_IF_ERROR(status);
    auto t = SteadyClock::now();
    RETURN_IF_ERROR(gzip.Close());
    compress_seconds += SecondsSince(t);
    gz_bytes += sink.bytes_written();
  }
  double wall = SecondsSince(wall_start);
  uint64_t peak = sampler.Stop();
  json j = {{"csv_bytes", csv_bytes},
            {"gz_bytes", gz_bytes},
            {"files", manifest.files.size()},
            {"wall_seconds_with_inflate", wall}};
  AddProcessFigures(&j, compress_seconds, total_start_cpu, peak);
  PrintResult(j);
  return Status::OK();
}

// ---- The orchestrating parent ---------------------------------------------------------------

struct PhaseRun {
  std::string name;
  json result;
  uint64_t child_max_rss_kib = 0;
};

Result<PhaseRun> RunPhaseChild(const Flags& flags, const std::string& name,
                               const std::string& phase,
                               const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"inventory_bench",
                                   "--phase",
                                   phase,
                                   "--data-dir",
                                   flags.data_dir,
                                   "--objects",
                                   std::to_string(flags.objects),
                                   "--versions",
                                   flags.versions};
  if (flags.no_compact) args.push_back("--no-compact");
  args.push_back("--max-rows-per-file");
  args.push_back(std::to_string(flags.max_rows_per_file));
  args.push_back("--threads");
  args.push_back(std::to_string(flags.threads));
  args.insert(args.end(), extra.begin(), extra.end());
  std::fprintf(stderr, "inventory_bench: %-22s ... (load average %s)\n", name.c_str(),
               LoadAverage().c_str());
  PhaseRun run;
  run.name = name;
  // The child re-executes this very binary (/proc/self/exe), whatever happened to its file.
  ASSIGN_OR_RETURN(std::string out, RunChild("/proc/self/exe", args, &run.child_max_rss_kib));
  size_t pos = out.rfind("RESULT ");
  if (pos == std::string::npos) return Status::Internal(name + ": no RESULT line: " + out);
  size_t eol = out.find('\n', pos);
  run.result = json::parse(out.substr(pos + 7, eol == std::string::npos ? eol : eol - pos - 7),
                           nullptr, false);
  if (run.result.is_discarded()) return Status::Internal(name + ": bad RESULT line");
  return run;
}

struct WalkResult {
  bool sampled = false;
  uint64_t pages = 0;
  uint64_t keys = 0;
  double seconds = 0;           // measured
  double full_seconds = 0;      // measured or extrapolated to the whole bucket
  double cpu_seconds = 0;       // server + client CPU of the measured pages
  double full_cpu_seconds = 0;  // the same, extrapolated
  uint64_t total_keys = 0;      // keys of a full walk
  std::vector<double> page_ms;  // latency per page
};

// The `start-after` keys of `windows` walk windows spread evenly over the synthetic key space
// ("" = from the first key).
std::vector<std::string> WindowStarts(const Flags& flags, int windows) {
  SyntheticObjects gen(flags.objects, kSourceBucket, kAccountId);
  std::vector<std::string> starts(windows);
  for (int win = 1; win < windows; ++win) gen.Key(flags.objects * win / windows - 1, &starts[win]);
  return starts;
}

Result<WalkResult> Walk(const Flags& flags, const std::string& endpoint, pid_t server_pid,
                        uint64_t current_keys) {
  s3::S3ClientOptions options;
  options.endpoint = endpoint;
  options.access_key_id = flags.access_key;
  options.secret_access_key = flags.secret_key;
  ASSIGN_OR_RETURN(auto client, s3::S3Client::Create(options));
  WalkResult w;
  w.total_keys = current_keys;
  w.sampled = current_keys > flags.walk_full_max;
  const int windows = w.sampled ? 10 : 1;
  const uint64_t pages_per_window =
      w.sampled ? std::max<uint64_t>(1, flags.walk_sample_pages / windows) : UINT64_MAX;
  double cpu_before = ProcessCpuSecondsOf(server_pid) + ProcessCpuSeconds();
  for (const std::string& start_after : WindowStarts(flags, windows)) {
    std::string token;
    for (uint64_t p = 0; p < pages_per_window; ++p) {
      s3::S3Call call;
      call.bucket = kSourceBucket;
      call.query = {{"list-type", "2"}, {"max-keys", "1000"}};
      if (!token.empty()) {
        call.query.emplace_back("continuation-token", token);
      } else if (!start_after.empty()) {
        call.query.emplace_back("start-after", start_after);
      }
      auto t = SteadyClock::now();
      auto r = client->Send(call);
      if (!r.ok()) return r.status();
      if (r->status != 200) {
        return Status::Internal("ListObjectsV2: " + s3::S3Client::ErrorSummary(*r));
      }
      pugi::xml_document doc;
      if (!doc.load_buffer(r->body.data(), r->body.size())) {
        return Status::Corruption("ListObjectsV2: unreadable XML");
      }
      auto root = doc.child("ListBucketResult");
      double ms = SecondsSince(t) * 1e3;
      w.page_ms.push_back(ms);
      w.seconds += ms / 1e3;
      w.keys += std::strtoull(root.child_value("KeyCount"), nullptr, 10);
      ++w.pages;
      if (std::string_view(root.child_value("IsTruncated")) != "true") break;
      token = root.child_value("NextContinuationToken");
    }
  }
  w.cpu_seconds = ProcessCpuSecondsOf(server_pid) + ProcessCpuSeconds() - cpu_before;
  double scale = w.sampled ? static_cast<double>(current_keys) / static_cast<double>(w.keys) : 1.0;
  w.full_seconds = w.seconds * scale;
  w.full_cpu_seconds = w.cpu_seconds * scale;
  return w;
}

// The walk people run: the aws CLI's `s3api list-objects-v2` (pages of 1000; the CLI pages
// sequentially). Up to --walk-full-max keys one process walks the whole bucket; above, 5 windows
// of --cli-walk-sample-pages / 5 pages spread over the key space (`--start-after`, `--max-items`),
// extrapolated. The CLI's start-up (the fastest of three one-page listings, less that page) is
// taken off every process, so the rate is the CLI's paging rate, not its Python start-up.
Result<WalkResult> CliWalk(const Flags& flags, const std::string& aws, pid_t server_pid,
                           uint64_t current_keys) {
  struct Listed {
    uint64_t keys = 0;
    double seconds = 0, cpu_seconds = 0;
  };
  auto list = [&](const std::string& start_after, uint64_t max_items) -> Result<Listed> {
    // `|| []`: with --max-items the CLI adds a last "page" holding only NextToken.
    std::vector<std::string> argv = {"aws",
                                     "s3api",
                                     "list-objects-v2",
                                     "--bucket",
                                     kSourceBucket,
                                     "--page-size",
                                     "1000",
                                     "--output",
                                     "text",
                                     "--query",
                                     "length(Contents || `[]`)"};
    if (max_items > 0) argv.insert(argv.end(), {"--max-items", std::to_string(max_items)});
    if (!start_after.empty()) argv.insert(argv.end(), {"--start-after", start_after});
    double cpu_before = ChildrenCpuSeconds() + ProcessCpuSecondsOf(server_pid);
    auto start = SteadyClock::now();
    uint64_t max_rss_kib = 0;
    ASSIGN_OR_RETURN(std::string out, RunChild(aws, argv, &max_rss_kib));
    Listed listed;
    listed.seconds = SecondsSince(start);
    listed.cpu_seconds = ChildrenCpuSeconds() + ProcessCpuSecondsOf(server_pid) - cpu_before;
    ASSIGN_OR_RETURN(listed.keys, SumOfPageCounts(out));
    return listed;
  };
  Listed startup{0, 1e9, 1e9};
  for (int i = 0; i < 3; ++i) {
    ASSIGN_OR_RETURN(Listed one, list("", 1));
    startup.seconds = std::min(startup.seconds, one.seconds);
    startup.cpu_seconds = std::min(startup.cpu_seconds, one.cpu_seconds);
  }
  WalkResult w;
  w.total_keys = current_keys;
  w.sampled = current_keys > flags.walk_full_max;
  const int windows = w.sampled ? 5 : 1;
  const uint64_t items_per_window =
      w.sampled ? std::max<uint64_t>(1, flags.cli_walk_sample_pages / windows) * 1000 : 0;
  for (const std::string& start_after : WindowStarts(flags, windows)) {
    ASSIGN_OR_RETURN(Listed listed, list(start_after, items_per_window));
    w.keys += listed.keys;
    w.pages += (listed.keys + 999) / 1000;
    w.seconds += std::max(0.0, listed.seconds - startup.seconds);
    w.cpu_seconds += std::max(0.0, listed.cpu_seconds - startup.cpu_seconds);
  }
  double scale =
      static_cast<double>(current_keys) / static_cast<double>(std::max<uint64_t>(w.keys, 1));
  w.full_seconds = w.seconds * scale;
  w.full_cpu_seconds = w.cpu_seconds * scale;
  return w;
}

double Num(const json& j, const char* name) {
  auto it = j.find(name);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string RssCell(const json& r, uint64_t child_max_rss_kib) {
  // sampled peak during the measured part / VmHWM at end / ru_maxrss of the child, in MiB.
  return Fixed(Num(r, "sampled_peak_rss_kib") / 1024, 0) + "/" +
         Fixed(Num(r, "vm_hwm_kib") / 1024, 0) + "/" +
         Fixed(static_cast<double>(child_max_rss_kib) / 1024, 0);
}

int RunParent(Flags flags) {
  std::vector<std::string> formats;
  {
    std::stringstream ss(flags.formats);
    std::string f;
    while (std::getline(ss, f, ',')) {
      if (f == "csv" || f == "parquet" || f == "orc") {
        formats.push_back(f);
      } else if (!f.empty()) {
        std::cerr << "inventory_bench: unknown format " << f << " (csv, parquet, orc)\n";
        return 2;
      }
    }
  }
  std::printf("inventory_bench: objects=%s formats=%s versions=%s max-rows-per-file=%s\n",
              WithThousands(flags.objects).c_str(), flags.formats.c_str(), flags.versions.c_str(),
              WithThousands(flags.max_rows_per_file).c_str());
  PrintMachine();

  // The walk needs the server binary: say so now, not after a long load.
  if (!flags.skip_walk && !flags.load_only && ::access(flags.stocktake_bin.c_str(), X_OK) != 0) {
    std::cerr << "inventory_bench: the ListObjectsV2 baseline needs the stocktake binary, not "
                 "found at "
              << flags.stocktake_bin
              << " (build the `stocktake` target, pass --stocktake-bin, or --skip-walk)\n";
    return 2;
  }
  std::string aws;
  if (!flags.skip_walk && !flags.load_only) {
    auto found = FindProgram(flags.aws_bin);
    if (!found.ok()) return Fail(found.status());
    aws = *found;
  }
  ScopedDataDir data_dir;
  if (Status st = data_dir.Prepare(flags.tmp_dir, "inventory-bench",
                                   flags.keep_data_dir || flags.load_only, &flags.data_dir);
      !st.ok()) {
    return Fail(st);
  }
  json load;
  uint64_t load_rss = 0;
  auto marker = ReadLoadMarker(flags.data_dir, kMarkerFile, flags.objects);
  if (!marker.ok()) return Fail(marker.status());
  const bool reused = marker->has_value();
  if (reused) {
    const json& m = **marker;
    load = m["load"];
    flags.access_key = m["access_key"];
    flags.secret_key = m["secret_key"];
    std::printf("reusing the data loaded in %s\n", flags.data_dir.c_str());
  } else {
    flags.access_key = "STKBENCH" + HexLower(RandomBytes(6));
    flags.secret_key = Base64Encode(RandomBytes(30));
    auto r = RunPhaseChild(flags, "load", "load",
                           {"--access-key", flags.access_key, "--secret-key", flags.secret_key});
    if (!r.ok()) return Fail(r.status());
    load = r->result;
    load_rss = r->child_max_rss_kib;
    Status st = WriteLoadMarker(
        flags.data_dir, kMarkerFile, flags.objects,
        {{"access_key", flags.access_key}, {"secret_key", flags.secret_key}, {"load", load}});
    if (!st.ok()) return Fail(st);
  }
  if (flags.load_only) {
    std::printf("loaded %s objects into %s in %.1f s (+ %.1f s compaction); --load-only: done\n",
                WithThousands(flags.objects).c_str(), flags.data_dir.c_str(),
                Num(load, "load_seconds"), Num(load, "compact_seconds"));
    return 0;
  }
  double settle_seconds = -1;
  if (reused && !flags.no_compact) {
    auto r = RunPhaseChild(flags, "settle (compact)", "settle");
    if (!r.ok()) return Fail(r.status());
    settle_seconds = Num(r->result, "seconds");
  }
  const uint64_t versions = load["versions"].get<uint64_t>();
  const uint64_t current = load["current_objects"].get<uint64_t>();

  std::vector<PhaseRun> runs;
  auto run_child = [&](const std::string& name, const std::string& phase,
                       std::vector<std::string> extra = {}) -> const PhaseRun* {
    auto r = RunPhaseChild(flags, name, phase, extra);
    if (!r.ok()) {
      Fail(r.status());
      return nullptr;
    }
    runs.push_back(std::move(*r));
    return &runs.back();
  };
  if (!run_child("scan only (floor)", "scan")) return 1;
  if (!run_child("scan + extract", "extract")) return 1;
  std::string csv_manifest;
  for (const std::string& f : formats) {
    const PhaseRun* r = run_child("report " + f, "report", {"--format", f});
    if (!r) return 1;
    if (f == "csv") csv_manifest = r->result["manifest_key"];
  }
  if (!csv_manifest.empty()) {
    if (!run_child("gzip only (floor)", "compress", {"--manifest-key", csv_manifest})) return 1;
  }

  WalkResult walk, cli_walk;
  bool walked = false;
  if (!flags.skip_walk) {
    std::fprintf(stderr, "inventory_bench: %-22s ... (load average %s)\n", "ListObjectsV2 walk",
                 LoadAverage().c_str());
    ServerProcess server;
    ServerOptions so;
    so.binary = flags.stocktake_bin;
    so.data_dir = flags.data_dir;
    so.access_key = "STKROOT" + HexLower(RandomBytes(6));  // unused: the bench account is used
    so.secret_key = Base64Encode(RandomBytes(30));
    so.log_file = flags.data_dir + "/server.log";
    Status st = server.Start(so);
    if (!st.ok()) return Fail(st);
    auto w = Walk(flags, server.endpoint(), server.pid(), current);
    Result<WalkResult> cli = Status::Internal("not run");
    if (w.ok()) {
      std::fprintf(stderr, "inventory_bench: %-22s ... (load average %s)\n", "aws CLI walk",
                   LoadAverage().c_str());
      SetAwsEnvironment(flags.access_key, flags.secret_key, server.endpoint());
      cli = CliWalk(flags, aws, server.pid(), current);
    }
    st = server.Stop();
    if (!w.ok()) return Fail(w.status());
    if (!cli.ok()) return Fail(cli.status());
    if (!st.ok()) return Fail(st);
    walk = std::move(*w);
    cli_walk = std::move(*cli);
    walked = true;
  }

  // ---- Table ----
  std::printf(
      "\nobjects %s: %s versions (%s delete markers), %s current; keys %s-%s bytes, "
      "avg %.1f\n",
      WithThousands(flags.objects).c_str(), WithThousands(versions).c_str(),
      WithThousands(load["delete_markers"].get<uint64_t>()).c_str(), WithThousands(current).c_str(),
      WithThousands(load["key_bytes_min"].get<uint64_t>()).c_str(),
      WithThousands(load["key_bytes_max"].get<uint64_t>()).c_str(), Num(load, "key_bytes_avg"));
  double sst = Num(load, "metadata_sst_bytes");
  std::printf(
      "load: %.1f s = %s versions/s (bulk batches of %s, incl. generation)%s; "
      "metadata %s MiB SST = %.1f bytes/version, %.1f bytes/object%s\n",
      Num(load, "load_seconds"),
      WithThousands(static_cast<uint64_t>(versions / Num(load, "load_seconds"))).c_str(),
      WithThousands(kBulkLoadBatchVersions).c_str(),
      load["compacted"].get<bool>()
          ? (", then flush + full compaction " + Fixed(Num(load, "compact_seconds"), 1) + " s")
                .c_str()
          : " (not compacted)",
      Mib(static_cast<uint64_t>(sst)).c_str(), sst / versions, sst / flags.objects,
      reused ? " [loaded by an earlier run]" : "");
  if (settle_seconds >= 0) {
    std::printf("reused data directory: flushed and compacted again in %.1f s before measuring\n",
                settle_seconds);
  }
  std::printf("\n%-24s %12s %12s %8s %12s %12s %9s %8s %7s %5s %16s %8s %8s %8s %5s\n", "phase",
              "rows in", "rows out", "seconds", "rows/s", "rows/cpu-s", "out MiB", "MB/s", "B/row",
              "cpu%", "RSS MiB smp/hwm/max", "vs walk", "cpu vs", "vs aws", "load");
  json formats_json = json::object();
  json floors_json = json::object();
  for (const PhaseRun& r : runs) {
    const json& j = r.result;
    double seconds = Num(j, "seconds");
    double rows_out = Num(j, "rows_out");
    double rows_in = Num(j, "rows_in");
    double bytes = j.contains("bytes") ? Num(j, "bytes") : Num(j, "gz_bytes");
    bool is_report = j.contains("format");
    bool is_gzip = j.contains("csv_bytes");
    std::string rows_in_s = rows_in > 0 ? WithThousands(static_cast<uint64_t>(rows_in)) : "";
    std::string rows_out_s = rows_out > 0 ? WithThousands(static_cast<uint64_t>(rows_out)) : "";
    double rate_rows = rows_out > 0 ? rows_out : rows_in;
    std::string rows_per_s = rate_rows > 0 && seconds > 0
                                 ? WithThousands(static_cast<uint64_t>(rate_rows / seconds))
                                 : "";
    std::string out_mib = is_report || is_gzip ? Mib(static_cast<uint64_t>(bytes)) : "";
    std::string mb_s = (is_report || is_gzip) && seconds > 0 ? Fixed(bytes / seconds / 1e6, 1) : "";
    if (is_gzip) {
      rows_out_s = "";
      rows_per_s = "";
      mb_s = Fixed(Num(j, "csv_bytes") / seconds / 1e6, 1) + "i";  // input (CSV) MB/s
      out_mib = Mib(static_cast<uint64_t>(Num(j, "gz_bytes")));
    }
    std::string bpr = is_report && rows_out > 0 ? Fixed(bytes / rows_out, 1) : "";
    std::string vs = is_report && walked ? Fixed(walk.full_seconds / seconds, 1) + "x" : "";
    double cpu_s = Num(j, "cpu_seconds");
    std::string cpu = seconds > 0 ? Fixed(100 * cpu_s / seconds, 0) : "";
    std::string rows_cpu =
        rate_rows > 0 && cpu_s > 0 ? WithThousands(static_cast<uint64_t>(rate_rows / cpu_s)) : "";
    std::string cpu_vs =
        is_report && walked && cpu_s > 0 ? Fixed(walk.full_cpu_seconds / cpu_s, 1) + "x" : "";
    std::string vs_aws = is_report && walked ? Fixed(cli_walk.full_seconds / seconds, 1) + "x" : "";
    if (is_gzip) cpu = rows_cpu = "";
    std::printf("%-24s %12s %12s %8s %12s %12s %9s %8s %7s %5s %16s %8s %8s %8s %5s\n",
                r.name.c_str(), rows_in_s.c_str(), rows_out_s.c_str(), Fixed(seconds, 2).c_str(),
                rows_per_s.c_str(), rows_cpu.c_str(), out_mib.c_str(), mb_s.c_str(), bpr.c_str(),
                cpu.c_str(), RssCell(j, r.child_max_rss_kib).c_str(), vs.c_str(), cpu_vs.c_str(),
                vs_aws.c_str(), Fixed(Num(j, "load1"), 1).c_str());
    json entry = {{"seconds", std::round(seconds * 1000) / 1000},
                  {"peak_rss_sampled_mib", std::round(Num(j, "sampled_peak_rss_kib") / 102.4) / 10},
                  {"vm_hwm_mib", std::round(Num(j, "vm_hwm_kib") / 102.4) / 10},
                  {"max_rss_mib", std::round(r.child_max_rss_kib / 102.4) / 10},
                  {"load1", Num(j, "load1")}};
    if (is_report) {
      entry["rows"] = static_cast<uint64_t>(rows_out);
      entry["rows_per_s"] = std::round(rows_out / seconds);
      entry["bytes"] = static_cast<uint64_t>(bytes);
      entry["mb_per_s"] = std::round(bytes / seconds / 1e4) / 100;
      entry["bytes_per_row"] = std::round(bytes / rows_out * 100) / 100;
      entry["files"] = j["files"];
      entry["cpu_seconds"] = std::round(Num(j, "cpu_seconds") * 100) / 100;
      entry["rows_per_cpu_s"] = std::round(rows_out / std::max(Num(j, "cpu_seconds"), 1e-9));
      if (walked) {
        entry["ratio_vs_walk"] = std::round(walk.full_seconds / seconds * 10) / 10;
        entry["cpu_ratio_vs_walk"] =
            std::round(walk.full_cpu_seconds / std::max(Num(j, "cpu_seconds"), 1e-9) * 10) / 10;
        entry["ratio_vs_aws_cli_walk"] = std::round(cli_walk.full_seconds / seconds * 10) / 10;
      }
      formats_json[j["format"].get<std::string>()] = entry;
    } else if (is_gzip) {
      entry["csv_bytes"] = j["csv_bytes"];
      entry["gz_bytes"] = j["gz_bytes"];
      entry["input_mb_per_s"] = std::round(Num(j, "csv_bytes") / seconds / 1e4) / 100;
      floors_json["gzip_only"] = entry;
    } else {
      entry["rows_in"] = static_cast<uint64_t>(rows_in);
      entry["rows_out"] = static_cast<uint64_t>(rows_out);
      entry["rows_in_per_s"] = std::round(rows_in / seconds);
      entry["cpu_seconds"] = std::round(Num(j, "cpu_seconds") * 100) / 100;
      floors_json[r.name == "scan only (floor)" ? "scan_only" : "scan_extract"] = entry;
    }
  }
  if (walked) {
    std::vector<double> ms = walk.page_ms;
    double p50 = Percentile(&ms, 50), p99 = Percentile(&ms, 99);
    std::printf(
        "%-24s %12s %12s %8s %12s %12s %9s %8s %7s %5s %16s %8s %8s\n",
        walk.sampled ? "ListObjectsV2 walk (est)" : "ListObjectsV2 walk", "",
        WithThousands(walk.total_keys).c_str(), Fixed(walk.full_seconds, 2).c_str(),
        WithThousands(static_cast<uint64_t>(walk.keys / walk.seconds)).c_str(),
        WithThousands(static_cast<uint64_t>(walk.keys / std::max(walk.cpu_seconds, 1e-9))).c_str(),
        "", "", "", Fixed(100 * walk.cpu_seconds / walk.seconds, 0).c_str(), "(server)", "1.0x",
        "1.0x");
    std::printf(
        "  walk: %s pages, %s keys measured in %.2f s (page p50 %.2f ms, p99 %.2f ms)%s\n",
        WithThousands(walk.pages).c_str(), WithThousands(walk.keys).c_str(), walk.seconds, p50, p99,
        walk.sampled ? (": a sample of 10 windows spread over the key space, extrapolated to " +
                        WithThousands(walk.total_keys) + " keys")
                           .c_str()
                     : ": the whole bucket");
    std::printf(
        "%-24s %12s %12s %8s %12s %12s %9s %8s %7s %5s %16s %8s %8s %8s\n",
        cli_walk.sampled ? "aws CLI walk (est)" : "aws CLI walk", "",
        WithThousands(cli_walk.total_keys).c_str(), Fixed(cli_walk.full_seconds, 2).c_str(),
        WithThousands(static_cast<uint64_t>(cli_walk.keys / cli_walk.seconds)).c_str(),
        WithThousands(static_cast<uint64_t>(cli_walk.keys / std::max(cli_walk.cpu_seconds, 1e-9)))
            .c_str(),
        "", "", "", Fixed(100 * cli_walk.cpu_seconds / cli_walk.seconds, 0).c_str(), "(server)", "",
        "", "1.0x");
    std::printf(
        "  aws CLI walk: `aws s3api list-objects-v2 --page-size 1000`, %s keys measured in %.2f s "
        "(less the CLI's start-up per process)%s\n",
        WithThousands(cli_walk.keys).c_str(), cli_walk.seconds,
        cli_walk.sampled ? (": 5 windows spread over the key space, extrapolated to " +
                            WithThousands(cli_walk.total_keys) + " keys")
                               .c_str()
                         : ": the whole bucket");
  }
  for (const PhaseRun& r : runs) {
    if (r.name != "scan only (floor)" || !r.result.contains("rocksdb")) continue;
    const json& db = r.result["rocksdb"];
    std::printf(
        "RocksDB after the scan: %s table files, table readers %.1f MiB, block cache %.1f MiB "
        "(pinned %.1f MiB)\n",
        WithThousands(db["sst_files"].get<uint64_t>()).c_str(), Num(db, "table_readers_mib"),
        Num(db, "block_cache_mib"), Num(db, "block_cache_pinned_mib"));
  }
  std::printf(
      "RSS MiB: smp = peak VmRSS sampled every 20 ms during the measured part; hwm = VmHWM "
      "at the end of the child; max = the child's ru_maxrss\n");
  std::printf(
      "vs walk = walk seconds / phase seconds; cpu vs = walk CPU seconds (server + client) / "
      "phase CPU seconds, less sensitive to a busy machine; vs aws = aws CLI walk seconds / phase "
      "seconds; cpu%% = CPU / wall of the phase (all its threads)\n");
  std::printf(
      "gzip MB/s is CSV input; rows/s of a report = rows written/s, of a scan = rows out/s "
      "(versions scanned: rows in)\n");
  std::printf("load average at end: %s\n", LoadAverage().c_str());

  json out = {{"bench", "inventory_bench"},
              {"objects", flags.objects},
              {"versions", versions},
              {"current_objects", current},
              {"included_versions", flags.versions},
              {"key_bytes_avg", std::round(Num(load, "key_bytes_avg") * 10) / 10},
              {"load_seconds", std::round(Num(load, "load_seconds") * 100) / 100},
              {"load_versions_per_s", std::round(versions / Num(load, "load_seconds"))},
              {"metadata_sst_bytes_per_object", std::round(sst / flags.objects * 10) / 10},
              {"cpus", std::thread::hardware_concurrency()},
              {"formats", formats_json},
              {"floors", floors_json}};
  if (load_rss > 0) out["load_max_rss_mib"] = std::round(load_rss / 102.4) / 10;
  if (walked) {
    out["walk"] = {{"sampled", walk.sampled},
                   {"pages", walk.pages},
                   {"keys", walk.keys},
                   {"measured_seconds", std::round(walk.seconds * 1000) / 1000},
                   {"full_seconds", std::round(walk.full_seconds * 100) / 100},
                   {"measured_cpu_seconds", std::round(walk.cpu_seconds * 1000) / 1000},
                   {"full_cpu_seconds", std::round(walk.full_cpu_seconds * 100) / 100},
                   {"keys_per_s", std::round(walk.keys / walk.seconds)}};
    out["aws_cli_walk"] = {{"sampled", cli_walk.sampled},
                           {"keys", cli_walk.keys},
                           {"measured_seconds", std::round(cli_walk.seconds * 1000) / 1000},
                           {"full_seconds", std::round(cli_walk.full_seconds * 100) / 100},
                           {"measured_cpu_seconds", std::round(cli_walk.cpu_seconds * 1000) / 1000},
                           {"full_cpu_seconds", std::round(cli_walk.full_cpu_seconds * 100) / 100},
                           {"keys_per_s", std::round(cli_walk.keys / cli_walk.seconds)}};
  }
  std::printf("%s\n", out.dump().c_str());

  if (!data_dir.made() || flags.keep_data_dir) {
    std::printf("data directory kept: %s\n", flags.data_dir.c_str());
  }
  return 0;  // data_dir removes a temporary data directory
}

}  // namespace
}  // namespace stocktake::bench

int main(int argc, char** argv) {
  stocktake::TuneMallocForLargeBuffers();  // as in `stocktake`, whose reports the phases measure
  using stocktake::bench::Flags;
  Flags flags;
  flags.stocktake_bin = stocktake::bench::ExecutableDir() + "/stocktake";
  flags.tmp_dir = stocktake::bench::DefaultTmpDir();
  CLI::App app{"inventory_bench: inventory report throughput, floors and the ListObjectsV2 walk"};
  app.add_option("--objects", flags.objects, "Objects (keys) in the source bucket")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--formats", flags.formats, "Comma list of csv, parquet, orc")
      ->capture_default_str();
  app.add_option("--versions", flags.versions, "IncludedObjectVersions of the report")
      ->check(CLI::IsMember({"current", "all"}))
      ->capture_default_str();
  app.add_option("--data-dir", flags.data_dir,
                 "Data directory (default: a new one under --tmp-dir). One loaded by an earlier "
                 "run with the same --objects is reused")
      ->capture_default_str();
  app.add_option("--tmp-dir", flags.tmp_dir, "Parent of the default data directory")
      ->capture_default_str();
  app.add_option("--stocktake-bin", flags.stocktake_bin, "The stocktake binary (walk baseline)")
      ->capture_default_str();
  app.add_flag("--keep-data-dir", flags.keep_data_dir, "Keep the data directory");
  app.add_flag("--no-compact", flags.no_compact, "Skip the full compaction after loading");
  app.add_flag("--skip-walk", flags.skip_walk, "Skip the ListObjectsV2 baseline");
  app.add_option("--max-rows-per-file", flags.max_rows_per_file,
                 "Rows per report data file (the server's --inventory-max-rows-per-file)")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--threads", flags.threads,
                 "Threads (key-range parts) of the scan and report phases; 0 = one per core");
  app.add_flag("--load-only", flags.load_only,
               "Only load (with --data-dir and --keep-data-dir: measure later on the same data)");
  app.add_option("--walk-full-max", flags.walk_full_max,
                 "Walk the whole bucket up to this many keys, else a sample")
      ->capture_default_str();
  app.add_option("--walk-sample-pages", flags.walk_sample_pages,
                 "Pages walked (in 10 windows) when sampling")
      ->capture_default_str();
  app.add_option("--aws-bin", flags.aws_bin, "The aws CLI (name on PATH or path)")
      ->capture_default_str();
  app.add_option("--cli-walk-sample-pages", flags.cli_walk_sample_pages,
                 "Pages the aws CLI walks (in 5 windows) when sampling")
      ->capture_default_str();
  // Internal: the phases run in child processes.
  app.add_option("--phase", flags.phase)->group("");
  app.add_option("--format", flags.format)->group("");
  app.add_option("--manifest-key", flags.manifest_key)->group("");
  app.add_option("--access-key", flags.access_key)->group("");
  app.add_option("--secret-key", flags.secret_key)->group("");
  CLI11_PARSE(app, argc, argv);

  using namespace stocktake::bench;
  stocktake::Status st;
  if (flags.phase.empty()) return RunParent(flags);
  if (flags.phase == "load") {
    st = LoadPhase(flags);
  } else if (flags.phase == "settle") {
    st = SettlePhase(flags);
  } else if (flags.phase == "scan") {
    st = ScanPhase(flags, false);
  } else if (flags.phase == "extract") {
    st = ScanPhase(flags, true);
  } else if (flags.phase == "report") {
    st = ReportPhase(flags);
  } else if (flags.phase == "compress") {
    st = CompressPhase(flags);
  } else {
    st = stocktake::Status::InvalidArgument("unknown phase " + flags.phase);
  }
  if (!st.ok()) {
    std::cerr << "inventory_bench (" << flags.phase << "): " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
