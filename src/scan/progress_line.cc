#include "scan/progress_line.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace stocktake::scan {

ProgressLine::ProgressLine(bool enabled, std::function<std::string()> render)
    : render_(std::move(render)) {
  if (enabled) thread_ = std::thread([this] { Loop(); });
}

ProgressLine::~ProgressLine() { Stop(); }

void ProgressLine::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
  }
}

bool ProgressLine::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressLine::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    std::string line = "\r\033[K" + render_();
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stopping_; });
  }
}

std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatElapsed(double seconds) {
  auto s = static_cast<uint64_t>(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%llu:%02llu:%02llu", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%02llu:%02llu", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

}  // namespace stocktake::scan
