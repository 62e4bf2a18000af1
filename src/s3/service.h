// S3Service: the request pipeline of the server (as RGW's rgw_process.cc, with a route table):
// resolve addressing -> authenticate (SigV4) -> route -> load bucket -> authorize -> execute ->
// respond. Every response carries x-amz-request-id; every error is S3 XML.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "s3/http/http_server.h"
#include "s3/metrics.h"
#include "s3/request.h"
#include "store/object_store.h"

namespace stocktake::inventory {
class InventoryService;
}
namespace stocktake::replication {
class Replicator;
}

namespace stocktake::s3 {

struct ServiceOptions {
  std::string region = "us-east-1";
  // The Object Ownership of a bucket whose CreateBucket names none (x-amz-object-ownership):
  // BucketOwnerEnforced (ACLs disabled, as AWS since April 2023), BucketOwnerPreferred or
  // ObjectWriter (ACLs on, the default before).
  std::string default_object_ownership = "BucketOwnerEnforced";
  // Host names under which virtual-hosted-style requests (bucket.HOST) are recognised.
  std::vector<std::string> virtual_host_domains = {"localhost"};
};

// What ops may use. Owned by the server; ops never hold on to it.
struct ServiceContext {
  store::ObjectStore* store = nullptr;
  Clock* clock = nullptr;
  ServiceOptions options;
  inventory::InventoryService* inventory = nullptr;  // null until inventory is wired in
  replication::Replicator* replication = nullptr;    // null: versions stay PENDING until a start
  // The account of data_dir/root-account.json: the only one allowed the admin-* extension
  // routes (admin_ops.cc). Empty: nobody is.
  std::string root_account_id;
};

class S3Service {
 public:
  explicit S3Service(ServiceContext context);
  // Entry point for the HTTP server.
  void Handle(const http::HttpRequestHead& head, http::HttpBody& body,
              http::HttpResponder& responder);
  // From now on GET /health/ready answers 503 (the server is draining).
  void BeginShutdown() { shutting_down_.store(true); }

 private:
  // The unauthenticated operational endpoints; true when `head` was one of them:
  //   GET /health/live    200 while the process serves
  //   GET /health/ready   200 while the store answers and no shutdown began, else 503
  //   GET /metrics        Prometheus text (metrics.h)
  // The documented paths are also path-style S3 requests for buckets named "health" and
  // "metrics": only unsigned requests for exactly these paths get them (anything signed goes to
  // S3). /_health and /_metrics (never a bucket: '_' is not allowed in bucket names) always do.
  bool HandleOperational(const http::HttpRequestHead& head, http::HttpResponder& responder);

  ServiceContext context_;
  Metrics metrics_;
  std::atomic<uint64_t> request_counter_{0};
  std::atomic<bool> shutting_down_{false};
  std::string instance_tag_;
};

}  // namespace stocktake::s3
