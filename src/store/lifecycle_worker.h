// The lifecycle worker: applies every bucket's lifecycle rules (store/lifecycle_rules.h) at the
// time of the injected Clock. A pass expires current versions (removes them, or adds a delete
// marker in a versioned bucket), removes noncurrent versions, removes delete markers left alone
// when a rule says ExpiredObjectDeleteMarker, and aborts incomplete multipart uploads.
//
// Object Lock: a version under retention (any mode) or a legal hold is never removed; it is
// retried on later passes. Expiring a locked current version in a versioned bucket only adds a
// delete marker, as on AWS.
//
// Thread safety: RunOnce may run concurrently with requests. Between reading a version from the
// pass's snapshot and removing it, the worker re-reads the latest version, so a version written
// meanwhile is not removed in place of the expired one.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "store/object_store.h"

namespace stocktake::store {

struct LifecycleWorkerOptions {
  // Time between passes (real time). Actions are due at midnight UTC, so an hour is plenty.
  int64_t interval_ms = 3600 * 1000;
  // Called with each failure of a pass (the worker goes on with the next bucket or pass).
  std::function<void(const Status&)> on_error;
};

struct LifecyclePassStats {
  uint64_t expired_current = 0;         // current versions removed or hidden by a delete marker
  uint64_t removed_noncurrent = 0;      // noncurrent versions (and delete markers) removed
  uint64_t removed_delete_markers = 0;  // expired object delete markers removed
  uint64_t aborted_uploads = 0;
  uint64_t kept_locked = 0;  // due but protected by Object Lock
};

class LifecycleWorker {
 public:
  LifecycleWorker(ObjectStore* store, const Clock* clock, LifecycleWorkerOptions options);
  ~LifecycleWorker();  // stops the thread
  LifecycleWorker(const LifecycleWorker&) = delete;
  LifecycleWorker& operator=(const LifecycleWorker&) = delete;

  // Starts the thread: a first pass at once, then one per interval.
  void Start();
  void Stop();

  // One pass over every bucket with rules, at clock->NowMillis().
  Result<LifecyclePassStats> RunOnce();

 private:
  void Loop();

  ObjectStore* store_;
  const Clock* clock_;
  LifecycleWorkerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace stocktake::store
