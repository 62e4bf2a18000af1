#include "s3/service.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/time_format.h"
#include "inventory/inventory_service.h"
#include "s3/authenticator.h"
#include "s3/authorization.h"
#include "s3/router.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

struct Target {
  std::string raw_path;
  std::string raw_query;
};

Target SplitTarget(const std::string& target) {
  size_t q = target.find('?');
  if (q == std::string::npos) return {target, ""};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::vector<std::pair<std::string, std::string>>> DecodeQuery(std::string_view raw) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!raw.empty()) {
    size_t amp = raw.find('&');
    std::string_view part = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    auto name = PercentDecode(part.substr(0, eq), true);
    auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                              : PercentDecode(part.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::string HostWithoutPort(const std::string* host) {
  if (host == nullptr) return "";
  std::string h = *host;
  if (!h.empty() && h[0] == '[') return h;  // IPv6 literal: never virtual-hosted
  size_t colon = h.rfind(':');
  if (colon != std::string::npos) h.resize(colon);
  for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return h;
}

// Resolves bucket and key from the Host header (virtual-hosted style) or the path (path style).
bool ResolveAddressing(const ServiceOptions& options, const std::string* host,
                       const std::string& decoded_path, S3Request* request) {
  std::string h = HostWithoutPort(host);
  std::string_view path = decoded_path;
  if (path.empty() || path[0] != '/') return false;
  path.remove_prefix(1);
  for (const std::string& domain : options.virtual_host_domains) {
    if (h.size() > domain.size() + 1 && h.ends_with("." + domain)) {
      request->bucket = h.substr(0, h.size() - domain.size() - 1);
      request->key = std::string(path);
      return true;
    }
  }
  size_t slash = path.find('/');
  request->bucket = std::string(path.substr(0, slash));
  if (slash != std::string_view::npos) request->key = std::string(path.substr(slash + 1));
  return true;
}

std::string ErrorDocument(const S3Error& error, const S3Request& request) {
  XmlWriter xml("Error", "");
  xml.Element("Code", error.info().code);
  xml.Element("Message", error.effective_message());
  if (error.error == S3ErrorCode::kNoSuchBucket || error.error == S3ErrorCode::kBucketNotEmpty ||
      error.error == S3ErrorCode::kBucketAlreadyExists ||
      error.error == S3ErrorCode::kBucketAlreadyOwnedByYou) {
    xml.Element("BucketName", request.bucket);
  }
  if (error.error == S3ErrorCode::kNoSuchKey) xml.Element("Key", request.key);
  xml.Element("Resource", request.Resource());
  xml.Element("RequestId", request.request_id);
  return xml.Finish();
}

}  // namespace

S3Service::S3Service(ServiceContext context)
    : context_(std::move(context)), instance_tag_(HexLower(RandomBytes(4))) {}

bool S3Service::HandleOperational(const http::HttpRequestHead& head,
                                  http::HttpResponder& responder) {
  if (head.method != "GET") return false;
  const std::string& path = head.target;
  bool legacy = path == "/_health" || path == "/_metrics";
  bool documented = path == "/health/live" || path == "/health/ready" || path == "/metrics";
  if (!legacy && !(documented && head.FindHeader("authorization") == nullptr)) return false;
  http::HttpResponseHead out;
  out.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
  out.headers.emplace_back("Cache-Control", "no-store");
  std::string body;
  if (path == "/_health" || path == "/health/live") {
    body = "ok\n";
  } else if (path == "/health/ready") {
    // A point read of a key that cannot exist: NotFound proves the metadata store answers.
    Status store = context_.store->GetBucket("").status();
    if (shutting_down_.load()) {
      out.status = 503;
      body = "not ready: shutting down\n";
    } else if (!store.ok() && !store.IsNotFound()) {
      out.status = 503;
      body = "not ready: the store fails: " + store.message() + "\n";
    } else {
      body = "ready\n";
    }
  } else {
    body = metrics_.Render();
    if (context_.inventory != nullptr) {
      body += Metrics::RenderInventory(context_.inventory->Stats());
    }
  }
  responder.Send(out, body).IgnoreError();  // a client that went away needs no answer
  return true;
}

void S3Service::Handle(const http::HttpRequestHead& head, http::HttpBody& body,
                       http::HttpResponder& responder) {
  if (HandleOperational(head, responder)) return;
  auto started = std::chrono::steady_clock::now();
  S3Request request;
  request.http = &head;
  request.method = head.method;
  char id[24];
  std::snprintf(id, sizeof(id), "%s%08llX", instance_tag_.c_str(),
                static_cast<unsigned long long>(request_counter_.fetch_add(1)));
  request.request_id = id;
  for (char& c : request.request_id) c = static_cast<char>(std::toupper(c));

  std::string_view op_name = "-";
  // A request body authorization had to read first (AuthorizeOperation), replayed to the op.
  std::unique_ptr<Payload> buffered;
  OpResult result = [&]() -> OpResult {
    Target target = SplitTarget(head.target);
    auto decoded_path = PercentDecode(target.raw_path, false);
    auto query = DecodeQuery(target.raw_query);
    if (!decoded_path || !query ||
        !ResolveAddressing(context_.options, head.FindHeader("host"), *decoded_path, &request)) {
      // Bad percent-encoding in the path or query: AWS answers 400 InvalidURI.
      return S3Error(S3ErrorCode::kInvalidURI);
    }
    request.query = std::move(*query);

    // A CORS preflight needs no signature. Without an Origin S3 answers 400; Stocktake has no
    // CORS configuration, so every preflight with one is refused (403, as S3 for a bucket
    // without CORS).
    if (head.method == "OPTIONS") {
      if (head.FindHeader("origin") == nullptr) return S3Error(S3ErrorCode::kBadRequest);
      return S3Error(S3ErrorCode::kAccessDenied,
                     "CORSResponse: CORS is not enabled for this bucket.");
    }

    auto auth = Authenticate(context_, head, target.raw_path, target.raw_query, body, responder);
    if (std::holds_alternative<S3Error>(auth)) return std::get<S3Error>(auth);
    auto& authenticated = std::get<Authenticated>(auth);
    request.caller = std::move(authenticated.account);
    request.access_key_id = std::move(authenticated.access_key_id);
    request.payload = authenticated.payload.get();

    Scope scope = request.bucket.empty() ? Scope::kService
                  : request.key.empty()  ? Scope::kBucket
                                         : Scope::kObject;
    auto route = FindRoute(request, scope);
    if (std::holds_alternative<S3Error>(route)) return std::get<S3Error>(route);
    const Route* r = std::get<const Route*>(route);
    op_name = r->name;

    OpContext ctx{context_, request, std::nullopt};
    // Anonymous callers reach only buckets whose policy lets everyone in (authorization.h):
    // nothing at service scope, no bucket creation.
    bool anonymous = request.caller.account_id.empty();
    if (anonymous && (scope == Scope::kService || r->handler == CreateBucket)) {
      S3Error denied(S3ErrorCode::kAccessDenied);
      denied.log_reason = "anonymous request";
      return denied;
    }
    if (scope != Scope::kService && r->handler != CreateBucket) {
      auto bucket = context_.store->GetBucket(request.bucket);
      if (!bucket.ok()) {
        if (bucket.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchBucket);
        return FromStatus(bucket.status());
      }
      // Owner, bucket policy, Block Public Access (and the ACL hook) decide. PostObject
      // authorizes its upload itself, as the signer of the form's policy.
      if (r->handler != PostObject) {
        if (auto denied = AuthorizeOperation(context_, request, r->name, *bucket, &buffered)) {
          return *denied;
        }
      }
      const std::string* expected = request.Header("x-amz-expected-bucket-owner");
      if (expected != nullptr && *expected != bucket->owner_account_id) {
        return S3Error(S3ErrorCode::kAccessDenied);
      }
      ctx.bucket = std::move(*bucket);
    }
    return r->handler(ctx);
  }();

  http::HttpResponseHead out;
  out.headers.emplace_back("x-amz-request-id", request.request_id);
  out.headers.emplace_back("x-amz-id-2", request.request_id);
  out.headers.emplace_back("Date", FormatHttpDate(context_.clock->NowMillis()));
  out.headers.emplace_back("Server", "Stocktake");
  Status sent;
  int status_code;
  uint64_t bytes_out = 0;
  std::string error_fields;  // for the log line
  if (auto* error = std::get_if<S3Error>(&result)) {
    status_code = error->info().http_status;
    error_fields = " code=" + std::string(error->info().code);
    if (!error->log_reason.empty()) error_fields += " reason=\"" + error->log_reason + "\"";
    out.status = status_code;
    for (const auto& h : error->headers) out.headers.push_back(h);
    if (request.method == "HEAD") {
      sent = responder.SendHeadOnly(out, 0);
    } else {
      out.headers.emplace_back("Content-Type", "application/xml");
      sent = responder.Send(out, ErrorDocument(*error, request));
    }
  } else {
    auto& response = std::get<S3Response>(result);
    status_code = response.status;
    out.status = response.status;
    for (auto& h : response.headers) out.headers.push_back(std::move(h));
    bytes_out = response.stream ? response.stream_length : response.body.size();
    if (response.stream) {
      store::BlobReader* reader = response.stream.get();
      sent = responder.SendStreamed(out, response.stream_length,
                                    [reader]() { return reader->Read(256 * 1024); });
    } else if (request.method == "HEAD") {
      uint64_t length = response.stream_length;
      sent = responder.SendHeadOnly(out, length);
    } else {
      sent = responder.Send(out, response.body);
    }
  }
  auto elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  metrics_.RecordRequest(op_name, status_code, head.content_length.value_or(0), bytes_out,
                         elapsed_us);
  // Never log headers or the query: they may carry signatures and credentials.
  spdlog::info("{} {} {} bucket={} status={} op={} us={}{}{}", request.request_id,
               head.remote_address, head.method, request.bucket, status_code, op_name, elapsed_us,
               error_fields, sent.ok() ? "" : " send_error=" + sent.message());
}

}  // namespace stocktake::s3
