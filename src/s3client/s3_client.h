// S3Client: signed S3 requests (SigV4 header auth, signed payload) over HttpClient, for Stocktake's
// own tools. Signs with the SigV4 steps of sigv4_signing.h, which the server's verification uses
// too, so client and server agree by construction and both are checked against AWS's published
// examples. Not thread-safe: one per thread.
//
// Moved from s3/client/ (issue 21); the names keep their stocktake::s3 namespace for now.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "s3client/http_client.h"

namespace stocktake::s3 {

struct S3ClientOptions {
  std::string endpoint = "http://127.0.0.1:9000";  // http[s]://host[:port]
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  // https: PEM file of the CAs to trust instead of the system store (as the aws CLI's
  // --ca-bundle / AWS_CA_BUNDLE).
  std::string ca_bundle;
};

// Credentials and endpoint from flags, else the standard AWS environment variables
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION/AWS_DEFAULT_REGION, AWS_ENDPOINT_URL,
// AWS_CA_BUNDLE).
S3ClientOptions ResolveClientOptions(std::string endpoint, std::string access_key,
                                     std::string secret_key, std::string region,
                                     std::string ca_bundle = "");

struct S3Call {
  std::string method = "GET";
  std::string bucket;                                      // "" for service requests
  std::string key;                                         // decoded; encoded by the client
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;
  std::string_view body;
};

class S3Client {
 public:
  static Result<std::unique_ptr<S3Client>> Create(const S3ClientOptions& options);
  // Sends the call; any HTTP status is a successful Result (callers inspect it). A bucket in
  // another region (AWS answers 301 PermanentRedirect, or 400 for a wrong signing region, with
  // x-amz-bucket-region) is followed once: from then on the client signs for that region, and
  // talks to that region's endpoint when its own is a regional AWS one.
  Result<http::ClientResponse> Send(const S3Call& call);
  // For an error response: "Code: Message" from the S3 error document.
  static std::string ErrorSummary(const http::ClientResponse& response);

 private:
  S3Client(S3ClientOptions options, std::unique_ptr<http::HttpClient> http)
      : options_(std::move(options)), http_(std::move(http)) {}
  Result<http::ClientResponse> SendSigned(const S3Call& call);
  Status FollowRegion(const std::string& region);

  S3ClientOptions options_;
  std::unique_ptr<http::HttpClient> http_;
};

}  // namespace stocktake::s3
