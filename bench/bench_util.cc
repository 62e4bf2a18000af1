#include "bench_util.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <thread>

#include "io/file.h"

namespace stocktake::bench {
namespace {

Status Errno(const std::string& what) {
  return Status::IOError(what + ": " + std::strerror(errno));
}

uint64_t StatusFieldKiB(const std::string& text, std::string_view name) {
  size_t pos = text.find(name);
  if (pos == std::string::npos) return 0;
  pos += name.size();
  while (pos < text.size() && (text[pos] == ':' || text[pos] == ' ' || text[pos] == '\t')) ++pos;
  return std::strtoull(text.c_str() + pos, nullptr, 10);
}

// Resident set in KiB from /proc/self/statm (second field, pages): much cheaper than
// /proc/self/status, so the sampler does not perturb the phase it measures.
uint64_t ReadRssKiBFast() {
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[256];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char* end = nullptr;
  std::strtoull(buf, &end, 10);  // size
  uint64_t resident_pages = std::strtoull(end, nullptr, 10);
  return resident_pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

}  // namespace

double Percentile(std::vector<double>* values, double p) {
  if (values->empty()) return 0;
  std::sort(values->begin(), values->end());
  double rank = p / 100.0 * static_cast<double>(values->size() - 1);
  size_t lo = static_cast<size_t>(std::floor(rank));
  size_t hi = std::min(values->size() - 1, lo + 1);
  double frac = rank - static_cast<double>(lo);
  return (*values)[lo] * (1 - frac) + (*values)[hi] * frac;
}

MemoryKiB ReadProcessMemory() {
  // /proc/self/status is small; read it with one read() to keep the sampler cheap.
  int fd = ::open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  char buf[4096];
  ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return {};
  std::string text(buf, static_cast<size_t>(n));
  return {StatusFieldKiB(text, "VmRSS"), StatusFieldKiB(text, "VmHWM")};
}

uint64_t MaxRssKiB() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);
}

double ProcessCpuSeconds() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

double ProcessCpuSecondsOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::strtod(field.c_str(), nullptr);
    if (i == 15) stime = std::strtod(field.c_str(), nullptr);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  return Fixed(a, 2) + " " + Fixed(b, 2) + " " + Fixed(c, 2);
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double a = 0;
  in >> a;
  return a;
}

void PrintMachine() {
  std::printf("machine: %u cpus, load average %s\n", std::thread::hardware_concurrency(),
              LoadAverage().c_str());
  std::fflush(stdout);
}

struct RssSampler::State {
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  uint64_t peak = 0;
  std::thread thread;
};

RssSampler::~RssSampler() { Stop(); }

void RssSampler::Start() {
  Stop();
  state_ = new State;
  state_->peak = ReadProcessMemory().rss;
  State* s = state_;
  int period = period_ms_;
  s->thread = std::thread([s, period] {
    std::unique_lock lock(s->mu);
    while (!s->stop) {
      lock.unlock();
      uint64_t rss = ReadRssKiBFast();
      lock.lock();
      s->peak = std::max(s->peak, rss);
      s->cv.wait_for(lock, std::chrono::milliseconds(period), [s] { return s->stop; });
    }
  });
}

uint64_t RssSampler::Stop() {
  if (state_ == nullptr) return 0;
  {
    std::lock_guard lock(state_->mu);
    state_->stop = true;
  }
  state_->cv.notify_all();
  state_->thread.join();
  uint64_t peak = std::max(state_->peak, ReadProcessMemory().rss);
  delete state_;
  state_ = nullptr;
  return peak;
}

std::string DefaultTmpDir() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

Result<std::optional<nlohmann::json>> ReadLoadMarker(const std::string& data_dir,
                                                     const std::string& marker_file,
                                                     uint64_t objects) {
  auto marker = io::ReadFile(data_dir + "/" + marker_file);
  if (!marker.ok()) return std::optional<nlohmann::json>();
  nlohmann::json m = nlohmann::json::parse(*marker, nullptr, false);
  if (m.is_discarded() || m.value("objects", uint64_t{0}) != objects) {
    return Status::InvalidArgument(data_dir + " holds another load; use a new --data-dir");
  }
  return std::optional<nlohmann::json>(std::move(m));
}

Status WriteLoadMarker(const std::string& data_dir, const std::string& marker_file,
                       uint64_t objects, nlohmann::json record) {
  record["objects"] = objects;
  return io::WriteFileAtomically(data_dir + "/" + marker_file, record.dump(2) + "\n", 0600);
}

