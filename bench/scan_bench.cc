// scan_bench: the benchmark of record for `stocktake inventory scan` (issue 9): keys/s of the
// parallel remote scan against a sequential paginated walk with the real aws CLI, on the same
// bucket of the same server, in the same run.
//
//   1. load  fills bucket `bench-source` (versioning on) of a fresh data directory with N
//            synthetic objects (bench/synthetic_objects.h) through
//            store::BulkLoadForBenchmark, then compacts: no HTTP.
//   2. serve starts the real `stocktake serve` on that directory.
//   3. walk  `aws s3api list-objects-v2 --bucket bench-source --output text --query
//            'length(Contents)'`: the CLI pages sequentially (1000 keys per page, each page needs
//            the previous continuation token) and prints one count per page; their sum is the
//            number of keys.
//   4. scan  `stocktake inventory scan` of the same bucket from the same server, CSV with fields
//            Size, LastModifiedDate, ETag, StorageClass (listing fields: no HEAD), delivered to
//            bucket `bench-reports` on that server; rows must equal the walk's keys.
// The machine may be shared, so besides wall time each side reports its CPU seconds: the child's
// (getrusage RUSAGE_CHILDREN delta) and the server's (/proc/PID/stat delta). Peak RSS: the
// child's ru_maxrss, the server's VmHWM at the end.
//
// Prints one table and one JSON line (like inventory_bench). Exits 1 if a side fails or the
// counts differ; the ratio is reported, not judged.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "aws_cli.h"
#include "bench_util.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "store/benchmark_hooks.h"
#include "synthetic_objects.h"

