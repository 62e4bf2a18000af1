// orc_writer_bench: rows/s of the ORC writer on a 6-column report (bucket, key, size,
// last_modified_date, e_tag, storage_class) written to a byte-counting sink, and the heap
// allocations per row once warmed up (counted by replacing global operator new).
//
//   orc_writer_bench [ROWS=1000000 [OUT.orc]]   (with OUT.orc the file is also written there)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "format/report_writer.h"
#include "io/file.h"

namespace {

uint64_t g_allocations = 0;

class CountingSink final : public stocktake::io::OutputStream {
 public:
  stocktake::Status Write(std::string_view data) override {
    bytes_ += data.size();
    return stocktake::Status::OK();
  }
  stocktake::Status Close() override { return stocktake::Status::OK(); }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

}  // namespace

void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

int main(int argc, char** argv) {
  using stocktake::format::Column;
  using stocktake::format::ColumnType;
  using stocktake::format::RowBatch;
  using stocktake::format::Value;
  const uint64_t total_rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const stocktake::format::Schema schema = {
      {"Bucket", "bucket", ColumnType::kString, true, false},
      {"Key", "key", ColumnType::kString, true, true},
      {"Size", "size", ColumnType::kInt64, false, false},
      {"LastModifiedDate", "last_modified_date", ColumnType::kTimestampMillis, false, false},
      {"ETag", "e_tag", ColumnType::kString, false, false},
      {"StorageClass", "storage_class", ColumnType::kString, false, false},
  };

  // Batches are built up front (the scanner's cost is not the writer's); keys stay sorted and
  // unique across the whole run.
  constexpr size_t kBatchRows = 10000;
  std::mt19937_64 rng(1);
  const char* classes[] = {"STANDARD", "STANDARD_IA", "GLACIER"};
  std::vector<RowBatch> batches;
  // Reserved: a RowBatch copied on reallocation would leave its string views dangling.
  batches.reserve((total_rows + kBatchRows - 1) / kBatchRows);
  for (uint64_t start = 0; start < total_rows; start += kBatchRows) {
    RowBatch& b = batches.emplace_back(schema.size());
    const uint64_t end = std::min<uint64_t>(total_rows, start + kBatchRows);
    for (uint64_t i = start; i < end; ++i) {
      char key[96];
      const int key_len = std::snprintf(
          key, sizeof(key), "logs/2024/%04llu/%02llu/part-%010llu.json.gz",
          static_cast<unsigned long long>(i / 100000),
          static_cast<unsigned long long>(i / 1000 % 100), static_cast<unsigned long long>(i));
      char etag[40];
      const int etag_len = std::snprintf(etag, sizeof(etag), "\"%016llx%016llx\"",
                                         static_cast<unsigned long long>(rng()),
                                         static_cast<unsigned long long>(rng()));
      b.mutable_column(0).push_back(Value::String(b.CopyString("example-bucket")));
      b.mutable_column(1).push_back(
          Value::String(b.CopyString({key, static_cast<size_t>(key_len)})));
      b.mutable_column(2).push_back(Value::Int(static_cast<int64_t>(rng() % (1ull << 30))));
      b.mutable_column(3).push_back(
          Value::Int(1700000000000 + static_cast<int64_t>(rng() % 31536000000ull)));
      b.mutable_column(4).push_back(
          Value::String(b.CopyString({etag, static_cast<size_t>(etag_len)})));
      b.mutable_column(5).push_back(
          Value::String(b.CopyString(classes[rng() % 100 < 90 ? 0 : 1 + rng() % 2])));
    }
  }

  CountingSink counting_sink;
  stocktake::io::OutputStream* sink = &counting_sink;
  std::unique_ptr<stocktake::io::FileOutputStream> file;
  if (argc > 2) {
    auto created = stocktake::io::FileOutputStream::Create(argv[2], /*sync=*/false);
    if (!created.ok()) {
      std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
      return 1;
    }
    file = std::move(created).value();
    sink = file.get();
  }
  stocktake::format::WriterOptions options;
  auto writer = stocktake::format::NewOrcWriter(schema, sink, options);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t allocations_at_half = 0;
  uint64_t rows_at_half = 0;
  for (size_t i = 0; i < batches.size(); ++i) {
    if (i == batches.size() / 2) {
      allocations_at_half = g_allocations;
      rows_at_half = writer->rows_written();
    }
    if (!writer->Add(batches[i]).ok()) {
      std::fprintf(stderr, "Add failed\n");
      return 1;
    }
  }
  const uint64_t allocations_second_half = g_allocations - allocations_at_half;
  const uint64_t rows_second_half = writer->rows_written() - rows_at_half;
  const stocktake::Status st = writer->Finish();
  const auto t1 = std::chrono::steady_clock::now();
  if (!st.ok()) {
    std::fprintf(stderr, "Finish failed: %s\n", st.ToString().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(t1 - t0).count();
  std::printf(
      "orc_writer_bench: %llu rows x %zu columns in %.3f s = %.2f M rows/s, %.1f MB out "
      "(%.1f bytes/row)\n",
      static_cast<unsigned long long>(total_rows), schema.size(), seconds,
      static_cast<double>(total_rows) / seconds / 1e6,
      static_cast<double>(sink->bytes_written()) / 1e6,
      static_cast<double>(sink->bytes_written()) / static_cast<double>(total_rows));
  std::printf("heap allocations in the second half: %llu for %llu rows (%.5f per row)\n",
              static_cast<unsigned long long>(allocations_second_half),
              static_cast<unsigned long long>(rows_second_half),
              rows_second_half ? static_cast<double>(allocations_second_half) /
                                     static_cast<double>(rows_second_half)
                               : 0.0);
  return 0;
}