Result<std::string> MakeTempDir(const std::string& parent, const std::string& name) {
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  std::string templ = parent + "/" + name + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) return Errno("mkdtemp " + templ);
  return std::string(buf.data());
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IOError("remove " + path + ": " + ec.message());
  return Status::OK();
}

ScopedDataDir::~ScopedDataDir() {
  if (made() && !keep_) RemoveTree(made_dir_).IgnoreError();
}

Status ScopedDataDir::Prepare(const std::string& parent, const std::string& name, bool keep,
                              std::string* data_dir) {
  if (!data_dir->empty()) return Status::OK();
  ASSIGN_OR_RETURN(*data_dir, MakeTempDir(parent, name));
  made_dir_ = *data_dir;
  keep_ = keep;
  return Status::OK();
}

uint64_t TreeBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

std::string ExecutableDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return ".";
  return exe.parent_path().string();
}

ServerProcess::~ServerProcess() { Stop().IgnoreError(); }

Status ServerProcess::Start(const ServerOptions& options) {
  if (::access(options.binary.c_str(), X_OK) != 0) {
    return Status::NotFound("stocktake binary not found at " + options.binary +
                            " (build the `stocktake` target, or pass --stocktake-bin)");
  }
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Errno("pipe");
  std::vector<std::string> args = {options.binary,   "serve",  "--data-dir",
                                   options.data_dir, "--port", "0",
                                   "--log-level",    "warn",   "--inventory-first-run",
                                   "schedule"};
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log = options.log_file.empty() ? "/dev/null" : options.log_file;

  pid_t pid = ::fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (err >= 0) ::dup2(err, STDERR_FILENO);
    ::setenv("STOCKTAKE_ROOT_ACCESS_KEY", options.access_key.c_str(), 1);
    ::setenv("STOCKTAKE_ROOT_SECRET_KEY", options.secret_key.c_str(), 1);
    ::execv(argv[0], argv.data());
    std::perror("execv stocktake");
    ::_exit(127);
  }
  ::close(out[1]);
  pid_ = pid;
  // Read lines until the listening line (or EOF / timeout).
  std::string pending;
  const std::string marker = "stocktake listening on ";
  auto deadline = SteadyClock::now() + std::chrono::seconds(60);
  Status st = Status::Internal("stocktake serve exited before listening (see " + log + ")");
  while (SteadyClock::now() < deadline) {
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t pos = pending.find(marker);
    if (pos != std::string::npos) {
      size_t eol = pending.find('\n', pos);
      if (eol == std::string::npos) continue;
      endpoint_ = pending.substr(pos + marker.size(), eol - pos - marker.size());
      st = Status::OK();
      break;
    }
  }
  // The server writes nothing more to stdout; it ignores SIGPIPE if it ever does.
  ::close(out[0]);
  if (!st.ok()) Stop().IgnoreError();
  return st;
}

Status ServerProcess::Stop() {
  if (pid_ <= 0) return Status::OK();
  ::kill(pid_, SIGTERM);
  int status = 0;
  auto deadline = SteadyClock::now() + std::chrono::seconds(30);
  while (true) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) break;
    if (r < 0 && errno != EINTR) break;
    if (SteadyClock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return Status::Internal("stocktake serve did not stop within 30 s; killed");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal("stocktake serve exited with status " + std::to_string(status));
  }
  return Status::OK();
}

Result<std::string> RunChild(const std::string& path, const std::vector<std::string>& args,
                             uint64_t* max_rss_kib) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return Errno("pipe");
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (std::string& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = ::fork();
  if (pid < 0) return Errno("fork");
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::execv(path.c_str(), argv.data());
    std::perror(("execv " + path).c_str());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string output;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(out[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  if (max_rss_kib != nullptr) *max_rss_kib = static_cast<uint64_t>(usage.ru_maxrss);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal("child `" + args[0] + " " + (args.size() > 1 ? args[1] : "") + " " +
                            (args.size() > 2 ? args[2] : "") + "` failed (status " +
                            std::to_string(status) + "): " + output);
  }
  return output;
}

std::string Fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, value);
  return buf;
}

std::string WithThousands(uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Mib(uint64_t bytes) { return Fixed(static_cast<double>(bytes) / (1 << 20), 1); }

}  // namespace stocktake::bench
