#include "scan/remote_client.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <pugixml.hpp>
#include <random>
#include <thread>

namespace stocktake::scan {
namespace {

std::string ErrorCode(const s3::http::ClientResponse& response) {
  if (response.body.empty()) return "";
  pugi::xml_document doc;
  if (!doc.load_buffer(response.body.data(), response.body.size())) return "";
  return doc.child("Error").child_value("Code");
}

bool IsThrottle(const s3::http::ClientResponse& response) {
  return response.status == 503 || response.status == 429 || ErrorCode(response) == "SlowDown";
}

// Failpoint for tests: STOCKTAKE_FAILPOINT_SCAN_SLOWDOWN_EVERY=N answers every Nth attempt (over
// the whole process) with a synthetic 503 SlowDown, without sending it.
bool InjectSlowDown() {
  static const int every = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_SCAN_SLOWDOWN_EVERY");
    return v ? std::atoi(v) : 0;
  }();
  static std::atomic<uint64_t> attempts{0};
  return every > 0 && (attempts.fetch_add(1) + 1) % static_cast<uint64_t>(every) == 0;
}

// Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniform delay in
// [0, min(cap, base * 2^attempt)] spreads retrying clients apart.
void Backoff(const RetryPolicy& policy, int attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t ceiling = std::min<int64_t>(policy.max_delay_ms,
                                      int64_t{policy.base_delay_ms} << std::min(attempt, 20));
  std::uniform_int_distribution<int64_t> pick(0, std::max<int64_t>(ceiling, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(pick(rng)));
}

}  // namespace

bool IsRetryableResponse(const s3::http::ClientResponse& response) {
  switch (response.status) {
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    case 400: {
      std::string code = ErrorCode(response);
      return code == "RequestTimeout" || code == "SlowDown";
    }
    default:
      return false;
  }
}

Result<std::unique_ptr<RemoteClient>> RemoteClient::Create(const RemoteClientOptions& options) {
  const AwsSettings& s = options.settings;
  s3::S3ClientOptions client_options;
  client_options.endpoint = s.endpoint;
  client_options.access_key_id = s.access_key_id;
  client_options.secret_access_key = s.secret_access_key;
  client_options.region = s.region;
  client_options.ca_bundle = s.ca_bundle;
  ASSIGN_OR_RETURN(auto client, s3::S3Client::Create(client_options));
  return std::unique_ptr<RemoteClient>(new RemoteClient(options, std::move(client)));
}

Result<s3::http::ClientResponse> RemoteClient::Send(const s3::S3Call& call) {
  const s3::S3Call* to_send = &call;
  s3::S3Call with_token;
  if (!options_.settings.session_token.empty()) {
    with_token = call;
    with_token.headers.emplace_back("x-amz-security-token", options_.settings.session_token);
    to_send = &with_token;
  }
  RequestStats* stats = options_.stats;
  for (int attempt = 0;; ++attempt) {
    if (stats) stats->requests.fetch_add(1, std::memory_order_relaxed);
    bool last = attempt + 1 >= options_.retry.max_attempts;
    Result<s3::http::ClientResponse> response = Status::Unavailable("not sent");
    if (InjectSlowDown()) {
      s3::http::ClientResponse fake;
      fake.status = 503;
      fake.body =
          "<Error><Code>SlowDown</Code><Message>Please reduce your request rate."
          "</Message></Error>";
      response = std::move(fake);
    } else {
      response = client_->Send(*to_send);
    }
    if (response.ok()) {
      if (!IsRetryableResponse(*response) || last) return response;
      if (stats && IsThrottle(*response)) stats->throttled.fetch_add(1, std::memory_order_relaxed);
    } else if (response.status().code() != StatusCode::kUnavailable || last) {
      return response.status().WithContext(DescribeCall(call));
    }
    if (stats) stats->retries.fetch_add(1, std::memory_order_relaxed);
    Backoff(options_.retry, attempt);
  }
}

std::string DescribeCall(const s3::S3Call& call) {
  std::string out = call.method + " s3://" + call.bucket;
  if (!call.key.empty()) out += "/" + call.key;
  char sep = '?';
  for (const auto& [name, value] : call.query) {
    out += sep + name + (value.empty() ? "" : "=" + value);
    sep = '&';
  }
  return out;
}

std::string DescribeResponse(const s3::S3Call& call, const s3::http::ClientResponse& response) {
  std::string summary = s3::S3Client::ErrorSummary(response);
  std::string out = DescribeCall(call) + ": HTTP " + std::to_string(response.status);
  if (!summary.starts_with("HTTP ")) out += " " + summary;
  return out;
}

}  // namespace stocktake::scan
