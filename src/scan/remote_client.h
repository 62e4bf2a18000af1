// RemoteClient: s3::S3Client plus what talking to a remote store at scale needs: retries of
// transient failures (connection reset/refused, HTTP 500/502/503/504/429, S3 SlowDown and
// RequestTimeout) with exponential backoff and full jitter, temporary credentials
// (x-amz-security-token), and request counters. Path-style addressing, http:// or https:// (the
// limits of S3Client). Not thread-safe: one per thread, like S3Client.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "s3client/s3_client.h"
#include "scan/aws_settings.h"

namespace stocktake::scan {

struct RetryPolicy {
  int max_attempts = 8;
  int base_delay_ms = 100;
  int max_delay_ms = 10'000;
};

// Counters shared by every client of a scan (progress line and summary).
struct RequestStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> retries{0};
  std::atomic<uint64_t> throttled{0};  // SlowDown / 503 / 429 answers
};

struct RemoteClientOptions {
  AwsSettings settings;
  RetryPolicy retry;
  RequestStats* stats = nullptr;  // not owned; may be null
};

class RemoteClient {
 public:
  // InvalidArgument for an endpoint S3Client cannot use (bad URL, no credentials).
  static Result<std::unique_ptr<RemoteClient>> Create(const RemoteClientOptions& options);

  // Sends `call`, retrying transient failures. Returns the final response whatever its status
  // (callers inspect it), or the transport error once the attempts are exhausted.
  Result<s3::http::ClientResponse> Send(const s3::S3Call& call);

  const AwsSettings& settings() const { return options_.settings; }

 private:
  RemoteClient(RemoteClientOptions options, std::unique_ptr<s3::S3Client> client)
      : options_(std::move(options)), client_(std::move(client)) {}
  RemoteClientOptions options_;
  std::unique_ptr<s3::S3Client> client_;
};

// "GET s3://bucket/key: 403 AccessDenied: Access Denied" for error messages.
std::string DescribeResponse(const s3::S3Call& call, const s3::http::ClientResponse& response);
std::string DescribeCall(const s3::S3Call& call);

// Whether an answer is worth retrying (exposed for tests).
bool IsRetryableResponse(const s3::http::ClientResponse& response);

}  // namespace stocktake::scan
