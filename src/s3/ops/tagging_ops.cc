// Object tagging: Put/Get/DeleteObjectTagging.
#include <cstring>

#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {

OpResult PutObjectTagging(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node tag_set = doc.child("Tagging").child("TagSet");
  if (!tag_set) return S3Error(S3ErrorCode::kMalformedXML);
  std::vector<std::pair<std::string, std::string>> tags;
  for (pugi::xml_node tag : tag_set.children()) {
    if (tag.type() == pugi::node_pcdata && tag.value()[strspn(tag.value(), " \t\r\n")] == '\0') {
      continue;  // an empty TagSet's whitespace, kept by kXmlBodyParseFlags
    }
    if (std::string_view(tag.name()) != "Tag" || !tag.child("Key")) {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
    tags.emplace_back(tag.child("Key").text().as_string(), tag.child("Value").text().as_string());
  }
  if (auto error = ValidateTags(tags)) return *error;
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  auto& version = std::get<store::ObjectVersion>(loaded);
  if (version.is_delete_marker) return S3Error(S3ErrorCode::kMethodNotAllowed);
  version.tags = std::move(tags);
  Status st = ctx.store().UpdateObjectVersion(version);
  if (!st.ok()) return FromStatus(st);
  S3Response response;
  if (ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response.SetHeader("x-amz-version-id", VersionIdOrNull(version));
  }
  return response;
}

OpResult GetObjectTagging(OpContext& ctx) {
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  auto& version = std::get<store::ObjectVersion>(loaded);
  if (version.is_delete_marker) return S3Error(S3ErrorCode::kMethodNotAllowed);
  XmlWriter xml("Tagging");
  xml.Open("TagSet");
  for (const auto& [k, v] : version.tags) {
    xml.Open("Tag").Element("Key", k).Element("Value", v).Close();
  }
  S3Response response = S3Response::Xml(xml.Finish());
  if (ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response.SetHeader("x-amz-version-id", VersionIdOrNull(version));
  }
  return response;
}

OpResult DeleteObjectTagging(OpContext& ctx) {
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  auto& version = std::get<store::ObjectVersion>(loaded);
  if (version.is_delete_marker) return S3Error(S3ErrorCode::kMethodNotAllowed);
  version.tags.clear();
  Status st = ctx.store().UpdateObjectVersion(version);
  if (!st.ok()) return FromStatus(st);
  S3Response response = S3Response::NoContent();
  if (ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response.SetHeader("x-amz-version-id", VersionIdOrNull(version));
  }
  return response;
}

}  // namespace stocktake::s3
