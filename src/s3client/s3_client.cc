#include "s3client/s3_client.h"

#include <algorithm>
#include <cstdlib>
#include <pugixml.hpp>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "s3client/sigv4_signing.h"

namespace stocktake::s3 {
namespace {

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

Result<http::HttpClientOptions> ParseEndpoint(const S3ClientOptions& options) {
  http::HttpClientOptions http_options;
  std::string_view rest = options.endpoint;
  if (rest.starts_with("https://")) {
    http_options.tls = true;
    http_options.ca_bundle = options.ca_bundle;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return Status::InvalidArgument("endpoint must be http[s]://HOST[:PORT]: " + options.endpoint);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  http_options.host = std::string(rest);
  http_options.port = http_options.tls ? "443" : "80";
  size_t colon = http_options.host.rfind(':');
  if (colon != std::string::npos) {
    http_options.port = http_options.host.substr(colon + 1);
    http_options.host.resize(colon);
  }
  return http_options;
}

// s3.amazonaws.com or s3.REGION.amazonaws.com (the endpoints AWS names per region).
bool IsRegionalAwsHost(std::string_view host) {
  return host.starts_with("s3.") && host.ends_with(".amazonaws.com");
}

}  // namespace

S3ClientOptions ResolveClientOptions(std::string endpoint, std::string access_key,
                                     std::string secret_key, std::string region,
                                     std::string ca_bundle) {
  S3ClientOptions options;
  options.endpoint = !endpoint.empty() ? endpoint : EnvOr("AWS_ENDPOINT_URL", options.endpoint);
  options.access_key_id = !access_key.empty() ? access_key : EnvOr("AWS_ACCESS_KEY_ID", "");
  options.secret_access_key = !secret_key.empty() ? secret_key : EnvOr("AWS_SECRET_ACCESS_KEY", "");
  options.region =
      !region.empty() ? region : EnvOr("AWS_REGION", EnvOr("AWS_DEFAULT_REGION", "us-east-1"));
  options.ca_bundle = !ca_bundle.empty() ? ca_bundle : EnvOr("AWS_CA_BUNDLE", "");
  return options;
}

Result<std::unique_ptr<S3Client>> S3Client::Create(const S3ClientOptions& options) {
  ASSIGN_OR_RETURN(http::HttpClientOptions http_options, ParseEndpoint(options));
  if (options.access_key_id.empty() || options.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "no credentials: pass --access-key/--secret-key or set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY");
  }
  return std::unique_ptr<S3Client>(
      new S3Client(options, std::make_unique<http::HttpClient>(std::move(http_options))));
}

Result<http::ClientResponse> S3Client::Send(const S3Call& call) {
  ASSIGN_OR_RETURN(http::ClientResponse response, SendSigned(call));
  const std::string* region = response.FindHeader("x-amz-bucket-region");
  if ((response.status == 301 || response.status == 400) && region != nullptr && !region->empty() &&
      *region != options_.region) {
    RETURN_IF_ERROR(FollowRegion(*region));
    return SendSigned(call);
  }
  return response;
}

Status S3Client::FollowRegion(const std::string& region) {
  S3ClientOptions moved = options_;
  moved.region = region;
  ASSIGN_OR_RETURN(http::HttpClientOptions http_options, ParseEndpoint(moved));
  if (IsRegionalAwsHost(http_options.host)) {
    http_options.host = "s3." + region + ".amazonaws.com";
    moved.endpoint =
        (http_options.tls ? "https://" : "http://") + http_options.host + ":" + http_options.port;
  }
  options_ = std::move(moved);
  http_ = std::make_unique<http::HttpClient>(std::move(http_options));
  return Status::OK();
}

Result<http::ClientResponse> S3Client::SendSigned(const S3Call& call) {
  std::string path = "/";
  if (!call.bucket.empty()) {
    path += call.bucket;
    if (!call.key.empty()) path += "/" + UriEncode(call.key, /*keep_slash=*/true);
  }
  std::string query;
  for (const auto& [name, value] : call.query) {
    if (!query.empty()) query += "&";
    query += UriEncode(name, false);
    query += "=" + UriEncode(value, false);
  }
  std::string amz_date = FormatAmzDate(SystemClock::Default()->NowMillis());
  std::string payload_hash = HexLower(Sha256(call.body));
  std::vector<std::pair<std::string, std::string>> headers = call.headers;
  headers.emplace_back("host", http_->host_header());
  headers.emplace_back("x-amz-date", amz_date);
  headers.emplace_back("x-amz-content-sha256", payload_hash);
  for (auto& [k, v] : headers) {
    for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::vector<std::string> signed_names;
  for (const auto& [k, v] : headers) {
    if (std::find(signed_names.begin(), signed_names.end(), k) == signed_names.end()) {
      signed_names.push_back(k);
    }
  }
  std::sort(signed_names.begin(), signed_names.end());
  std::string signed_headers;
  for (const std::string& n : signed_names) {
    signed_headers += (signed_headers.empty() ? "" : ";") + n;
  }

  auto canonical_headers = auth::CanonicalHeaderLines(headers, signed_names);
  if (!canonical_headers.ok()) return Status::InvalidArgument("cannot sign request for " + path);
  // The canonical URI of the path as sent: the bucket and the decoded key, each encoded once.
  std::string decoded_path = "/";
  if (!call.bucket.empty()) {
    decoded_path += call.bucket;
    if (!call.key.empty()) decoded_path += "/" + call.key;
  }
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + options_.region + "/s3/aws4_request";
  std::string canonical_request =
      auth::CanonicalRequest(call.method, auth::CanonicalUriOfDecoded(decoded_path),
                             auth::CanonicalQueryOfDecoded(call.query, false), *canonical_headers,
                             signed_headers, payload_hash);
  std::string signature = auth::SignatureHex(
      auth::DeriveSigningKey(options_.secret_access_key, date, options_.region, "s3"),
      auth::StringToSign(amz_date, scope, canonical_request));

  http::ClientRequest request;
  request.method = call.method;
  request.target = path + (query.empty() ? "" : "?" + query);
  for (const auto& [k, v] : headers) {
    if (k != "host") request.headers.emplace_back(k, v);
  }
  request.headers.emplace_back(
      "authorization", "AWS4-HMAC-SHA256 Credential=" + options_.access_key_id + "/" + scope +
                           ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
  request.body = call.body;
  return http_->Send(request);
}

std::string S3Client::ErrorSummary(const http::ClientResponse& response) {
  pugi::xml_document doc;
  if (doc.load_buffer(response.body.data(), response.body.size()) && doc.child("Error")) {
    return std::string(doc.child("Error").child_value("Code")) + ": " +
           doc.child("Error").child_value("Message");
  }
  return "HTTP " + std::to_string(response.status);
}

}  // namespace stocktake::s3
