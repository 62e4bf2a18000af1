// s3_bench: the S3 data path of the real server (issue 3, re-measured by issue 8).
//
// Starts `stocktake serve` on a fresh data directory (or uses --endpoint), then drives it with
// --connections concurrent keep-alive connections (one thread and one SigV4 s3::S3Client each):
//   put/get of 4 KiB and 1 MiB objects, and ListObjectsV2 pages (max-keys 1000) over --list-keys
//   keys.
// In the same run it measures the durability floor: write + fdatasync + close + rename + fsync of
// the directory of the same bytes, directly on the same file system, at the same concurrency (what
// the server's blob path must do at least for an acknowledged PUT; the server also syncs its
// RocksDB WAL). It prints a table, then one JSON line, with the ratio server PUT / floor.
//
// The list keys are loaded before the server starts with store::BulkLoadForBenchmark when
// the benchmark owns the data directory (--list-load=bulk, the default), or by concurrent
// 0-byte PUTs (--list-load=put, the only choice with --endpoint; timed and printed).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "s3client/s3_client.h"
#include "store/benchmark_hooks.h"
#include "synthetic_objects.h"

namespace stocktake::bench {
namespace {

constexpr const char* kDataBucket = "bench-data";
constexpr const char* kListBucket = "bench-list";
constexpr const char* kInventoryBucket = "bench-inventory";
constexpr const char* kInventoryDestBucket = "bench-inventory-dest";
constexpr size_t kListPageKeys = 1000;

struct Flags {
  std::string endpoint;
  std::string access_key;
  std::string secret_key;
  std::string stocktake_bin;
  std::string tmp_dir;
  int connections = 8;
  double duration_seconds = 5;
  int rounds = 5;
  uint64_t list_keys = 100'000;
  uint64_t report_keys = 2'000'000;
  std::string list_load = "bulk";
  std::string phases = "put4k,get4k,put1m,get1m,list,put4k+report";
  bool keep_data_dir = false;
};

struct PhaseResult {
  std::string name;
  int connections = 0;
  uint64_t ops = 0;
  uint64_t errors = 0;
  uint64_t bytes = 0;  // payload bytes (object bytes, or listing XML bytes)
  uint64_t items = 0;  // keys listed (list phases)
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double load_before = 0;
  double load_after = 0;
  std::string first_error;
  std::vector<double> latencies_ms;  // every successful op (kept to merge slices)

