#include "replication/replicator.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>

#include "replication/config.h"

namespace stocktake::replication {
namespace {

constexpr size_t kCopyChunkBytes = 256 * 1024;

// Failpoint for restart tests: STOCKTAKE_FAILPOINT_REPLICATION_DELAY_MS holds each queued version
// that long before it is copied, so a test can stop the server while work is PENDING.
std::chrono::milliseconds FailpointDelay() {
  static const int delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_REPLICATION_DELAY_MS");
    return v ? std::atoi(v) : 0;
  }();
  return std::chrono::milliseconds(delay_ms);
}

bool HasObjectLock(const store::ObjectVersion& v) {
  return !v.object_lock_mode.empty() || v.object_lock_legal_hold == "ON" ||
         !v.object_lock_event_hold.empty();
}

}  // namespace

Replicator::Replicator(store::ObjectStore* store, ReplicatorOptions options)
    : store_(store), options_(std::move(options)) {}

Replicator::~Replicator() { Stop(); }

Status Replicator::Start() {
  ASSIGN_OR_RETURN(std::vector<store::Bucket> buckets, store_->ListBuckets());
  for (const store::Bucket& bucket : buckets) {
    if (bucket.FindAttribute(kReplicationAttribute) == nullptr) continue;
    ASSIGN_OR_RETURN(std::unique_ptr<store::SnapshotScan> scan,
                     store_->NewSnapshotScan(bucket.name, ""));
    store::ObjectVersion v;
    size_t found = 0;
    while (scan->Next(&v)) {
      if (v.replication_status != kPending) continue;
      Enqueue(bucket.name, v.key, v.version_id);
      ++found;
    }
    RETURN_IF_ERROR(scan->status());
    if (found > 0) spdlog::info("replication: {} pending versions in {}", found, bucket.name);
  }
  std::lock_guard lock(mu_);
  stopping_ = false;
  worker_ = std::thread([this] { WorkerLoop(); });
  return Status::OK();
}

void Replicator::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Replicator::Enqueue(std::string_view bucket, std::string_view key,
                         std::string_view version_id) {
  Item item{std::string(bucket), std::string(key), std::string(version_id)};
  {
    std::lock_guard lock(mu_);
    if (!queued_.insert(item).second) return;
    queue_.push_back(std::move(item));
  }
  wake_.notify_one();
}

void Replicator::WaitIdle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return (queue_.empty() && !busy_) || stopping_; });
}

