// Prints the Parquet writer's throughput: rows/s writing a 6-column report (bucket, key, size,
// last_modified_date, e_tag, storage_class) to a counting sink. Only the writer's Add/Finish
// calls are timed, not the filling of the batch.
//   usage: parquet_writer_bench [rows]   (default 1,000,000)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "format/report_writer.h"

namespace {

using stocktake::Status;
using namespace stocktake::format;

class CountingStream final : public stocktake::io::OutputStream {
 public:
  Status Write(std::string_view data) override {
    bytes_ += data.size();
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  uint64_t bytes_written() const override { return bytes_; }

 private:
  uint64_t bytes_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const size_t kBatchRows = 1000;
  const Schema schema = {
      {"Bucket", "bucket", ColumnType::kString, true, false},
      {"Key", "key", ColumnType::kString, true, true},
      {"Size", "size", ColumnType::kInt64, false, false},
      {"LastModifiedDate", "last_modified_date", ColumnType::kTimestampMillis, false, false},
      {"ETag", "e_tag", ColumnType::kString, false, false},
      {"StorageClass", "storage_class", ColumnType::kString, false, false},
  };
  static const char* kClasses[] = {"STANDARD", "STANDARD", "STANDARD", "GLACIER", "STANDARD_IA"};
  // One batch, refilled like the scanner does; only the writer's calls are timed.
  RowBatch batch(schema.size());
  uint64_t x = 88172645463325252ull;  // xorshift
  CountingStream sink;
  auto writer = NewParquetWriter(schema, &sink, WriterOptions());
  // Wall time and this thread's CPU time (the machine may be shared: CPU time is the fairer
  // figure).
  std::chrono::steady_clock::duration timed{};
  double cpu_seconds = 0;
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  for (size_t r = 0; r < rows; r += kBatchRows) {
    batch.Clear();
    for (size_t i = r; i < std::min(rows, r + kBatchRows); ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      char key[96], etag[40];
      std::snprintf(key, sizeof(key), "logs/2024/%02zu/%02zu/host-%04zu/part-%010zu.json.gz",
                    (i / 100000) % 12 + 1, (i / 5000) % 28 + 1, (i / 200) % 1000, i);
      std::snprintf(etag, sizeof(etag), "%016llx%016llx", static_cast<unsigned long long>(x),
                    static_cast<unsigned long long>(x * 0x9e3779b97f4a7c15ull));
      batch.mutable_column(0).push_back(Value::String("my-inventory-source-bucket"));
      batch.mutable_column(1).push_back(Value::String(batch.CopyString(key)));
      batch.mutable_column(2).push_back(Value::Int(static_cast<int64_t>(x % 10000000)));
      batch.mutable_column(3).push_back(
          Value::Int(1700000000000 + static_cast<int64_t>(x % 86400000)));
      batch.mutable_column(4).push_back(Value::String(batch.CopyString(etag)));
      batch.mutable_column(5).push_back(Value::String(kClasses[x % 5]));
    }
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_now();
    Status st = writer->Add(batch);
    cpu_seconds += cpu_now() - cpu_start;
    timed += std::chrono::steady_clock::now() - start;
    if (!st.ok()) {
      std::fprintf(stderr, "Add: %s\n", st.ToString().c_str());
      return 1;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = cpu_now();
  Status st = writer->Finish();
  cpu_seconds += cpu_now() - cpu_start;
  timed += std::chrono::steady_clock::now() - start;
  if (!st.ok()) {
    std::fprintf(stderr, "Finish: %s\n", st.ToString().c_str());
    return 1;
  }
  const double seconds = std::chrono::duration<double>(timed).count();
  std::printf(
      "parquet writer: %zu rows x 6 columns: wall %.3f s = %.2f M rows/s; CPU %.3f s = "
      "%.2f M rows/s; file %.1f MiB (%.1f bytes/row)\n",
      rows, seconds, rows / seconds / 1e6, cpu_seconds, rows / cpu_seconds / 1e6,
      sink.bytes_written() / 1048576.0, static_cast<double>(sink.bytes_written()) / rows);
  return 0;
}
