// Shared helpers of the benchmarks in bench/: timing, latency percentiles, memory figures from
// /proc, the machine load, temporary directories, and starting the real `stocktake serve` binary
// as a child process. Benchmarks print a table for people and one JSON line for tools.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace stocktake::bench {

using SteadyClock = std::chrono::steady_clock;

inline double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// p in [0, 100] of `values` (sorted in place); 0 when empty.
double Percentile(std::vector<double>* values, double p);

// Figures of /proc/self/status in KiB (VmRSS = now, VmHWM = peak since start); 0 if unknown.
struct MemoryKiB {
  uint64_t rss = 0;
  uint64_t hwm = 0;
};
MemoryKiB ReadProcessMemory();
// getrusage(RUSAGE_SELF) peak resident set in KiB.
uint64_t MaxRssKiB();
// User + system CPU seconds of this process so far.
double ProcessCpuSeconds();
// User + system CPU seconds of process `pid` so far (/proc/PID/stat), 0 if unknown.
double ProcessCpuSecondsOf(pid_t pid);

// "1.23 4.56 7.89" from /proc/loadavg (1, 5, 15 minutes).
std::string LoadAverage();
double LoadAverage1();
// Prints "machine: N cpus, load average ..." and flushes stdout (a benchmark's header line).
void PrintMachine();

// Samples the resident set (VmRSS, read from /proc/self/statm) every `period_ms` on a background
// thread between Start() and Stop(), keeping the peak: the honest peak of one phase (VmHWM covers
// the whole process life).
class RssSampler {
 public:
  explicit RssSampler(int period_ms = 20) : period_ms_(period_ms) {}
  ~RssSampler();
  void Start();
  // Returns the peak VmRSS (KiB) seen since Start().
  uint64_t Stop();

 private:
  struct State;
  int period_ms_;
  State* state_ = nullptr;
};

// $TMPDIR, or /tmp when it is unset or empty (the default parent of temporary directories).
std::string DefaultTmpDir();
// Makes a fresh directory `parent/name-XXXXXX`; returns its path.
Result<std::string> MakeTempDir(const std::string& parent, const std::string& name);
Status RemoveTree(const std::string& path);

// A benchmark's data directory: the one given, or a fresh temporary one that is removed when this
// goes out of scope (on failure too: it can hold gigabytes), unless kept.
class ScopedDataDir {
 public:
  ScopedDataDir() = default;
  ~ScopedDataDir();
  ScopedDataDir(const ScopedDataDir&) = delete;
  ScopedDataDir& operator=(const ScopedDataDir&) = delete;

  // When *data_dir is empty, makes a fresh directory `parent/name-XXXXXX` and stores its path in
  // *data_dir; `keep` leaves it in place at the end.
  Status Prepare(const std::string& parent, const std::string& name, bool keep,
                 std::string* data_dir);
  // Whether Prepare made the directory.
  bool made() const { return !made_dir_.empty(); }

 private:
  std::string made_dir_;  // "" = none made
  bool keep_ = false;
};
// What a benchmark loaded into a reusable data directory, in its file `marker_file` there, so a
// later run with the same --objects measures the same data without loading it again.
// ReadLoadMarker: the record written by WriteLoadMarker, std::nullopt when there is none, or
// InvalidArgument when the directory holds a load of another --objects.
Result<std::optional<nlohmann::json>> ReadLoadMarker(const std::string& data_dir,
                                                     const std::string& marker_file,
                                                     uint64_t objects);
// Writes `record` (with "objects" set) atomically, readable by the owner only: it holds keys.
Status WriteLoadMarker(const std::string& data_dir, const std::string& marker_file,
                       uint64_t objects, nlohmann::json record);

// Bytes under `path` (regular files, recursively).
uint64_t TreeBytes(const std::string& path);

// The directory holding this executable (for finding the `stocktake` binary next to it).
std::string ExecutableDir();

// A `stocktake serve` child process on a free port. The root keys come from the environment
// variables STOCKTAKE_ROOT_ACCESS_KEY/SECRET_KEY, set for the child only.
struct ServerOptions {
  std::string binary;  // path of `stocktake`
  std::string data_dir;
  std::string access_key;
  std::string secret_key;
  std::string log_file;  // the server's stderr; "" = /dev/null
  std::vector<std::string> extra_args;
};

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();  // stops the server if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (up to 60 s) for its "stocktake listening on http://ADDR:PORT"
  // line.
  Status Start(const ServerOptions& options);
  // SIGTERM, then waits for a clean exit (SIGKILL after 30 s).
  Status Stop();
  const std::string& endpoint() const { return endpoint_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string endpoint_;
};

// Runs the program `path` with `argv` (argv[0] is only its name) as a child with stdout captured
// (stderr passes through); waits for it and returns its stdout, with the child's peak RSS (wait4
// rusage) in *max_rss_kib. Fails if it exits non-0. path "/proc/self/exe" re-executes this very
// binary, even if the file has been rebuilt meanwhile.
Result<std::string> RunChild(const std::string& path, const std::vector<std::string>& argv,
                             uint64_t* max_rss_kib);

// Formatting helpers for tables.
std::string Fixed(double value, int decimals);
std::string WithThousands(uint64_t value);
std::string Mib(uint64_t bytes);  // "123.4"

}  // namespace stocktake::bench
