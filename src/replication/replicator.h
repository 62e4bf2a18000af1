// Replicator: the asynchronous half of bucket replication (issue 6). Operations that create a
// version under a matching rule store it with replication status PENDING and call Enqueue; one
// worker thread copies each such version (bytes, metadata, tags, checksums, lock settings, its
// version id) into the rule's destination bucket on this server, where the copy has status
// REPLICA, and marks the source COMPLETED, or FAILED when the destination is missing, not
// versioned, refuses the replica or the copy fails (no retry, as S3 for FAILED).
//
// Durability: the status lives in the version's record, so the record is the queue. Start()
// re-queues every PENDING version of the buckets that have a replication configuration, which
// covers work that was queued in memory when the server stopped or crashed.
//
// Thread safety: all public methods may be called concurrently.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>

#include "common/status.h"
#include "store/object_store.h"

namespace stocktake::replication {

// Replication status values (x-amz-replication-status; inventory ReplicationStatus, spec §1.2).
inline constexpr std::string_view kPending = "PENDING";
inline constexpr std::string_view kCompleted = "COMPLETED";
inline constexpr std::string_view kFailed = "FAILED";
inline constexpr std::string_view kReplica = "REPLICA";

struct ReplicatorOptions {
  // Whether `destination` accepts the replica of `key` from `source` (its bucket policy);
  // injected so that this module does not depend on s3/. Unset: only a destination of the
  // source bucket's owner accepts.
  std::function<Status(const store::Bucket& source, const store::Bucket& destination,
                       std::string_view key)>
      authorize;
};

class Replicator {
 public:
  Replicator(store::ObjectStore* store, ReplicatorOptions options);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Re-queues the PENDING versions found in the store and starts the worker.
  Status Start();
  // Stops the worker; queued versions stay PENDING in the store for the next Start().
  void Stop();

  // Queues a committed version whose status is PENDING (others are skipped when processed).
  void Enqueue(std::string_view bucket, std::string_view key, std::string_view version_id);
  // Blocks until the queue is empty and nothing is being copied (tests).
  void WaitIdle();

  // Replicates one version now and records the outcome on it; OK also when there is nothing to
  // do (the version is gone or no longer PENDING). The worker calls it; tests call it directly.
  Status ReplicateVersion(std::string_view bucket, std::string_view key,
                          std::string_view version_id);

 private:
  using Item = std::tuple<std::string, std::string, std::string>;  // bucket, key, version id

  void WorkerLoop();
  // Copies `version` to its rule's destination; the error says why it FAILED.
  Status CopyToDestination(const store::ObjectVersion& version);
  Result<store::ObjectVersion> BuildReplica(const store::ObjectVersion& version,
                                            const store::Bucket& destination,
                                            std::string_view storage_class, bool owner_override,
                                            std::vector<std::unique_ptr<store::BlobWriter>>* blobs);
  Result<std::unique_ptr<store::BlobWriter>> CopyRange(const store::ObjectVersion& version,
                                                       uint64_t offset, uint64_t length);

  store::ObjectStore* store_;
  ReplicatorOptions options_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Item> queue_;
  std::set<Item> queued_;  // no version is queued twice
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace stocktake::replication
