#include "store/meta/meta_db.h"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/iterator.h>
#include <rocksdb/options.h>
#include <rocksdb/snapshot.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <exception>
#include <vector>

namespace stocktake::store::meta {
namespace {

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
std::string_view ToView(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::OK();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(std::move(msg));
  if (s.IsCorruption()) return Status::Corruption(std::move(msg));
  if (s.IsNoSpace()) return Status::ResourceExhausted(std::move(msg));
  if (s.IsIOError()) return Status::IOError(std::move(msg));
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return Status::Unavailable(std::move(msg));
  return Status::Internal(std::move(msg));
}

// RocksDB reports errors by Status but may still throw (std::bad_alloc, or from a std container
// in its internals); no exception may escape the store, so every entry point goes through this.
template <typename Fn>
Status Guard(std::string_view what, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) + ": exception: " + e.what());
  } catch (...) {
    return Status::Internal(std::string(what) + ": unknown exception");
  }
}

bool Supported(rocksdb::CompressionType type) {
  auto all = rocksdb::GetSupportedCompressions();
  return std::find(all.begin(), all.end(), type) != all.end();
}

// Tuning for a metadata store of short keys and ~100-byte values, read by point lookups (buckets,
// keys, version ids), short seeks (listings) and long scans (inventory):
// - whole-key bloom filters (10 bits/key, ~1% false positives) make point reads of absent keys
//   (most GetObject/HEAD misses, blob-ref checks) cost no data-block read;
// - index and filter blocks are partitioned and live in the block cache, so memory stays bounded
//   at 100M objects and a long scan loads only the index partitions it is passing through (a
//   monolithic index of a 64 MiB file is loaded whole); top levels and L0's stay pinned;
// - 16 KiB partitions: the pinned top levels (mostly the filter's) grow with the store, ~37 KiB per
//   64 MiB table file with 4 KiB partitions (6 MiB at 100 M objects), a quarter of that now;
// - LZ4 on every level: inventory reports scan everything, and ZSTD's decompression (bottommost
//   level, ~90 % of the data) cost 14-17 % of a report for ~20 % fewer bytes;
// - 16 KiB blocks: better compression and fewer index entries for scan-heavy workloads;
// - dynamic level sizing bounds space amplification to ~1.1x.
rocksdb::Options MakeOptions(const MetaDbOptions& o) {
  rocksdb::Options opt;
  opt.create_if_missing = true;
  opt.IncreaseParallelism(2);
  opt.max_background_jobs = 2;
  opt.write_buffer_size = o.write_buffer_bytes;
  opt.max_write_buffer_number = 3;
  opt.level_compaction_dynamic_level_bytes = true;
  opt.target_file_size_base = 64 << 20;
  opt.max_bytes_for_level_base = 256 << 20;
  opt.bytes_per_sync = 1 << 20;
  opt.keep_log_file_num = 4;
  opt.max_manifest_file_size = 64 << 20;

  if (Supported(rocksdb::kLZ4Compression)) {
    opt.compression = rocksdb::kLZ4Compression;
  } else if (Supported(rocksdb::kSnappyCompression)) {
    opt.compression = rocksdb::kSnappyCompression;
  }

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.whole_key_filtering = true;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 16 << 10;
  table.pin_top_level_index_and_filter = true;
  table.block_size = 16 << 10;
  table.format_version = 5;
  opt.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return opt;
}

}  // namespace

// ---- WriteBatch
// ------------------------------------------------------------------------------------

WriteBatch::WriteBatch() : rep_(std::make_unique<rocksdb::WriteBatch>()) {}
WriteBatch::~WriteBatch() = default;

void WriteBatch::Put(std::string_view key, std::string_view value) {
  if (!status_.ok()) return;
  status_ = Guard("batch put",
                  [&] { return FromRocks(rep_->Put(ToSlice(key), ToSlice(value)), "batch put"); });
}

void WriteBatch::Delete(std::string_view key) {
  if (!status_.ok()) return;
  status_ =
      Guard("batch delete", [&] { return FromRocks(rep_->Delete(ToSlice(key)), "batch delete"); });
}

void WriteBatch::Clear() {
  rep_->Clear();
  status_ = Status::OK();
}

size_t WriteBatch::count() const { return static_cast<size_t>(rep_->Count()); }
size_t WriteBatch::byte_size() const { return rep_->GetDataSize(); }

// ---- Snapshot
// ---------------------------------------------------------------------------------------

Snapshot::Snapshot(std::unique_ptr<rocksdb::ManagedSnapshot> rep) : rep_(std::move(rep)) {}
Snapshot::~Snapshot() = default;

// ---- Iterator
// ---------------------------------------------------------------------------------------

struct Iterator::Rep {
  std::string upper_bound;     // the bytes the bound slice points at
  rocksdb::Slice bound_slice;  // referenced by ReadOptions: must outlive `it`
  std::unique_ptr<rocksdb::Iterator> it;
  Status error;  // an exception caught while moving
};