namespace stocktake::bench {
namespace {

using nlohmann::json;

constexpr const char* kSourceBucket = "bench-source";
constexpr const char* kReportBucket = "bench-reports";
constexpr const char* kAccountId = "100000000003";
constexpr const char* kMarkerFile = "scan-bench.json";  // in the data dir: what was loaded

struct Flags {
  uint64_t objects = 1'000'000;
  std::string data_dir;
  std::string tmp_dir;
  std::string stocktake_bin;
  std::string aws_bin = "aws";
  int concurrency = 8;
  bool keep_data_dir = false;
};

int Fail(const Status& st) {
  std::cerr << "scan_bench: " << st.ToString() << "\n";
  return 1;
}

// What the load put in the data directory (kept in kMarkerFile for a reuse).
struct Loaded {
  uint64_t current_objects = 0;
  uint64_t versions = 0;
  double load_seconds = 0;
  std::string access_key;
  std::string secret_key;
};

Result<Loaded> Load(const Flags& flags) {
  Loaded loaded;
  loaded.access_key = "STKSCANB" + HexLower(RandomBytes(6));
  loaded.secret_key = Base64Encode(RandomBytes(30));
  store::StoreOptions options;
  options.data_dir = flags.data_dir;
  options.sync_writes = false;
  ASSIGN_OR_RETURN(auto st, store::ObjectStore::Open(options));
  RETURN_IF_ERROR(CreateBenchAccount(st.get(), {kAccountId, "scan-bench", loaded.access_key,
                                                loaded.secret_key, kSourceBucket, kReportBucket}));

  SyntheticObjects gen(flags.objects, kSourceBucket, kAccountId);
  auto start = SteadyClock::now();
  RETURN_IF_ERROR(BulkLoad(st.get(), gen, [&](uint64_t, auto versions) {
    loaded.versions += versions.size();
    if (!versions.back().is_delete_marker) ++loaded.current_objects;
    return Status::OK();
  }));
  // Compacted metadata, as a long-lived server's: no compaction inside a measured side.
  RETURN_IF_ERROR(store::GetStatsForBenchmark(*st, true).status());
  loaded.load_seconds = SecondsSince(start);
  return loaded;
}

// Loads the data directory, or reuses one an earlier run loaded with the same --objects.
Result<Loaded> LoadOrReuse(const Flags& flags, bool* reused) {
  ASSIGN_OR_RETURN(std::optional<json> marker,
                   ReadLoadMarker(flags.data_dir, kMarkerFile, flags.objects));
  if (marker) {
    const json& m = *marker;
    *reused = true;
    return Loaded{m["current_objects"].get<uint64_t>(), m["versions"].get<uint64_t>(),
                  m["load_seconds"].get<double>(), m["access_key"].get<std::string>(),
                  m["secret_key"].get<std::string>()};
  }
  *reused = false;
  ASSIGN_OR_RETURN(Loaded loaded, Load(flags));
  RETURN_IF_ERROR(WriteLoadMarker(flags.data_dir, kMarkerFile, flags.objects,
                                  {{"current_objects", loaded.current_objects},
                                   {"versions", loaded.versions},
                                   {"load_seconds", loaded.load_seconds},
                                   {"access_key", loaded.access_key},
                                   {"secret_key", loaded.secret_key}}));
  return loaded;
}

// VmHWM of process `pid` in KiB (0 if unknown).
uint64_t PeakRssKiBOf(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// One measured side: a child process talking to the server.
struct Side {
  std::string name;
  uint64_t keys = 0;
  double seconds = 0;
  double client_cpu_seconds = 0;
  double server_cpu_seconds = 0;
  uint64_t client_max_rss_kib = 0;
  std::string output;  // the child's stdout

  double cpu_seconds() const { return client_cpu_seconds + server_cpu_seconds; }
  double keys_per_s() const { return seconds > 0 ? keys / seconds : 0; }
  double keys_per_cpu_s() const { return cpu_seconds() > 0 ? keys / cpu_seconds() : 0; }
};

Result<Side> Measure(const std::string& name, pid_t server_pid, const std::string& program,
                     const std::vector<std::string>& args) {
  std::fprintf(stderr, "scan_bench: %-8s ... (load average %s)\n", name.c_str(),
               LoadAverage().c_str());
  Side side;
  side.name = name;
  double children_before = ChildrenCpuSeconds();
  double server_before = ProcessCpuSecondsOf(server_pid);
  auto start = SteadyClock::now();
  ASSIGN_OR_RETURN(side.output, RunChild(program, args, &side.client_max_rss_kib));
  side.seconds = SecondsSince(start);
  side.server_cpu_seconds = ProcessCpuSecondsOf(server_pid) - server_before;
  side.client_cpu_seconds = ChildrenCpuSeconds() - children_before;
  return side;
}

// "scan of s3://b: R rows, ... listed V versions in S s (...), P partitions (X splits, ...),
// Q requests" (cli/scan_cmd.cc).
struct ScanSummary {
  uint64_t rows = 0;
  double listing_seconds = 0;
  uint64_t partitions = 0;
  uint64_t splits = 0;
  uint64_t requests = 0;
};

Result<ScanSummary> ParseScanSummary(const std::string& output) {
  static const std::regex re(
      R"(: (\d+) rows, .* listed \d+ versions in ([\d.]+) s \(\d+ objects/s\), (\d+) partitions )"
      R"(\((\d+) splits, \d+ from the checkpoint\), (\d+) requests)");
  std::smatch m;
  if (!std::regex_search(output, m, re)) {
    return Status::Corruption("no summary line in the scan's output: " + output);
  }
  return ScanSummary{std::stoull(m[1]), std::stod(m[2]), std::stoull(m[3]), std::stoull(m[4]),
                     std::stoull(m[5])};
}

std::string Row(const Side& s, const std::string& ratio, const std::string& cpu_ratio) {
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%-28s %12s %9s %12s %9s %9s %12s %9s %8s %8s", s.name.c_str(),
                WithThousands(s.keys).c_str(), Fixed(s.seconds, 2).c_str(),
                WithThousands(static_cast<uint64_t>(s.keys_per_s())).c_str(),
                Fixed(s.client_cpu_seconds, 2).c_str(), Fixed(s.server_cpu_seconds, 2).c_str(),
                WithThousands(static_cast<uint64_t>(s.keys_per_cpu_s())).c_str(),
                Fixed(s.client_max_rss_kib / 1024.0, 1).c_str(), ratio.c_str(), cpu_ratio.c_str());
  return buf;
}

json SideJson(const Side& s) {
  return {{"keys", s.keys},
          {"seconds", std::round(s.seconds * 1000) / 1000},
          {"keys_per_s", std::round(s.keys_per_s())},
          {"client_cpu_seconds", std::round(s.client_cpu_seconds * 100) / 100},
          {"server_cpu_seconds", std::round(s.server_cpu_seconds * 100) / 100},
          {"keys_per_cpu_s", std::round(s.keys_per_cpu_s())},
          {"client_max_rss_mib", std::round(s.client_max_rss_kib / 102.4) / 10}};
}

int Run(Flags flags) {
  std::printf("scan_bench: objects=%s concurrency=%d\n", WithThousands(flags.objects).c_str(),
              flags.concurrency);
  PrintMachine();
  // Both sides need their programs: say so now, not after a long load.
  auto aws = FindProgram(flags.aws_bin);
  if (!aws.ok()) return Fail(aws.status());
  if (::access(flags.stocktake_bin.c_str(), X_OK) != 0) {
    std::cerr << "scan_bench: stocktake binary not found at " << flags.stocktake_bin
              << " (build the `stocktake` target, or pass --stocktake-bin)\n";
    return 2;
  }
  ScopedDataDir data_dir;
  if (Status st =
          data_dir.Prepare(flags.tmp_dir, "scan-bench", flags.keep_data_dir, &flags.data_dir);
      !st.ok()) {
    return Fail(st);
  }

  std::fprintf(stderr, "scan_bench: load     ... (%s objects)\n",
               WithThousands(flags.objects).c_str());
  bool reused = false;
  auto loaded = LoadOrReuse(flags, &reused);
  if (!loaded.ok()) return Fail(loaded.status());

  ServerProcess server;
  ServerOptions so;
  so.binary = flags.stocktake_bin;
  so.data_dir = flags.data_dir;
  so.access_key = "STKROOT" + HexLower(RandomBytes(6));  // unused: the bench account is used
  so.secret_key = Base64Encode(RandomBytes(30));
  so.log_file = flags.data_dir + "/server.log";
  if (Status st = server.Start(so); !st.ok()) return Fail(st);
  SetAwsEnvironment(loaded->access_key, loaded->secret_key, server.endpoint());

  auto walk = Measure("aws s3api list-objects-v2", server.pid(), *aws,
                      {"aws", "s3api", "list-objects-v2", "--bucket", kSourceBucket, "--output",
                       "text", "--query", "length(Contents)"});
  if (!walk.ok()) return Fail(walk.status());
  auto walk_keys = SumOfPageCounts(walk->output);
  if (!walk_keys.ok()) return Fail(walk_keys.status());
  walk->keys = *walk_keys;

  // A fresh id per run: two runs within a minute would share a manifest key.
  std::string id = "scan-bench-" + HexLower(RandomBytes(4));
  std::string endpoint = server.endpoint();
  auto scan = Measure("stocktake inventory scan", server.pid(), flags.stocktake_bin,
                      {"stocktake",
                       "inventory",
                       "scan",
                       "--source",
                       std::string("s3://") + kSourceBucket,
                       "--source-endpoint",
                       endpoint,
                       "--destination",
                       std::string("s3://") + kReportBucket + "/scan",
                       "--destination-endpoint",
                       endpoint,
                       "--format",
                       "CSV",
                       "--versions",
                       "Current",
                       "--fields",
                       "Size,LastModifiedDate,ETag,StorageClass",
                       "--id",
                       id,
                       "--concurrency",
                       std::to_string(flags.concurrency),
                       "--progress",
                       "never"});
  if (!scan.ok()) return Fail(scan.status());
  auto summary = ParseScanSummary(scan->output);
  if (!summary.ok()) return Fail(summary.status());
  scan->keys = summary->rows;
  uint64_t server_hwm_kib = PeakRssKiBOf(server.pid());
  if (Status st = server.Stop(); !st.ok()) return Fail(st);

  if (walk->keys != loaded->current_objects || scan->keys != loaded->current_objects) {
    return Fail(Status::Internal("key counts differ: loaded " +
                                 std::to_string(loaded->current_objects) +
                                 " current objects, walk " + std::to_string(walk->keys) +
                                 ", scan " + std::to_string(scan->keys)));
  }
  double ratio = scan->keys_per_s() / std::max(walk->keys_per_s(), 1e-9);
  double cpu_ratio = scan->keys_per_cpu_s() / std::max(walk->keys_per_cpu_s(), 1e-9);

  std::printf(
      "\nbucket %s: %s objects, %s versions, %s current keys; %s\n", kSourceBucket,
      WithThousands(flags.objects).c_str(), WithThousands(loaded->versions).c_str(),
      WithThousands(loaded->current_objects).c_str(),
      reused ? "loaded by an earlier run"
             : ("bulk-loaded + compacted in " + Fixed(loaded->load_seconds, 1) + " s").c_str());
  std::printf("\n%-28s %12s %9s %12s %9s %9s %12s %9s %8s %8s\n", "side", "keys", "seconds",
              "keys/s", "cli cpu-s", "srv cpu-s", "keys/cpu-s", "cli MiB", "ratio", "cpu ratio");
  std::printf("%s\n", Row(*walk, "1.0x", "1.0x").c_str());
  std::printf("%s\n", Row(*scan, Fixed(ratio, 1) + "x", Fixed(cpu_ratio, 1) + "x").c_str());
  std::printf(
      "  scan: listing %.2f s of %.2f s (the rest: CSV.gz + delivery), %s partitions (%s "
      "splits), %s requests, --concurrency %d\n",
      summary->listing_seconds, scan->seconds, WithThousands(summary->partitions).c_str(),
      WithThousands(summary->splits).c_str(), WithThousands(summary->requests).c_str(),
      flags.concurrency);
  std::printf("server peak RSS (VmHWM, both sides): %.1f MiB\n", server_hwm_kib / 1024.0);
  std::printf(
      "ratio = scan keys/s / walk keys/s (wall, whole commands); cpu ratio = the same per CPU "
      "second (client + server), less sensitive to a busy machine; cli MiB = the child's "
      "ru_maxrss\n");
  std::printf("load average at end: %s\n", LoadAverage().c_str());

  json out = {{"bench", "scan_bench"},
              {"objects", flags.objects},
              {"current_keys", loaded->current_objects},
              {"cpus", std::thread::hardware_concurrency()},
              {"concurrency", flags.concurrency},
              {"walk", SideJson(*walk)},
              {"scan", SideJson(*scan)},
              {"scan_listing_seconds", std::round(summary->listing_seconds * 1000) / 1000},
              {"scan_partitions", summary->partitions},
              {"scan_requests", summary->requests},
              {"ratio", std::round(ratio * 10) / 10},
              {"cpu_ratio", std::round(cpu_ratio * 10) / 10},
              {"server_vm_hwm_mib", std::round(server_hwm_kib / 102.4) / 10},
              {"load1", LoadAverage1()}};
  std::printf("%s\n", out.dump().c_str());
  if (!data_dir.made() || flags.keep_data_dir) {
    std::printf("data directory kept: %s\n", flags.data_dir.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace stocktake::bench

int main(int argc, char** argv) {
  using stocktake::bench::Flags;
  Flags flags;
  flags.stocktake_bin = stocktake::bench::ExecutableDir() + "/stocktake";
  flags.tmp_dir = stocktake::bench::DefaultTmpDir();
  CLI::App app{"scan_bench: `stocktake inventory scan` against an aws CLI list-objects-v2 walk"};
  app.add_option("--objects", flags.objects, "Objects (keys) in the source bucket")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--data-dir", flags.data_dir,
                 "Data directory (default: a new one under --tmp-dir). One loaded by an earlier "
                 "run with the same --objects is reused")
      ->capture_default_str();
  app.add_option("--tmp-dir", flags.tmp_dir, "Parent of the default data directory")
      ->capture_default_str();
  app.add_option("--stocktake-bin", flags.stocktake_bin, "The stocktake binary")
      ->capture_default_str();
  app.add_option("--aws-bin", flags.aws_bin, "The aws CLI (name on PATH or path)")
      ->capture_default_str();
  app.add_option("--concurrency", flags.concurrency, "--concurrency of the scan")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_flag("--keep-data-dir", flags.keep_data_dir, "Keep the data directory");
  CLI11_PARSE(app, argc, argv);
  return stocktake::bench::Run(flags);
}
