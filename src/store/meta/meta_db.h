// MetaDb: the one adapter over RocksDB. Everything RocksDB-specific (options, tuning, Status and
// exception translation, snapshots, iterator bounds) stays behind this header, which includes no
// RocksDB header, so the rest of the store sees only byte-string keys and values.
//
// Thread safety: MetaDb and its methods are thread-safe; a WriteBatch or an Iterator is used by
// one thread at a time. Iterators and snapshots must not outlive their MetaDb.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace rocksdb {
class DB;
class ManagedSnapshot;
class WriteBatch;
}  // namespace rocksdb

namespace stocktake::store::meta {

struct MetaDbOptions {
  // LRU block cache shared by data, index and filter blocks.
  size_t block_cache_bytes = size_t{256} << 20;
  size_t write_buffer_bytes = size_t{64} << 20;
};

// A set of puts and deletes applied atomically by MetaDb::Write.
class WriteBatch {
 public:
  WriteBatch();
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  void Put(std::string_view key, std::string_view value);
  void Delete(std::string_view key);
  void Clear();
  size_t count() const;
  size_t byte_size() const;

 private:
  friend class MetaDb;
  std::unique_ptr<rocksdb::WriteBatch> rep_;
  Status status_;  // sticky: an allocation failure while batching fails the Write
};

struct WriteMode {
  bool sync = true;          // fsync the WAL before returning (acknowledged writes)
  bool disable_wal = false;  // benchmark bulk loads only: data reaches disk at flush
};

// A consistent read view (RocksDB ManagedSnapshot): reads through it ignore later writes.
class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  friend class MetaDb;
  explicit Snapshot(std::unique_ptr<rocksdb::ManagedSnapshot> rep);
  std::unique_ptr<rocksdb::ManagedSnapshot> rep_;
};

struct IterateOptions {
  const Snapshot* snapshot = nullptr;  // nullptr = implicit snapshot at creation
  std::string upper_bound;             // exclusive; "" = unbounded
  bool fill_cache = true;              // false for bulk scans: don't evict the working set
  size_t readahead_bytes = 0;          // > 0 for long sequential scans
};

// Forward iterator over keys in byte order.
class Iterator {
 public:
  ~Iterator();
  Iterator(const Iterator&) = delete;
  Iterator& operator=(const Iterator&) = delete;

  void Seek(std::string_view target);
  void Next();
  bool Valid() const;
  // Valid only while Valid() and until the next move.
  std::string_view key() const;
  std::string_view value() const;
  // Check after the loop: Valid() false can mean an error.
  Status status() const;

 private:
  friend class MetaDb;
  struct Rep;
  explicit Iterator(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

class MetaDb {
 public:
  static Result<std::unique_ptr<MetaDb>> Open(const std::string& dir, const MetaDbOptions& options);
  ~MetaDb();
  MetaDb(const MetaDb&) = delete;
  MetaDb& operator=(const MetaDb&) = delete;

  // NotFound when the key is absent.
  Status Get(std::string_view key, std::string* value, const Snapshot* snapshot = nullptr);
  Status Put(std::string_view key, std::string_view value, WriteMode mode);
  Status Write(WriteBatch* batch, WriteMode mode);
  std::unique_ptr<Iterator> NewIterator(const IterateOptions& options);
  std::unique_ptr<Snapshot> NewSnapshot();

  // Estimated bytes stored in [begin, end), table files and memtables (to split long scans).
  uint64_t ApproximateSize(std::string_view begin, std::string_view end);

  // Flushes memtables and compacts everything (benchmarks: settles the on-disk size).
  Status CompactAll();
  // An integer DB property ("rocksdb.total-sst-files-size"...); 0 when unknown.
  uint64_t GetIntProperty(const std::string& name);

 private:
  explicit MetaDb(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace stocktake::store::meta
