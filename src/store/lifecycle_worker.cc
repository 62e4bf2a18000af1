#include "store/lifecycle_worker.h"

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/lifecycle_rules.h"

namespace stocktake::store {
namespace {

// What a pass needs to remember of one version until its key's versions are all seen.
struct Entry {
  std::string version_id;  // "" = the null version
  int64_t last_modified_ms = 0;
  bool is_delete_marker = false;
  bool due = false;          // an expiration action is due now
  bool locked = false;       // Object Lock retention or legal hold in force
  bool marker_rule = false;  // a rule removes it once it is an expired object delete marker
};

bool IsLocked(const ObjectVersion& v, int64_t now_ms) {
  return v.object_lock_legal_hold == "ON" || EffectiveRetainUntilMs(v, now_ms) > now_ms;
}

std::string_view VersionArg(const Entry& e) {
  return e.version_id.empty() ? std::string_view("null") : std::string_view(e.version_id);
}

class BucketPass {
 public:
  BucketPass(ObjectStore* store, const Bucket& bucket, std::vector<LifecycleRule> rules,
             int64_t now_ms, LifecyclePassStats* stats)
      : store_(store), bucket_(bucket), rules_(std::move(rules)), now_ms_(now_ms), stats_(stats) {}

  Status Run(const std::atomic<bool>& stop) {
    ASSIGN_OR_RETURN(auto scan, store_->NewSnapshotScan(bucket_.name, ""));
    ObjectVersion version;
    VersionHistory history;
    std::string key;
    std::vector<Entry> entries;
    while (!stop.load() && scan->Next(&version)) {
      if (version.key != key && !entries.empty()) {
        RETURN_IF_ERROR(FinishKey(key, entries));
        entries.clear();
      }
      key = version.key;
      VersionPosition position = history.Next(version);
      std::optional<int64_t> due = ExpirationMs(rules_, version, position);
      entries.push_back(
          Entry{version.version_id, version.last_modified_ms, version.is_delete_marker,
                due && *due <= now_ms_, IsLocked(version, now_ms_),
                version.is_delete_marker && RemovesExpiredDeleteMarker(rules_, version)});
    }
    RETURN_IF_ERROR(scan->status());
    // A key cut short by Stop() is left alone: its older versions were not seen.
    if (stop.load()) return Status::OK();
    if (!entries.empty()) RETURN_IF_ERROR(FinishKey(key, entries));
    return AbortUploads();
  }

 private:
  // Applies the due actions to one key's versions (newest first).
  Status FinishKey(const std::string& key, const std::vector<Entry>& entries) {
    size_t remaining = entries.size();
    for (size_t i = 1; i < entries.size(); ++i) {
      if (!entries[i].due) continue;
      ASSIGN_OR_RETURN(bool removed, Remove(key, &entries[i]));
      if (removed) {
        ++stats_->removed_noncurrent;
        --remaining;
      }
    }
    const Entry& latest = entries.front();
    if (!latest.is_delete_marker && latest.due) return ExpireCurrent(key, latest);
    if (latest.is_delete_marker && latest.marker_rule && remaining == 1) {
      ASSIGN_OR_RETURN(bool unchanged, StillLatest(key, latest));
      if (!unchanged) return Status::OK();
      ASSIGN_OR_RETURN(bool removed, Remove(key, &latest));
      if (removed) ++stats_->removed_delete_markers;
    }
    return Status::OK();
  }

  // Removes one version permanently unless Object Lock protects it; false when kept.
  Result<bool> Remove(const std::string& key, const Entry* entry) {
    if (entry->locked) {
      ++stats_->kept_locked;
      return false;
    }
    auto deleted = store_->DeleteObject(bucket_.name, key, VersionArg(*entry));
    if (deleted.status().code() == StatusCode::kPermissionDenied) {
      ++stats_->kept_locked;
      return false;
    }
    RETURN_IF_ERROR(deleted.status());
    return true;
  }

  // Whether `latest` is still the key's latest version (nothing was written since the snapshot).
  Result<bool> StillLatest(const std::string& key, const Entry& latest) {
    auto current = store_->GetObject(bucket_.name, key, std::nullopt);
    if (current.status().IsNotFound()) return false;
    RETURN_IF_ERROR(current.status());
    return current->version_id == latest.version_id &&
           current->last_modified_ms == latest.last_modified_ms &&
           current->is_delete_marker == latest.is_delete_marker;
  }

  Status ExpireCurrent(const std::string& key, const Entry& latest) {
    // Only a versioned bucket keeps the data (behind a delete marker); elsewhere the expiration
    // removes the version, which a lock forbids.
    if (latest.locked && bucket_.versioning != Versioning::kEnabled) {
      ++stats_->kept_locked;
      return Status::OK();
    }
    // Overwritten or deleted since the snapshot: the new latest version is not due.
    ASSIGN_OR_RETURN(bool unchanged, StillLatest(key, latest));
    if (!unchanged) return Status::OK();
    auto deleted = store_->DeleteObject(bucket_.name, key, std::nullopt);
    if (deleted.status().code() == StatusCode::kPermissionDenied) {
      ++stats_->kept_locked;
      return Status::OK();
    }
    RETURN_IF_ERROR(deleted.status());
    ++stats_->expired_current;
    return Status::OK();
  }

  Status AbortUploads() {
    ASSIGN_OR_RETURN(auto uploads, store_->ListMultipartUploads(bucket_.name));
    for (const MultipartUpload& upload : uploads) {
      std::optional<int64_t> due = AbortMultipartMs(rules_, upload.key, upload.initiated_ms);
      if (!due || *due > now_ms_) continue;
      Status st = store_->AbortMultipartUpload(upload.upload_id);
      if (st.IsNotFound()) continue;  // completed or aborted meanwhile
      RETURN_IF_ERROR(st);
      ++stats_->aborted_uploads;
    }
    return Status::OK();
  }

  ObjectStore* store_;
  const Bucket& bucket_;
  std::vector<LifecycleRule> rules_;
  int64_t now_ms_;
  LifecyclePassStats* stats_;
};

}  // namespace

LifecycleWorker::LifecycleWorker(ObjectStore* store, const Clock* clock,
                                 LifecycleWorkerOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

LifecycleWorker::~LifecycleWorker() { Stop(); }

void LifecycleWorker::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void LifecycleWorker::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LifecycleWorker::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto stats = RunOnce();
    if (!stats.ok() && options_.on_error) options_.on_error(stats.status());
    lock.lock();
    wake_.wait_for(lock, std::chrono::milliseconds(options_.interval_ms),
                   [this] { return stopping_.load(); });
  }
}

Result<LifecyclePassStats> LifecycleWorker::RunOnce() {
  LifecyclePassStats stats;
  ASSIGN_OR_RETURN(std::vector<Bucket> buckets, store_->ListBuckets());
  int64_t now_ms = clock_->NowMillis();
  for (const Bucket& bucket : buckets) {
    if (stopping_.load()) break;
    auto rules = LifecycleRulesOf(bucket);
    Status st = rules.status();
    if (st.ok() && !rules->empty()) {
      st = BucketPass(store_, bucket, std::move(rules).value(), now_ms, &stats).Run(stopping_);
    }
    // One bucket's failure (e.g. deleted during the pass) does not stop the others.
    if (!st.ok() && !st.IsNotFound() && options_.on_error) {
      options_.on_error(
          Status(st.code(), "lifecycle of bucket " + bucket.name + ": " + st.message()));
    }
  }
  return stats;
}

}  // namespace stocktake::store
