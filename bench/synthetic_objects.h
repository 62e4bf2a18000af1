// Synthetic bucket contents for benchmarks: N objects with realistic keys and versions, generated
// deterministically from the object index (nothing is kept in memory, so 100 M objects need no
// more RAM than 1 M).
//
// Keys look like real bucket layouts — "images/2023/07/14/user-00012345/0042-beach-sunset.jpg",
// "logs/year=2022/month=03/day=09/host-00004567/017-api_gateway.log.gz", "tmp/upload-0000123456"
// — 20 to ~200 bytes, ~60 on average, with a few spaces and non-ASCII letters (URL-encoded in CSV).
// Key(i) is strictly increasing in i (bytewise), so a loader that walks i in order appends to the
// end of the key space, as RocksDB likes it.
//
// Versions: ~92 % of the objects have one version (70 % of them a real version id, the rest the
// null version), ~6 % have 2-4 versions, ~2 % are deleted (1-2 versions under a delete marker).
// The owner is one account; sizes are log-spread from 0 B to 16 GiB; storage classes mostly
// STANDARD; ~3 % multipart ETags; half the objects carry a CRC32 checksum.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/benchmark_hooks.h"

namespace stocktake::bench {

class SyntheticObjects {
 public:
  enum class Kind { kSingle, kVersioned, kDeleted };

  SyntheticObjects(uint64_t objects, std::string bucket, std::string owner_account_id);

  uint64_t objects() const { return objects_; }
  // The key of object i, 0 <= i < objects(); Key(i) < Key(i + 1) bytewise.
  void Key(uint64_t i, std::string* out) const;
  Kind KindOf(uint64_t i) const;
  // Appends the versions of object i to *out, oldest first (the delete marker last, if any), in
  // the form store::BulkLoadForBenchmark takes. Returns how many were appended.
  size_t AppendVersions(uint64_t i, std::vector<store::ObjectVersion>* out) const;

 private:
  uint64_t objects_;
  std::string bucket_;
  std::string owner_;
};

// The account of a benchmark that bulk-loads a source bucket and has reports delivered to
// another bucket of the same account (us-east-1).
struct BenchAccount {
  std::string account_id;
  std::string display_name;
  std::string access_key;
  std::string secret_key;
  std::string source_bucket;  // versioning on
  std::string report_bucket;  // unversioned
};

// Creates the account (a random canonical id), its active access key and both buckets.
Status CreateBenchAccount(store::ObjectStore* store, const BenchAccount& account);

// Sees the versions of object i (oldest first) before they are loaded; an error stops the load.
using VisitVersions =
    std::function<Status(uint64_t i, std::span<const store::ObjectVersion> versions)>;

// Versions per store::BulkLoadForBenchmark call of BulkLoad (the last batch is smaller).
constexpr size_t kBulkLoadBatchVersions = 100'000;

// Bulk-loads all objects of `objects` in order through store::BulkLoadForBenchmark, in
// batches of kBulkLoadBatchVersions (an object's versions stay in one batch, so a batch may
// exceed it by a few); `visit` (optional) sees each object's versions first.
Status BulkLoad(store::ObjectStore* store, const SyntheticObjects& objects,
                const VisitVersions& visit = nullptr);

}  // namespace stocktake::bench
