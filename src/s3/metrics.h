// Server metrics in the Prometheus text format (served at GET /metrics, see S3Service): requests
// by operation and status class, bytes in and out, a request latency histogram; and, from
// InventoryService::Stats(), inventory runs by state, rows and bytes written, a run duration
// histogram, the last success time per configuration.
// Thread-safe; counters are relaxed atomics (a scrape may see a request half-counted).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "inventory/inventory_service.h"

namespace stocktake::s3 {

class Metrics {
 public:
  void RecordRequest(std::string_view operation, int status, uint64_t bytes_in, uint64_t bytes_out,
                     int64_t latency_us);
  // Prometheus text exposition format 0.0.4.
  std::string Render() const;
  static std::string RenderInventory(const inventory::InventoryRunStats& stats);

 private:
  static constexpr std::array<int64_t, 12> kLatencyBucketsUs = {
      500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000};
  struct OperationCounters {
    std::array<std::atomic<uint64_t>, 6> by_status_class{};  // index = status / 100
  };
  mutable std::mutex mu_;  // guards the map's shape; counters themselves are atomic
  std::map<std::string, OperationCounters, std::less<>> operations_;
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  std::array<std::atomic<uint64_t>, kLatencyBucketsUs.size() + 1> latency_buckets_{};
  std::atomic<uint64_t> latency_sum_us_{0};
  std::atomic<uint64_t> requests_{0};
};

}  // namespace stocktake::s3