  double ops_per_s() const { return seconds > 0 ? ops / seconds : 0; }
  double mb_per_s() const { return seconds > 0 ? bytes / seconds / 1e6 : 0; }
};

// One operation: returns payload bytes moved (and *items), or an error.
using OpFn = std::function<Result<uint64_t>(int thread, uint64_t op, uint64_t* items)>;

// Runs `op` on `connections` threads for `seconds` (or until each thread has done max_ops_each).
PhaseResult RunPhase(const std::string& name, int connections, double seconds,
                     uint64_t max_ops_each, const OpFn& op) {
  PhaseResult result;
  result.name = name;
  result.connections = connections;
  result.load_before = LoadAverage1();
  std::vector<std::vector<double>> latencies(connections);
  std::vector<uint64_t> bytes(connections, 0), items(connections, 0), errors(connections, 0);
  std::vector<std::string> first_error(connections);
  std::atomic<bool> stop{false};
  auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t) {
    threads.emplace_back([&, t] {
      latencies[t].reserve(1 << 16);
      for (uint64_t i = 0; i < max_ops_each && !stop.load(std::memory_order_relaxed); ++i) {
        auto op_start = SteadyClock::now();
        uint64_t n_items = 0;
        auto r = op(t, i, &n_items);
        double ms = SecondsSince(op_start) * 1e3;
        if (r.ok()) {
          latencies[t].push_back(ms);
          bytes[t] += *r;
          items[t] += n_items;
        } else {
          if (errors[t]++ == 0) first_error[t] = r.status().ToString();
        }
      }
    });
  }
  // Timed phases stop after `seconds`; bounded ones (loading) run to completion.
  if (max_ops_each == UINT64_MAX) {
    while (SecondsSince(start) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop = true;
  }
  for (auto& th : threads) th.join();
  result.seconds = SecondsSince(start);
  std::vector<double> all;
  for (int t = 0; t < connections; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    result.bytes += bytes[t];
    result.items += items[t];
    result.errors += errors[t];
    if (result.first_error.empty()) result.first_error = first_error[t];
  }
  result.ops = all.size();
  result.p50_ms = Percentile(&all, 50);
  result.p99_ms = Percentile(&all, 99);
  result.latencies_ms = std::move(all);
  result.load_after = LoadAverage1();
  return result;
}

// Adds a slice of the same phase (rounds alternate the floor and the server).
void MergeSlice(PhaseResult* into, PhaseResult slice) {
  if (into->name.empty()) {
    *into = std::move(slice);
    return;
  }
  into->ops += slice.ops;
  into->errors += slice.errors;
  into->bytes += slice.bytes;
  into->items += slice.items;
  into->seconds += slice.seconds;
  into->load_after = slice.load_after;
  if (into->first_error.empty()) into->first_error = slice.first_error;
  into->latencies_ms.insert(into->latencies_ms.end(), slice.latencies_ms.begin(),
                            slice.latencies_ms.end());
  into->p50_ms = Percentile(&into->latencies_ms, 50);
  into->p99_ms = Percentile(&into->latencies_ms, 99);
}

uint64_t Mix64(uint64_t x) {  // splitmix64 finalizer
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Flushes the file system's dirty pages (the bulk load, the floor's deleted files) outside any
// measured phase, so a phase's fsyncs do not pay for the previous phase's writeback.
void Quiesce(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::syncfs(fd);
    ::close(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

Status ErrnoStatus(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::OK() : ErrnoStatus("fsync " + dir);
}

// The durability floor of one object write, as the blob store does it: temp file, write,
// fdatasync, close, rename into a shard directory, fsync that directory.
Status FloorWrite(const std::string& dir, const std::string& name, std::string_view bytes,
                  int shard) {
  std::string tmp = dir + "/tmp/" + name;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open " + tmp);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return ErrnoStatus("write " + tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fdatasync(fd) != 0) {
    ::close(fd);
    return ErrnoStatus("fdatasync " + tmp);
  }
  ::close(fd);
  char shard_name[8];
  std::snprintf(shard_name, sizeof(shard_name), "%02x", shard & 0xff);
  std::string shard_dir = dir + "/blobs/" + shard_name;
  std::string dest = shard_dir + "/" + name;
  if (::rename(tmp.c_str(), dest.c_str()) != 0) return ErrnoStatus("rename " + tmp);
  return SyncDir(shard_dir);
}

Result<std::string> PrepareFloorDir(const std::string& parent) {
  ASSIGN_OR_RETURN(std::string dir, MakeTempDir(parent, "s3-bench-floor"));
  std::error_code ec;
  std::filesystem::create_directories(dir + "/tmp", ec);
  for (int s = 0; s < 256; ++s) {
    char shard_name[8];
    std::snprintf(shard_name, sizeof(shard_name), "%02x", s);
    std::filesystem::create_directories(dir + "/blobs/" + shard_name, ec);
  }
  if (ec) return Status::IOError("create " + dir + ": " + ec.message());
  return dir;
}

std::string ListKey(uint64_t i) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "dir-%03llu/object-%08llu.dat",
                static_cast<unsigned long long>(i / 1000), static_cast<unsigned long long>(i));
  return buf;
}

// Prepares a fresh data directory through the store API: the bench account and key, both
// buckets, and (bulk) the list keys. The store is closed before the server opens the directory.
Status PrepareDataDir(const std::string& data_dir, const Flags& flags, double* bulk_seconds) {
  store::StoreOptions options;
  options.data_dir = data_dir;
  ASSIGN_OR_RETURN(auto st, store::ObjectStore::Open(options));
  store::Account account{"100000000001", HexLower(RandomBytes(32)), "bench"};
  RETURN_IF_ERROR(st->PutAccount(account));
  RETURN_IF_ERROR(st->PutAccessKey({flags.access_key, flags.secret_key, account.account_id, true}));
  for (const char* name : {kDataBucket, kListBucket, kInventoryBucket, kInventoryDestBucket}) {
    store::Bucket bucket;
    bucket.name = name;
    bucket.owner_account_id = account.account_id;
    bucket.region = "us-east-1";
    RETURN_IF_ERROR(st->CreateBucket(bucket));
  }
  if (flags.list_load == "bulk") {
    auto start = SteadyClock::now();
    std::vector<store::ObjectVersion> batch;
    for (uint64_t i = 0; i < flags.list_keys; ++i) {
      store::ObjectVersion v;
      v.bucket = kListBucket;
      v.key = ListKey(i);
      v.size = 0;
      v.etag = "d41d8cd98f00b204e9800998ecf8427e";  // MD5 of the empty string
      v.owner_account_id = account.account_id;
      batch.push_back(std::move(v));
      if (batch.size() == 100'000) {
        RETURN_IF_ERROR(store::BulkLoadForBenchmark(*st, batch));
        batch.clear();
      }
    }
    RETURN_IF_ERROR(store::BulkLoadForBenchmark(*st, batch));
    *bulk_seconds = SecondsSince(start);
  }
  if (flags.report_keys > 0) {
    // The bucket whose inventory report runs during the "put4k+report" phase.
    SyntheticObjects gen(flags.report_keys, kInventoryBucket, account.account_id);
    RETURN_IF_ERROR(BulkLoad(st.get(), gen));
    // Flush and compact, as a steady-state bucket would be.
    RETURN_IF_ERROR(store::GetStatsForBenchmark(*st, true).status());
  }
  return Status::OK();
}

Result<std::unique_ptr<s3::S3Client>> NewClient(const Flags& flags, const std::string& endpoint) {
  s3::S3ClientOptions options;
  options.endpoint = endpoint;
  options.access_key_id = flags.access_key;
  options.secret_access_key = flags.secret_key;
  return s3::S3Client::Create(options);
}

Status CheckStatus(const Result<s3::http::ClientResponse>& r, int expected, const char* what) {
  if (!r.ok()) return r.status();
  if (r->status != expected) {
    return Status::Internal(std::string(what) + ": " + s3::S3Client::ErrorSummary(*r));
  }
  return Status::OK();
}

// One ListObjectsV2 page; returns the XML and fills the next token ("" at the end) and count.
Result<uint64_t> ListPage(s3::S3Client& client, const std::string& start_after, std::string* token,
                          uint64_t* keys) {
  s3::S3Call call;
  call.bucket = kListBucket;
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(kListPageKeys)}};
  if (!token->empty()) call.query.emplace_back("continuation-token", *token);
  if (token->empty() && !start_after.empty()) call.query.emplace_back("start-after", start_after);
  auto r = client.Send(call);
  RETURN_IF_ERROR(CheckStatus(r, 200, "ListObjectsV2"));
  pugi::xml_document doc;
  if (!doc.load_buffer(r->body.data(), r->body.size())) {
    return Status::Corruption("ListObjectsV2: unreadable XML");
  }
  auto root = doc.child("ListBucketResult");
  *keys = std::strtoull(root.child_value("KeyCount"), nullptr, 10);
  bool truncated = std::string_view(root.child_value("IsTruncated")) == "true";
  *token = truncated ? root.child_value("NextContinuationToken") : "";
  return static_cast<uint64_t>(r->body.size());
}