Iterator::Iterator(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Iterator::~Iterator() = default;

void Iterator::Seek(std::string_view target) {
  Status st = Guard("iterator seek", [&] {
    rep_->it->Seek(ToSlice(target));
    return Status::OK();
  });
  if (!st.ok()) rep_->error = std::move(st);
}

void Iterator::Next() {
  Status st = Guard("iterator next", [&] {
    rep_->it->Next();
    return Status::OK();
  });
  if (!st.ok()) rep_->error = std::move(st);
}

bool Iterator::Valid() const { return rep_->error.ok() && rep_->it->Valid(); }
std::string_view Iterator::key() const { return ToView(rep_->it->key()); }
std::string_view Iterator::value() const { return ToView(rep_->it->value()); }

Status Iterator::status() const {
  if (!rep_->error.ok()) return rep_->error;
  return FromRocks(rep_->it->status(), "iterator");
}

// ---- MetaDb
// -----------------------------------------------------------------------------------------

MetaDb::MetaDb(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

MetaDb::~MetaDb() {
  if (db_ != nullptr) {
    // Close() flushes memtables whose writes skipped the WAL (bulk loads); its error has nowhere
    // to go from a destructor, and the WAL covers every acknowledged write anyway.
    db_->Close().PermitUncheckedError();
  }
}

Result<std::unique_ptr<MetaDb>> MetaDb::Open(const std::string& dir, const MetaDbOptions& options) {
  rocksdb::DB* raw = nullptr;
  Status st = Guard("open rocksdb", [&] {
    return FromRocks(rocksdb::DB::Open(MakeOptions(options), dir, &raw), "open " + dir);
  });
  if (!st.ok()) return st;
  return std::unique_ptr<MetaDb>(new MetaDb(std::unique_ptr<rocksdb::DB>(raw)));
}

Status MetaDb::Get(std::string_view key, std::string* value, const Snapshot* snapshot) {
  return Guard("get", [&] {
    rocksdb::ReadOptions ro;
    if (snapshot != nullptr) ro.snapshot = snapshot->rep_->snapshot();
    rocksdb::Status s = db_->Get(ro, ToSlice(key), value);
    if (s.IsNotFound()) return Status::NotFound("key not found");
    return FromRocks(s, "get");
  });
}

Status MetaDb::Put(std::string_view key, std::string_view value, WriteMode mode) {
  WriteBatch batch;
  batch.Put(key, value);
  return Write(&batch, mode);
}

Status MetaDb::Write(WriteBatch* batch, WriteMode mode) {
  RETURN_IF_ERROR(batch->status_);
  return Guard("write", [&] {
    rocksdb::WriteOptions wo;
    wo.sync = mode.sync && !mode.disable_wal;
    wo.disableWAL = mode.disable_wal;
    return FromRocks(db_->Write(wo, batch->rep_.get()), "write");
  });
}

std::unique_ptr<Iterator> MetaDb::NewIterator(const IterateOptions& options) {
  auto rep = std::make_unique<Iterator::Rep>();
  rep->upper_bound = options.upper_bound;
  rep->bound_slice = ToSlice(rep->upper_bound);
  Status st = Guard("new iterator", [&] {
    rocksdb::ReadOptions ro;
    if (options.snapshot != nullptr) ro.snapshot = options.snapshot->rep_->snapshot();
    if (!rep->upper_bound.empty()) ro.iterate_upper_bound = &rep->bound_slice;
    ro.fill_cache = options.fill_cache;
    ro.readahead_size = options.readahead_bytes;
    rep->it.reset(db_->NewIterator(ro));
    return Status::OK();
  });
  if (!st.ok()) {
    // An iterator that is never valid and reports the error keeps callers' loops uniform.
    rep->it.reset(rocksdb::NewErrorIterator(rocksdb::Status::Aborted(st.message())));
    rep->error = std::move(st);
  }
  return std::unique_ptr<Iterator>(new Iterator(std::move(rep)));
}

std::unique_ptr<Snapshot> MetaDb::NewSnapshot() {
  return std::unique_ptr<Snapshot>(
      new Snapshot(std::make_unique<rocksdb::ManagedSnapshot>(db_.get())));
}

Status MetaDb::CompactAll() {
  return Guard("compact", [&] {
    RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions()), "flush"));
    rocksdb::CompactRangeOptions cro;
    cro.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    return FromRocks(db_->CompactRange(cro, nullptr, nullptr), "compact");
  });
}

uint64_t MetaDb::ApproximateSize(std::string_view begin, std::string_view end) {
  rocksdb::SizeApproximationOptions options;
  options.include_memtables = true;
  options.include_files = true;
  rocksdb::Range range(ToSlice(begin), ToSlice(end));
  uint64_t size = 0;
  Status st = Guard("approximate size", [&] {
    return FromRocks(
        db_->GetApproximateSizes(options, db_->DefaultColumnFamily(), &range, 1, &size),
        "approximate size");
  });
  return st.ok() ? size : 0;  // an estimate: no estimate means no split
}

uint64_t MetaDb::GetIntProperty(const std::string& name) {
  uint64_t v = 0;
  if (!db_->GetIntProperty(name, &v)) return 0;
  return v;
}

}  // namespace stocktake::store::meta
