// Hooks for benchmarks (bench/) and tests that load or measure the store below the S3 API. They
// are not part of the ObjectStore interface the server uses; the RocksDB store
// (store/object_store.cc) implements them, any other ObjectStore answers InvalidArgument.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "store/object_store.h"

namespace stocktake::store {

// Figures for benchmarks and operators.
struct StoreStats {
  uint64_t metadata_sst_bytes = 0;        // live RocksDB table files
  uint64_t metadata_dir_bytes = 0;        // everything in the metadata directory (+WAL, manifest)
  uint64_t estimated_metadata_keys = 0;   // RocksDB's estimate
  uint64_t metadata_sst_files = 0;        // table files (each live one has an open reader)
  uint64_t table_reader_bytes = 0;        // memory of the open table readers, outside the cache
  uint64_t block_cache_bytes = 0;         // block cache in use (index/filter blocks, data blocks)
  uint64_t block_cache_pinned_bytes = 0;  // of which pinned (top-level index/filter partitions)
};

// Benchmark loader: commits synthetic versions (no blobs) in large unsynced batches, without
// replacing existing versions (give distinct keys). A non-empty version_id asks for a fresh
// version id; "" loads a null version. Durable only after the store is closed.
Status BulkLoadForBenchmark(ObjectStore& store, const std::vector<ObjectVersion>& versions);

// Metadata size on disk; `compact` first flushes and fully compacts (steady-state figure).
Result<StoreStats> GetStatsForBenchmark(ObjectStore& store, bool compact);

}  // namespace stocktake::store
