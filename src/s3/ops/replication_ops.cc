// Bucket replication (issue 6): PutBucketReplication, GetBucketReplication,
// DeleteBucketReplication (S3 API reference), and the hooks of replication.h. The configuration
// is stored as the bucket attribute replication::kReplicationAttribute, in the canonical form of
// replication::SerializeConfig; the copying is done by replication::Replicator.
#include <spdlog/spdlog.h>

#include <sstream>

#include "replication/config.h"
#include "replication/replicator.h"
#include "s3/authorization.h"
#include "s3/ops/op_util.h"
#include "s3/ops/replication.h"
#include "s3/policy/operations.h"

namespace stocktake::s3 {
namespace {

S3Error ToS3Error(const replication::ConfigError& error) {
  using Kind = replication::ConfigError::Kind;
  switch (error.kind) {
    case Kind::kMalformedXml:
      return S3Error(S3ErrorCode::kMalformedXML);
    case Kind::kInvalidArgument:
      return S3Error(S3ErrorCode::kInvalidArgument, error.message);
    case Kind::kInvalidRequest:
      break;
  }
  return S3Error(S3ErrorCode::kInvalidRequest, error.message);
}

// The checks that need the source and destination buckets (messages as S3 words them).
std::optional<S3Error> CheckBuckets(OpContext& ctx, const replication::Config& config) {
  if (ctx.bucket->versioning != store::Versioning::kEnabled) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "Versioning must be 'Enabled' on the bucket to apply a replication "
                   "configuration");
  }
  for (const replication::Rule& rule : config.rules) {
    if (rule.destination_bucket == ctx.bucket->name) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "Destination bucket cannot be the same as the source bucket.");
    }
    auto destination = ctx.store().GetBucket(rule.destination_bucket);
    if (destination.status().IsNotFound()) {
      return S3Error(S3ErrorCode::kInvalidRequest, "Destination bucket must exist.");
    }
    if (!destination.ok()) return FromStatus(destination.status());
    if (destination->versioning != store::Versioning::kEnabled) {
      return S3Error(S3ErrorCode::kInvalidRequest,
                     "Destination bucket must have versioning enabled.");
    }
  }
  return std::nullopt;
}

OpResult StoreConfig(OpContext& ctx, std::optional<std::string> document) {
  store::Bucket bucket = *ctx.bucket;
  std::erase_if(bucket.attributes,
                [](const auto& a) { return a.first == replication::kReplicationAttribute; });
  if (document) {
    bucket.attributes.emplace_back(std::string(replication::kReplicationAttribute),
                                   std::move(*document));
  }
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return document ? S3Response() : S3Response::NoContent();
}

}  // namespace

OpResult PutBucketReplication(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed_body = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed_body)) return *error;
  std::ostringstream body;
  doc.save(body, "", pugi::format_raw);
  auto parsed = replication::ParseConfig(body.str());
  if (auto* error = std::get_if<replication::ConfigError>(&parsed)) return ToS3Error(*error);
  const auto& config = std::get<replication::Config>(parsed);
  if (auto error = CheckBuckets(ctx, config)) return *error;
  return StoreConfig(ctx, replication::SerializeConfig(config));
}

OpResult GetBucketReplication(OpContext& ctx) {
  const std::string* document = ctx.bucket->FindAttribute(replication::kReplicationAttribute);
  if (document == nullptr) return S3Error(S3ErrorCode::kReplicationConfigurationNotFoundError);
  return S3Response::Xml(*document);
}

OpResult DeleteBucketReplication(OpContext& ctx) {
  if (ctx.bucket->FindAttribute(replication::kReplicationAttribute) == nullptr) {
    return S3Response::NoContent();
  }
  return StoreConfig(ctx, std::nullopt);
}

void MarkForReplication(const OpContext& ctx, store::ObjectVersion* version) {
  version->replication_status.clear();
  if (ctx.bucket->versioning != store::Versioning::kEnabled) return;
  std::optional<replication::Config> config = replication::ConfigOf(*ctx.bucket);
  // The addressed key: a multipart upload's template does not carry it.
  if (config && replication::MatchRule(*config, ctx.request.key, version->tags) != nullptr) {
    version->replication_status = std::string(replication::kPending);
  }
}

void QueueReplication(const OpContext& ctx, const store::ObjectVersion& version,
                      std::string_view version_id) {
  if (version.replication_status != replication::kPending) return;
  if (ctx.service.replication != nullptr) {
    ctx.service.replication->Enqueue(ctx.bucket->name, ctx.request.key, version_id);
  }
}

void ReplicateDeleteMarker(const OpContext& ctx, std::string_view key,
                           std::string_view marker_version_id) {
  if (marker_version_id.empty()) return;  // a null marker (suspended bucket) never replicates
  std::optional<replication::Config> config = replication::ConfigOf(*ctx.bucket);
  if (!config || replication::MatchDeleteMarkerRule(*config, key) == nullptr) return;
  auto marked = ctx.store().ModifyObjectVersion(
      ctx.bucket->name, key, marker_version_id, [](store::ObjectVersion* v, int64_t) {
        v->replication_status = std::string(replication::kPending);
        return Status::OK();
      });
  if (!marked.ok()) {
    // The delete itself succeeded; the marker just stays on this side.
    spdlog::warn("replication: cannot mark delete marker of {}/{}: {}", ctx.bucket->name, key,
                 marked.status().ToString());
    return;
  }
  if (ctx.service.replication != nullptr) {
    ctx.service.replication->Enqueue(ctx.bucket->name, key, marker_version_id);
  }
}

Status AuthorizeReplication(const store::Bucket& source, const store::Bucket& destination,
                            std::string_view key) {
  policy::RequestContext context;
  context.caller = policy::Caller::Root(source.owner_account_id, "");
  context.action = "s3:ReplicateObject";
  context.resource = std::string(policy::kS3ArnPrefix) + destination.name + "/" + std::string(key);
  context.conditions.Set("aws:SecureTransport", "true");  // S3's own writes are internal
  if (!DestinationPolicyAllows(source, destination, context)) {
    return Status::PermissionDenied("the destination bucket policy refuses replicas");
  }
  return Status::OK();
}

}  // namespace stocktake::s3
