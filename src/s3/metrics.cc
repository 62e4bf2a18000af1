#include "s3/metrics.h"

#include <fmt/format.h>

namespace stocktake::s3 {

void Metrics::RecordRequest(std::string_view operation, int status, uint64_t bytes_in,
                            uint64_t bytes_out, int64_t latency_us) {
  size_t status_class = static_cast<size_t>(status / 100);
  if (status_class >= 6) status_class = 5;
  {
    std::lock_guard lock(mu_);
    auto it = operations_.find(operation);
    if (it == operations_.end()) it = operations_.try_emplace(std::string(operation)).first;
    it->second.by_status_class[status_class].fetch_add(1, std::memory_order_relaxed);
  }
  bytes_in_.fetch_add(bytes_in, std::memory_order_relaxed);
  bytes_out_.fetch_add(bytes_out, std::memory_order_relaxed);
  size_t bucket = 0;
  while (bucket < kLatencyBucketsUs.size() && latency_us > kLatencyBucketsUs[bucket]) ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<uint64_t>(latency_us), std::memory_order_relaxed);
  requests_.fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP stocktake_requests_total S3 requests by operation and status class.\n";
  out += "# TYPE stocktake_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, counters] : operations_) {
      for (size_t c = 1; c < counters.by_status_class.size(); ++c) {
        uint64_t n = counters.by_status_class[c].load(std::memory_order_relaxed);
        if (n == 0) continue;
        out += "stocktake_requests_total{operation=\"" + name + "\",status=\"" + std::to_string(c) +
               "xx\"} " + std::to_string(n) + "\n";
      }
    }
  }
  out += "# HELP stocktake_request_bytes_total Request body bytes received.\n";
  out += "# TYPE stocktake_request_bytes_total counter\n";
  out += "stocktake_request_bytes_total " + std::to_string(bytes_in_.load()) + "\n";
  out += "# HELP stocktake_response_bytes_total Response body bytes sent.\n";
  out += "# TYPE stocktake_response_bytes_total counter\n";
  out += "stocktake_response_bytes_total " + std::to_string(bytes_out_.load()) + "\n";
  out += "# HELP stocktake_request_duration_seconds Request latency.\n";
  out += "# TYPE stocktake_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBucketsUs.size(); ++i) {
    cumulative += latency_buckets_[i].load(std::memory_order_relaxed);
    out += "stocktake_request_duration_seconds_bucket{le=\"" +
           std::to_string(static_cast<double>(kLatencyBucketsUs[i]) / 1e6) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += latency_buckets_.back().load(std::memory_order_relaxed);
  out +=
      "stocktake_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += "stocktake_request_duration_seconds_sum " +
         std::to_string(static_cast<double>(latency_sum_us_.load()) / 1e6) + "\n";
  out += "stocktake_request_duration_seconds_count " + std::to_string(requests_.load()) + "\n";
  return out;
}

std::string Metrics::RenderInventory(const inventory::InventoryRunStats& stats) {
  auto line = [](std::string_view name, std::string_view labels, const auto& value) {
    std::string text(name);
    if (!labels.empty()) text += "{" + std::string(labels) + "}";
    return text + " " + fmt::format("{}", value) + "\n";
  };
  std::string out;
  out += "# HELP stocktake_inventory_runs Inventory runs waiting or being produced.\n";
  out += "# TYPE stocktake_inventory_runs gauge\n";
  out += line("stocktake_inventory_runs", R"(state="queued")", stats.queued);
  out += line("stocktake_inventory_runs", R"(state="running")", stats.running);
  out += "# HELP stocktake_inventory_runs_finished_total Inventory runs finished since start.\n";
  out += "# TYPE stocktake_inventory_runs_finished_total counter\n";
  out += line("stocktake_inventory_runs_finished_total", R"(state="succeeded")", stats.succeeded);
  out += line("stocktake_inventory_runs_finished_total", R"(state="failed")", stats.failed);
  out += "# HELP stocktake_inventory_rows_written_total Rows of the reports published.\n";
  out += "# TYPE stocktake_inventory_rows_written_total counter\n";
  out += line("stocktake_inventory_rows_written_total", "", stats.rows_written);
  out += "# HELP stocktake_inventory_bytes_written_total Data file bytes of published reports.\n";
  out += "# TYPE stocktake_inventory_bytes_written_total counter\n";
  out += line("stocktake_inventory_bytes_written_total", "", stats.bytes_written);
  out += "# HELP stocktake_inventory_run_duration_seconds Duration of finished inventory runs.\n";
  out += "# TYPE stocktake_inventory_run_duration_seconds histogram\n";
  const auto& bounds = inventory::InventoryRunStats::kDurationBucketsSeconds;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += stats.duration_buckets[i];
    out += line("stocktake_inventory_run_duration_seconds_bucket",
                fmt::format(R"(le="{}")", bounds[i]), cumulative);
  }
  cumulative += stats.duration_buckets.back();
  out += line("stocktake_inventory_run_duration_seconds_bucket", R"(le="+Inf")", cumulative);
  out += line("stocktake_inventory_run_duration_seconds_sum", "", stats.duration_sum_seconds);
  out += line("stocktake_inventory_run_duration_seconds_count", "", cumulative);
  out +=
      "# HELP stocktake_inventory_last_success_timestamp_seconds When the last report of a "
      "configuration was published (Unix time).\n";
  out += "# TYPE stocktake_inventory_last_success_timestamp_seconds gauge\n";
  // Bucket names and configuration ids need no label escaping: neither allows '"', '\\' or
  // newlines (spec §2.3).
  for (const auto& [key, finished_ms] : stats.last_success_ms) {
    out += line("stocktake_inventory_last_success_timestamp_seconds",
                fmt::format(R"(bucket="{}",configuration="{}")", key.first, key.second),
                static_cast<double>(finished_ms) / 1000);
  }
  return out;
}

}  // namespace stocktake::s3