constexpr const char* kInventoryConfigXml =
    "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Destination><S3BucketDestination><Bucket>arn:aws:s3:::bench-inventory-dest</Bucket>"
    "<Format>CSV</Format><Prefix>reports</Prefix></S3BucketDestination></Destination>"
    "<IsEnabled>true</IsEnabled><Id>bench</Id>"
    "<IncludedObjectVersions>Current</IncludedObjectVersions>"
    "<OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
    "<Field>StorageClass</Field></OptionalFields>"
    "<Schedule><Frequency>Daily</Frequency></Schedule></InventoryConfiguration>";

struct ReportRuns {
  int runs = 0;
  uint64_t rows = 0;
  double seconds = 0;  // sum of the runs' own durations (StartedAt..FinishedAt)
  std::string error;
};

int64_t ParseIsoMillis(std::string_view s) {
  // 2022-12-12T13:20:39.123Z -> ms since midnight is enough for durations within a day.
  if (s.size() < 23) return 0;
  auto num = [&](size_t pos, size_t len) {
    return std::strtoll(std::string(s.substr(pos, len)).c_str(), nullptr, 10);
  };
  return ((num(11, 2) * 60 + num(14, 2)) * 60 + num(17, 2)) * 1000 + num(20, 3);
}

// Queues on-demand reports of kInventoryBucket back to back until `stop`, on its own connection.
void RunReportsUntil(s3::S3Client& client, const std::atomic<bool>& stop, ReportRuns* out) {
  while (!stop.load()) {
    s3::S3Call run;
    run.method = "POST";
    run.bucket = kInventoryBucket;
    run.query = {{"inventory", ""}, {"id", "bench"}, {"run", ""}};
    auto r = client.Send(run);
    if (!r.ok() || r->status != 202) {
      out->error = r.ok() ? s3::S3Client::ErrorSummary(*r) : r.status().ToString();
      return;
    }
    pugi::xml_document doc;
    doc.load_buffer(r->body.data(), r->body.size());
    std::string run_id = doc.child("InventoryRunResult").child("InventoryRun").child_value("RunId");
    // Poll until this run is terminal (the next one is queued only then).
    auto queued_at = SteadyClock::now();
    std::string last_state = "not listed";
    while (true) {
      if (SecondsSince(queued_at) > 600) {
        out->error = "run " + run_id + " not finished after 600 s (state: " + last_state + ")";
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      s3::S3Call list;
      list.bucket = kInventoryBucket;
      list.query = {{"inventory", ""}, {"id", "bench"}, {"runs", ""}};
      auto l = client.Send(list);
      if (!l.ok() || l->status != 200) {
        out->error = l.ok() ? s3::S3Client::ErrorSummary(*l) : l.status().ToString();
        return;
      }
      pugi::xml_document runs;
      runs.load_buffer(l->body.data(), l->body.size());
      bool done = false;
      for (auto node : runs.child("ListInventoryRunsResult").children()) {
        if (run_id != node.child_value("RunId")) continue;
        std::string state = node.child_value("State");
        last_state = state;
        if (state == "succeeded") {
          ++out->runs;
          out->rows += std::strtoull(node.child_value("Rows"), nullptr, 10);
          out->seconds += (ParseIsoMillis(node.child_value("FinishedAt")) -
                           ParseIsoMillis(node.child_value("StartedAt"))) /
                          1e3;
          done = true;
        } else if (state == "failed") {
          out->error = node.child_value("FailureReason");
          return;
        }
      }
      if (done) break;
    }
  }
}

void PrintTable(const std::vector<PhaseResult>& results, double floor_4k, double floor_1m) {
  std::printf("\n%-22s %5s %9s %10s %9s %9s %9s %7s %9s %11s\n", "phase", "conns", "ops", "ops/s",
              "MB/s", "p50 ms", "p99 ms", "errors", "vs floor", "load1 b/a");
  for (const PhaseResult& r : results) {
    std::string vs = "";
    if (r.name == "put-4KiB" && floor_4k > 0) vs = Fixed(r.ops_per_s() / floor_4k, 2) + "x";
    if (r.name == "put-1MiB" && floor_1m > 0) vs = Fixed(r.ops_per_s() / floor_1m, 2) + "x";
    std::printf("%-22s %5d %9s %10s %9s %9s %9s %7s %9s %5s/%-5s\n", r.name.c_str(), r.connections,
                WithThousands(r.ops).c_str(), Fixed(r.ops_per_s(), 0).c_str(),
                Fixed(r.mb_per_s(), 1).c_str(), Fixed(r.p50_ms, 2).c_str(),
                Fixed(r.p99_ms, 2).c_str(), WithThousands(r.errors).c_str(), vs.c_str(),
                Fixed(r.load_before, 1).c_str(), Fixed(r.load_after, 1).c_str());
    if (!r.first_error.empty()) std::printf("    first error: %s\n", r.first_error.c_str());
  }
}

int Run(Flags flags) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines appear as they are printed
  std::printf(
      "s3_bench: connections=%d duration=%.1fs/phase (floor and put: %d alternating "
      "slices) list-keys=%llu list-load=%s\n",
      flags.connections, flags.duration_seconds, flags.rounds,
      static_cast<unsigned long long>(flags.list_keys), flags.list_load.c_str());
  PrintMachine();
  std::string endpoint = flags.endpoint;
  ServerProcess server;
  std::string data_dir;
  double bulk_seconds = 0;
  if (endpoint.empty()) {
    if (flags.access_key.empty()) {
      flags.access_key = "STKBENCH" + HexLower(RandomBytes(6));
      flags.secret_key = Base64Encode(RandomBytes(30));
    }
    auto dir = MakeTempDir(flags.tmp_dir, "s3-bench-data");
    if (!dir.ok()) {
      std::cerr << "s3_bench: " << dir.status().ToString() << "\n";
      return 1;
    }
    data_dir = *dir;
    Status st = PrepareDataDir(data_dir, flags, &bulk_seconds);
    ServerOptions so;
    so.binary = flags.stocktake_bin;
    so.data_dir = data_dir;
    // The root account is not used: the bench account owns the buckets.
    so.access_key = "STKROOT" + HexLower(RandomBytes(6));
    so.secret_key = Base64Encode(RandomBytes(30));
    so.log_file = data_dir + ".log";  // next to the data directory
    if (st.ok()) st = server.Start(so);
    if (!st.ok()) {
      std::cerr << "s3_bench: " << st.ToString() << "\n";
      return 1;
    }
    endpoint = server.endpoint();
    std::printf("server: %s (pid %d), data dir %s\n", endpoint.c_str(),
                static_cast<int>(server.pid()), data_dir.c_str());
    if (flags.report_keys > 0) {
      std::printf("report bucket: %s synthetic objects bulk-loaded (and compacted) before start\n",
                  WithThousands(flags.report_keys).c_str());
    }
    if (flags.list_load == "bulk") {
      std::printf("list keys: %s bulk-loaded through the store API in %.2f s before start\n",
                  WithThousands(flags.list_keys).c_str(), bulk_seconds);
    }
  } else {
    auto resolved = s3::ResolveClientOptions(endpoint, flags.access_key, flags.secret_key, "");
    flags.access_key = resolved.access_key_id;
    flags.secret_key = resolved.secret_access_key;
    flags.list_load = "put";
    std::printf(
        "server: %s (external; the floor is measured under %s, which may be another "
        "disk)\n",
        endpoint.c_str(), flags.tmp_dir.c_str());
  }

  std::vector<std::unique_ptr<s3::S3Client>> clients;
  for (int t = 0; t < flags.connections; ++t) {
    auto c = NewClient(flags, endpoint);
    if (!c.ok()) {
      std::cerr << "s3_bench: " << c.status().ToString() << "\n";
      return 1;
    }
    clients.push_back(std::move(*c));
  }
  if (!flags.endpoint.empty()) {
    for (const char* name : {kDataBucket, kListBucket}) {
      s3::S3Call call;
      call.method = "PUT";
      call.bucket = name;
      auto r = clients[0]->Send(call);
      if (!r.ok() || (r->status != 200 && r->status != 409)) {
        std::cerr << "s3_bench: CreateBucket " << name << " failed\n";
        return 1;
      }
    }
  }

  std::vector<PhaseResult> results;
  auto has_phase = [&](std::string_view p) {
    return ("," + flags.phases + ",").find("," + std::string(p) + ",") != std::string::npos;
  };
  if (flags.list_load == "put" && has_phase("list")) {
    results.push_back(RunPhase("load: put-0B", flags.connections, 0,
                               (flags.list_keys + flags.connections - 1) / flags.connections,
                               [&](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
                                 uint64_t k = i * flags.connections + t;
                                 if (k >= flags.list_keys) return 0;
                                 s3::S3Call call;
                                 call.method = "PUT";
                                 call.bucket = kListBucket;
                                 call.key = ListKey(k);
                                 RETURN_IF_ERROR(
                                     CheckStatus(clients[t]->Send(call), 200, "PutObject"));
                                 return 0;
                               }));
  }

  std::string floor_parent =
      data_dir.empty() ? flags.tmp_dir : std::filesystem::path(data_dir).parent_path().string();
  double floor_ops[2] = {0, 0};
  const size_t sizes[2] = {4 << 10, 1 << 20};
  const char* size_names[2] = {"4KiB", "1MiB"};
  // Objects written by the measured PUTs: (round, thread) -> count, for the GET phases.
  struct Written {
    int round;
    int thread;
    uint64_t count;
  };
  std::vector<std::vector<Written>> written(2);
  for (int s = 0; s < 2; ++s) {
    std::string payload(sizes[s], '\0');
    std::mt19937_64 rng(42 + s);
    for (char& c : payload) c = static_cast<char>(rng());
    std::string put_name = std::string("put-") + size_names[s];
    std::string get_name = std::string("get-") + size_names[s];
    if (!has_phase(s == 0 ? "put4k" : "put1m")) continue;
    std::string prefix = std::string("obj-") + size_names[s] + "/";
    if (s == 0) {
      // Unmeasured warm-up: the server creates its 256 blob shard directories on first use.
      RunPhase("warm-up", flags.connections, 1.0, UINT64_MAX,
               [&](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
                 s3::S3Call call;
                 call.method = "PUT";
                 call.bucket = kDataBucket;
                 call.key = "warm-up/t" + std::to_string(t) + "/" + std::to_string(i);
                 call.body = payload;
                 RETURN_IF_ERROR(CheckStatus(clients[t]->Send(call), 200, "PutObject"));
                 return 0;
               });
    }
    // The floor and the server alternate in `rounds` slices on the same disk, so that a change
    // of the machine's load (other tenants) hits both alike.
    PhaseResult floor, put;
    const double slice = flags.duration_seconds / flags.rounds;
    for (int round = 0; round < flags.rounds; ++round) {
      Quiesce(floor_parent);
      auto floor_dir = PrepareFloorDir(floor_parent);
      if (!floor_dir.ok()) {
        std::cerr << "s3_bench: " << floor_dir.status().ToString() << "\n";
        return 1;
      }
      Quiesce(floor_parent);
      MergeSlice(&floor,
                 RunPhase(std::string("floor: write+sync ") + size_names[s], flags.connections,
                          slice, UINT64_MAX, [&](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
                            std::string name = "t" + std::to_string(t) + "-" + std::to_string(i);
                            RETURN_IF_ERROR(
                                FloorWrite(*floor_dir, name, payload, static_cast<int>(i * 7 + t)));
                            return static_cast<uint64_t>(payload.size());
                          }));
      RemoveTree(*floor_dir).IgnoreError();
      Quiesce(floor_parent);
      std::vector<uint64_t> counts(flags.connections, 0);
      std::string round_prefix = prefix + "r" + std::to_string(round) + "/";
      MergeSlice(&put,
                 RunPhase(put_name, flags.connections, slice, UINT64_MAX,
                          [&](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
                            s3::S3Call call;
                            call.method = "PUT";
                            call.bucket = kDataBucket;
                            call.key =
                                round_prefix + "t" + std::to_string(t) + "/" + std::to_string(i);
                            call.body = payload;
                            RETURN_IF_ERROR(CheckStatus(clients[t]->Send(call), 200, "PutObject"));
                            counts[t] = i + 1;
                            return static_cast<uint64_t>(payload.size());
                          }));
      for (int t = 0; t < flags.connections; ++t) {
        if (counts[t] > 0) written[s].push_back({round, t, counts[t]});
      }
    }
    floor_ops[s] = floor.ops_per_s();
    results.push_back(std::move(floor));
    results.push_back(std::move(put));
    if (!has_phase(s == 0 ? "get4k" : "get1m")) continue;
    if (written[s].empty()) continue;
    Quiesce(floor_parent);
    results.push_back(RunPhase(get_name, flags.connections, flags.duration_seconds, UINT64_MAX,
                               [&](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
                                 // A deterministic spread over every object written by the measured
                                 // PUTs.
                                 uint64_t h = Mix64((i + 1) * 0x9E3779B97F4A7C15ull +
                                                    static_cast<uint64_t>(t));
                                 const Written& w = written[s][(h >> 32) % written[s].size()];
                                 uint64_t n = (h & 0xffffffff) % w.count;
                                 s3::S3Call call;
                                 call.bucket = kDataBucket;
                                 call.key = prefix + "r" + std::to_string(w.round) + "/t" +
                                            std::to_string(w.thread) + "/" + std::to_string(n);
                                 auto r = clients[t]->Send(call);
                                 RETURN_IF_ERROR(CheckStatus(r, 200, "GetObject"));
                                 if (r->body.size() != payload.size())
                                   return Status::Corruption("short GET body");
                                 return static_cast<uint64_t>(r->body.size());
                               }));
  }

  double walk_seconds = 0;
  uint64_t walk_keys = 0, walk_pages = 0;
  if (has_phase("list")) {
    // One full sequential walk (ListObjectsV2 is sequential by nature: each page needs the
    // previous token), then every connection walks concurrently.
    auto start = SteadyClock::now();
    std::string token;
    do {
      uint64_t keys = 0;
      auto r = ListPage(*clients[0], "", &token, &keys);
      if (!r.ok()) {
        std::cerr << "s3_bench: " << r.status().ToString() << "\n";
        return 1;
      }
      walk_keys += keys;
      ++walk_pages;
    } while (!token.empty());
    walk_seconds = SecondsSince(start);
    std::vector<std::string> tokens(flags.connections);
    std::vector<char> started(flags.connections, 0);
    results.push_back(RunPhase("list-v2 page (1000)", flags.connections, flags.duration_seconds,
                               UINT64_MAX,
                               [&](int t, uint64_t, uint64_t* items) -> Result<uint64_t> {
                                 // Each connection starts at its own offset so they do not read the
                                 // same pages.
                                 std::string start_after;
                                 if (!started[t]) {
                                   started[t] = 1;
                                   uint64_t offset = flags.list_keys * t / flags.connections;
                                   if (offset > 0) start_after = ListKey(offset - 1);
                                 }
                                 return ListPage(*clients[t], start_after, &tokens[t], items);
                               }));
  }

  ReportRuns report_runs;
  double put_p99_plain = 0, put_p99_report = 0;
  if (has_phase("put4k+report") && flags.report_keys > 0 && flags.endpoint.empty()) {
    auto report_client = NewClient(flags, endpoint);
    s3::S3Call config;
    config.method = "PUT";
    config.bucket = kInventoryBucket;
    config.query = {{"inventory", ""}, {"id", "bench"}};
    config.body = kInventoryConfigXml;
    auto r = report_client.ok() ? (*report_client)->Send(config)
                                : Result<s3::http::ClientResponse>(report_client.status());
    if (!r.ok() || (r->status != 200 && r->status != 204)) {
      std::cerr << "s3_bench: PutBucketInventoryConfiguration failed: "
                << (r.ok() ? s3::S3Client::ErrorSummary(*r) : r.status().ToString()) << "\n";
      return 1;
    }
    std::string payload(4 << 10, 'r');
    auto put_op = [&](const std::string& prefix) {
      return [&, prefix](int t, uint64_t i, uint64_t*) -> Result<uint64_t> {
        s3::S3Call call;
        call.method = "PUT";
        call.bucket = kDataBucket;
        call.key = prefix + "/t" + std::to_string(t) + "/" + std::to_string(i);
        call.body = payload;
        RETURN_IF_ERROR(CheckStatus(clients[t]->Send(call), 200, "PutObject"));
        return static_cast<uint64_t>(payload.size());
      };
    };
    // The baseline right before, under the same conditions (disk state, load).
    Quiesce(floor_parent);
    results.push_back(RunPhase("put-4KiB (baseline)", flags.connections, flags.duration_seconds,
                               UINT64_MAX, put_op("baseline")));
    put_p99_plain = results.back().p99_ms;
    Quiesce(floor_parent);
    std::atomic<bool> stop_reports{false};
    std::thread reporter([&] { RunReportsUntil(**report_client, stop_reports, &report_runs); });
    // Let the first report start before the PUT load begins.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    results.push_back(RunPhase("put-4KiB + report", flags.connections, flags.duration_seconds,
                               UINT64_MAX, put_op("during-report")));
    put_p99_report = results.back().p99_ms;
    stop_reports = true;
    reporter.join();
  }

  PrintTable(results, floor_ops[0], floor_ops[1]);
  if (report_runs.runs > 0 || !report_runs.error.empty()) {
    std::printf(
        "\nreports during put-4KiB + report: %d CSV runs of %s rows each, %.0f rows/s "
        "while serving; PUT p99 %.2f ms vs %.2f ms in the baseline just before = %.2fx%s%s\n",
        report_runs.runs,
        WithThousands(report_runs.runs ? report_runs.rows / report_runs.runs : 0).c_str(),
        report_runs.seconds > 0 ? report_runs.rows / report_runs.seconds : 0.0, put_p99_report,
        put_p99_plain, put_p99_plain > 0 ? put_p99_report / put_p99_plain : 0.0,
        report_runs.error.empty() ? "" : "; report error: ", report_runs.error.c_str());
  }
  if (walk_pages > 0) {
    std::printf(
        "\nfull ListObjectsV2 walk, 1 connection: %s keys in %s pages, %.2f s = %s keys/s\n",
        WithThousands(walk_keys).c_str(), WithThousands(walk_pages).c_str(), walk_seconds,
        WithThousands(static_cast<uint64_t>(walk_keys / walk_seconds)).c_str());
  }
  std::printf(
      "floor = write + fdatasync + close + rename + fsync(dir) of the same bytes in %s "
      "(no metadata commit)\n",
      floor_parent.c_str());
  std::printf("load average at end: %s\n", LoadAverage().c_str());

  nlohmann::json j;
  j["bench"] = "s3_bench";
  j["connections"] = flags.connections;
  j["duration_seconds"] = flags.duration_seconds;
  j["list_keys"] = flags.list_keys;
  j["list_load"] = flags.list_load;
  j["cpus"] = std::thread::hardware_concurrency();
  nlohmann::json phases = nlohmann::json::object();
  for (const PhaseResult& r : results) {
    phases[r.name] = {{"ops", r.ops},
                      {"ops_per_s", std::round(r.ops_per_s() * 10) / 10},
                      {"mb_per_s", std::round(r.mb_per_s() * 100) / 100},
                      {"p50_ms", std::round(r.p50_ms * 1000) / 1000},
                      {"p99_ms", std::round(r.p99_ms * 1000) / 1000},
                      {"errors", r.errors},
                      {"load1_before", r.load_before}};
    if (r.items > 0) phases[r.name]["keys_per_s"] = std::round(r.items / r.seconds);
    if (r.name == "put-4KiB" && floor_ops[0] > 0) {
      j["ratio_put_4KiB_vs_floor"] = std::round(r.ops_per_s() / floor_ops[0] * 1000) / 1000;
    }
    if (r.name == "put-1MiB" && floor_ops[1] > 0) {
      j["ratio_put_1MiB_vs_floor"] = std::round(r.ops_per_s() / floor_ops[1] * 1000) / 1000;
    }
  }
  j["phases"] = phases;
  if (report_runs.runs > 0) {
    j["report_during_put"] = {
        {"runs", report_runs.runs},
        {"rows_per_run", report_runs.rows / report_runs.runs},
        {"rows_per_s", std::round(report_runs.rows / std::max(report_runs.seconds, 1e-9))},
        {"put_p99_ms_plain", std::round(put_p99_plain * 1000) / 1000},
        {"put_p99_ms_during_report", std::round(put_p99_report * 1000) / 1000},
        {"put_p99_ratio",
         put_p99_plain > 0 ? std::round(put_p99_report / put_p99_plain * 100) / 100 : 0.0}};
  }
  if (walk_pages > 0) {
    j["list_walk_1conn_seconds"] = std::round(walk_seconds * 1000) / 1000;
    j["list_walk_1conn_keys_per_s"] = std::round(walk_keys / walk_seconds);
  }
  std::printf("%s\n", j.dump().c_str());

  Status st = server.Stop();
  if (!st.ok()) std::cerr << "s3_bench: " << st.ToString() << "\n";
  uint64_t errors = 0;
  for (const PhaseResult& r : results) errors += r.errors;
  bool ok = errors == 0 && st.ok();
  if (!data_dir.empty() && !flags.keep_data_dir) {
    RemoveTree(data_dir).IgnoreError();
    // The server's log goes too, unless something failed (then it is where to look).
    if (ok) RemoveTree(data_dir + ".log").IgnoreError();
  }
  if (!ok && !data_dir.empty()) std::cerr << "s3_bench: server log: " << data_dir << ".log\n";
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace stocktake::bench

