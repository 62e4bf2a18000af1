// Bucket lifecycle (PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration,
// DeleteBucketLifecycle; S3 API reference). The rules are kept in the store's form
// (store/lifecycle_rules.h) so that the lifecycle worker and the inventory can evaluate them.
#include "s3/lifecycle_xml.h"
#include "s3/ops/op_util.h"

namespace stocktake::s3 {
namespace {

// Since 2024-09 S3 answers lifecycle PUT and GET with the default minimum object size for
// transitions; Stocktake does no transitions but gives the same default, so SDKs see it.
void AddTransitionDefaultHeader(S3Response* response) {
  response->SetHeader("x-amz-transition-default-minimum-object-size", "all_storage_classes_128K");
}

}  // namespace

OpResult PutBucketLifecycleConfiguration(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  auto rules = ParseLifecycleConfiguration(doc);
  if (auto* error = std::get_if<S3Error>(&rules)) return *error;
  store::Bucket bucket = *ctx.bucket;
  store::SetLifecycleRules(&bucket, std::get<std::vector<store::LifecycleRule>>(rules));
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  S3Response response;
  AddTransitionDefaultHeader(&response);
  return response;
}

OpResult GetBucketLifecycleConfiguration(OpContext& ctx) {
  auto rules = store::LifecycleRulesOf(*ctx.bucket);
  if (!rules.ok()) return FromStatus(rules.status());
  if (rules->empty()) return S3Error(S3ErrorCode::kNoSuchLifecycleConfiguration);
  S3Response response = S3Response::Xml(RenderLifecycleConfiguration(*rules));
  AddTransitionDefaultHeader(&response);
  return response;
}

// 204 whether or not a configuration existed, as AWS.
OpResult DeleteBucketLifecycle(OpContext& ctx) {
  if (ctx.bucket->FindAttribute(store::kLifecycleAttribute) != nullptr) {
    store::Bucket bucket = *ctx.bucket;
    store::SetLifecycleRules(&bucket, {});
    Status st = ctx.store().UpdateBucket(bucket);
    if (!st.ok()) return FromStatus(st);
  }
  return S3Response::NoContent();
}

}  // namespace stocktake::s3
