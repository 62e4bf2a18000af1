// ProgressLine: one status line on stderr, redrawn about four times a second by a background
// thread while the scan runs, and erased when it stops. Disabled (no thread, no output) when
// stderr is not a terminal, so pipes and logs stay clean.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace stocktake::scan {

class ProgressLine {
 public:
  // `render` is called from the background thread; it must be thread-safe.
  ProgressLine(bool enabled, std::function<std::string()> render);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // Stops redrawing and erases the line. Idempotent.
  void Stop();

  static bool StderrIsTerminal();

 private:
  void Loop();
  std::function<std::string()> render_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// "1,234,567"
std::string WithThousands(uint64_t n);
// "1:02:03" / "02:03"
std::string FormatElapsed(double seconds);

}  // namespace stocktake::scan