int main(int argc, char** argv) {
  stocktake::bench::Flags flags;
  flags.stocktake_bin = stocktake::bench::ExecutableDir() + "/stocktake";
  flags.tmp_dir = stocktake::bench::DefaultTmpDir();
  CLI::App app{"s3_bench: PUT/GET/ListObjectsV2 through the real server vs the durability floor"};
  app.add_option("--endpoint", flags.endpoint,
                 "Use a running server (http://HOST:PORT) instead of starting one; keys from "
                 "--access-key/--secret-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
  app.add_option("--access-key", flags.access_key, "Access key (with --endpoint)");
  app.add_option("--secret-key", flags.secret_key, "Secret key (with --endpoint)");
  app.add_option("--connections", flags.connections, "Concurrent connections")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--duration-seconds", flags.duration_seconds, "Seconds per phase")
      ->capture_default_str();
  app.add_option("--rounds", flags.rounds,
                 "The floor and PUT phases alternate in this many slices of the duration")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--list-keys", flags.list_keys, "Keys in the listed bucket")
      ->capture_default_str()
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  app.add_option("--report-keys", flags.report_keys,
                 "Objects of the bucket reported on during put4k+report (0: skip that phase)")
      ->capture_default_str();
  app.add_option("--list-load", flags.list_load,
                 "bulk: load list keys with the store's bulk loader before the server starts; "
                 "put: concurrent 0-byte PUTs (forced with --endpoint)")
      ->check(CLI::IsMember({"bulk", "put"}))
      ->capture_default_str();
  app.add_option("--phases", flags.phases,
                 "Comma list of put4k,get4k,put1m,get1m,list,put4k+report")
      ->capture_default_str();
  app.add_option("--tmp-dir", flags.tmp_dir, "Where the data dir and floor files go")
      ->capture_default_str();
  app.add_option("--stocktake-bin", flags.stocktake_bin, "The stocktake binary")
      ->capture_default_str();
  app.add_flag("--keep-data-dir", flags.keep_data_dir, "Keep the server's data directory");
  CLI11_PARSE(app, argc, argv);
  return stocktake::bench::Run(flags);
}
