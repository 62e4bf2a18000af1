// Service- and bucket-level operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket,
// GetBucketLocation, Get/PutBucketVersioning.
#include "common/time_format.h"
#include "replication/config.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {

OpResult ListBuckets(OpContext& ctx) {
  auto buckets = ctx.store().ListBuckets();
  if (!buckets.ok()) return FromStatus(buckets.status());
  XmlWriter xml("ListAllMyBucketsResult");
  xml.Open("Owner")
      .Element("ID", ctx.request.caller.canonical_id)
      .Element("DisplayName", ctx.request.caller.name)
      .Close();
  xml.Open("Buckets");
  for (const store::Bucket& bucket : *buckets) {
    if (bucket.owner_account_id != ctx.request.caller.account_id) continue;
    xml.Open("Bucket")
        .Element("Name", bucket.name)
        .Element("CreationDate", FormatIso8601Millis(bucket.created_ms))
        .Element("BucketRegion", bucket.region)
        .Close();
  }
  xml.Close();
  return S3Response::Xml(xml.Finish());
}

OpResult CreateBucket(OpContext& ctx) {
  const S3Request& request = ctx.request;
  if (!IsValidBucketName(request.bucket)) return S3Error(S3ErrorCode::kInvalidBucketName);
  pugi::xml_document doc;
  // The body is optional: an empty one means the server's own region.
  std::optional<S3Error> read_error;
  auto body = ReadAll(*request.payload, 64 * 1024, &read_error);
  if (!body.ok()) return read_error ? *read_error : S3Error(S3ErrorCode::kMalformedXML);
  if (!body->empty()) {
    if (!doc.load_buffer(body->data(), body->size(), kXmlBodyParseFlags) ||
        !doc.child("CreateBucketConfiguration")) {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
    std::string location =
        doc.child("CreateBucketConfiguration").child("LocationConstraint").text().as_string();
    // AWS refuses an explicit "us-east-1": that region is asked for by sending no constraint
    // (CreateBucket API reference, LocationConstraint), so only another server region may be named.
    if (!location.empty() && (location != ctx.service.options.region || location == "us-east-1")) {
      return S3Error(S3ErrorCode::kInvalidLocationConstraint,
                     "The specified location-constraint is not valid");
    }
  }
  store::Bucket bucket;
  bucket.name = request.bucket;
  bucket.owner_account_id = request.caller.account_id;
  bucket.region = ctx.service.options.region;
  bucket.created_ms = ctx.NowMillis();
  const std::string* lock = request.Header("x-amz-bucket-object-lock-enabled");
  if (lock && (*lock == "true" || *lock == "True")) {
    bucket.object_lock_enabled = true;
    bucket.versioning = store::Versioning::kEnabled;  // Object Lock requires versioning (AWS)
  }
  if (auto error = ApplyNewBucketFeatures(ctx, &bucket)) return *error;
  Status st = ctx.store().CreateBucket(bucket);
  if (st.code() == StatusCode::kAlreadyExists) {
    auto existing = ctx.store().GetBucket(request.bucket);
    if (existing.ok() && existing->owner_account_id == request.caller.account_id) {
      // us-east-1 answers 200 and leaves the bucket as it is; every other region answers 409
      // (CreateBucket API reference, BucketAlreadyOwnedByYou).
      if (existing->region != "us-east-1") return S3Error(S3ErrorCode::kBucketAlreadyOwnedByYou);
      S3Response response;
      response.SetHeader("Location", "/" + request.bucket);
      return response;
    }
    return S3Error(S3ErrorCode::kBucketAlreadyExists);
  }
  if (!st.ok()) return FromStatus(st);
  S3Response response;
  response.SetHeader("Location", "/" + request.bucket);
  return response;
}

OpResult HeadBucket(OpContext& ctx) {
  S3Response response;
  response.SetHeader("x-amz-bucket-region", ctx.bucket->region);
  return response;
}

OpResult DeleteBucket(OpContext& ctx) {
  Status st = ctx.store().DeleteBucket(ctx.bucket->name);
  if (st.code() == StatusCode::kFailedPrecondition) return S3Error(S3ErrorCode::kBucketNotEmpty);
  if (st.IsNotFound()) return S3Error(S3ErrorCode::kNoSuchBucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

OpResult GetBucketLocation(OpContext& ctx) {
  // us-east-1 is reported as an empty LocationConstraint, as AWS does.
  std::string region = ctx.bucket->region == "us-east-1" ? "" : ctx.bucket->region;
  std::string doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" +
                    std::string(kS3Namespace) + "\">";
  AppendXmlEscaped(&doc, region);
  doc += "</LocationConstraint>";
  return S3Response::Xml(std::move(doc));
}

OpResult GetBucketVersioning(OpContext& ctx) {
  XmlWriter xml("VersioningConfiguration");
  if (ctx.bucket->versioning == store::Versioning::kEnabled) xml.Element("Status", "Enabled");
  if (ctx.bucket->versioning == store::Versioning::kSuspended) xml.Element("Status", "Suspended");
  return S3Response::Xml(xml.Finish());
}

OpResult PutBucketVersioning(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("VersioningConfiguration");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  std::string status = root.child("Status").text().as_string();
  store::Bucket bucket = *ctx.bucket;
  if (status == "Enabled") {
    bucket.versioning = store::Versioning::kEnabled;
  } else if (status == "Suspended") {
    if (bucket.object_lock_enabled) {
      // 409 InvalidBucketState, as S3 answers (observed; s3-tests expects the same).
      return S3Error(S3ErrorCode::kInvalidBucketState,
                     "An Object Lock configuration is present on this bucket, so the versioning "
                     "state cannot be changed.");
    }
    // Replication needs versioning on the source: S3 refuses the same way.
    if (bucket.FindAttribute(replication::kReplicationAttribute) != nullptr) {
      return S3Error(S3ErrorCode::kInvalidBucketState,
                     "A replication configuration is present on this bucket, so the versioning "
                     "state cannot be changed.");
    }
    // Suspending a never-versioned bucket keeps it unversioned in effect, as on AWS.
    bucket.versioning = store::Versioning::kSuspended;
  } else if (!status.empty()) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

}  // namespace stocktake::s3