void Replicator::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    if (FailpointDelay().count() > 0 &&
        wake_.wait_for(lock, FailpointDelay(), [this] { return stopping_; })) {
      break;
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    queued_.erase(item);
    busy_ = true;
    lock.unlock();
    const auto& [bucket, key, version_id] = item;
    Status st = ReplicateVersion(bucket, key, version_id);
    if (!st.ok()) {
      spdlog::warn("replication: {}/{} version {}: {}", bucket, key, version_id, st.ToString());
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

Status Replicator::ReplicateVersion(std::string_view bucket, std::string_view key,
                                    std::string_view version_id) {
  auto version = store_->GetObject(bucket, key, version_id);
  if (version.status().IsNotFound()) return Status::OK();  // deleted before its turn
  RETURN_IF_ERROR(version.status());
  if (version->replication_status != kPending) return Status::OK();
  Status copied = CopyToDestination(*version);
  if (!copied.ok()) {
    spdlog::info("replication: {}/{} version {} FAILED: {}", bucket, key, version_id,
                 copied.message());
  }
  std::string_view outcome = copied.ok() ? kCompleted : kFailed;
  auto marked = store_->ModifyObjectVersion(bucket, key, version_id,
                                            [outcome](store::ObjectVersion* v, int64_t) {
                                              if (v->replication_status == kPending)
                                                v->replication_status = outcome;
                                              return Status::OK();
                                            });
  // A version deleted while it was being copied keeps its replica, as on S3.
  if (marked.status().IsNotFound()) return Status::OK();
  return marked.status();
}

Status Replicator::CopyToDestination(const store::ObjectVersion& version) {
  ASSIGN_OR_RETURN(store::Bucket source, store_->GetBucket(version.bucket));
  std::optional<Config> config = ConfigOf(source);
  if (!config) return Status::FailedPrecondition("the bucket has no replication configuration");
  const Rule* rule = version.is_delete_marker ? MatchDeleteMarkerRule(*config, version.key)
                                              : MatchRule(*config, version.key, version.tags);
  if (rule == nullptr) return Status::FailedPrecondition("no enabled rule applies any more");
  if (version.version_id.empty()) return Status::FailedPrecondition("a null version");
  auto destination = store_->GetBucket(rule->destination_bucket);
  if (destination.status().IsNotFound()) {
    return Status::NotFound("destination bucket " + rule->destination_bucket + " does not exist");
  }
  RETURN_IF_ERROR(destination.status());
  if (destination->versioning != store::Versioning::kEnabled) {
    return Status::FailedPrecondition("versioning is not enabled on the destination bucket");
  }
  if (options_.authorize) {
    RETURN_IF_ERROR(options_.authorize(source, *destination, version.key));
  } else if (source.owner_account_id != destination->owner_account_id) {
    return Status::PermissionDenied("the destination bucket belongs to another account");
  }
  std::vector<std::unique_ptr<store::BlobWriter>> blobs;
  ASSIGN_OR_RETURN(
      store::ObjectVersion replica,
      BuildReplica(version, *destination, rule->storage_class, rule->owner_override, &blobs));
  // On failure the uncommitted blobs are deleted by their writers' destructors.
  return store_->PutReplica(std::move(replica));
}

Result<store::ObjectVersion> Replicator::BuildReplica(
    const store::ObjectVersion& version, const store::Bucket& destination,
    std::string_view storage_class, bool owner_override,
    std::vector<std::unique_ptr<store::BlobWriter>>* blobs) {
  // The data is copied under the source's own key: S3 replicates SSE-C objects only with the
  // customer key, which it never keeps (nor does Stocktake).
  if (version.encryption == store::kSseC) {
    return Status::FailedPrecondition("SSE-C objects cannot be replicated without their key");
  }
  if (HasObjectLock(version) && !destination.object_lock_enabled) {
    return Status::FailedPrecondition("Object Lock is not enabled on the destination bucket");
  }
  store::ObjectVersion replica = version;
  replica.bucket = destination.name;
  replica.is_latest = false;
  replica.replication_status = std::string(kReplica);
  if (!storage_class.empty() && !version.is_delete_marker) {
    replica.storage_class = std::string(storage_class);
  }
  if (owner_override) replica.owner_account_id = destination.owner_account_id;
  // Read state belongs to the source copy, not to the replica.
  replica.last_access_ms = 0;
  replica.restore_ready_ms = 0;
  replica.restore_expiry_ms = 0;
  if (version.is_delete_marker) return replica;
  // Same part layout as the source, so partNumber reads and the multipart ETag still agree.
  if (!version.part_blob_ids.empty()) {
    uint64_t offset = 0;
    for (size_t i = 0; i < version.part_blob_ids.size(); ++i) {
      uint64_t size = i < version.part_sizes.size() ? version.part_sizes[i] : 0;
      if (version.part_blob_ids[i].empty()) {
        replica.part_blob_ids[i].clear();
      } else {
        ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> blob, CopyRange(version, offset, size));
        replica.part_blob_ids[i] = blob->blob_id();
        blobs->push_back(std::move(blob));
      }
      offset += size;
    }
  } else if (!version.blob_id.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> blob, CopyRange(version, 0, version.size));
    replica.blob_id = blob->blob_id();
    blobs->push_back(std::move(blob));
  }
  return replica;
}

Result<std::unique_ptr<store::BlobWriter>> Replicator::CopyRange(
    const store::ObjectVersion& version, uint64_t offset, uint64_t length) {
  store::BlobEncryption encryption;
  if (!version.encryption.empty()) encryption.mode = version.encryption;
  encryption.kms_key_id = version.kms_key_id;
  encryption.kms_context = version.kms_context;
  ASSIGN_OR_RETURN(std::unique_ptr<store::BlobReader> reader,
                   store_->OpenObjectData(version, offset, length));
  ASSIGN_OR_RETURN(std::unique_ptr<store::BlobWriter> writer, store_->NewBlob(encryption));
  for (;;) {
    ASSIGN_OR_RETURN(std::string_view chunk, reader->Read(kCopyChunkBytes));
    if (chunk.empty()) break;
    RETURN_IF_ERROR(writer->Write(chunk));
  }
  RETURN_IF_ERROR(writer->Finish());
  return writer;
}

}  // namespace stocktake::replication
