// Storage classes beyond STANDARD (S3 User Guide, "Working with archived objects"; API reference
// RestoreObject, HeadObject x-amz-restore): GLACIER and DEEP_ARCHIVE data cannot be read until a
// RestoreObject makes a temporary copy, and Intelligent-Tiering access is recorded for the
// inventory's IntelligentTieringAccessTier. Stocktake keeps every class on the same disks: the
// classes change what the API allows, not where the bytes are.
#include <cstdlib>

#include "common/time_format.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"

namespace stocktake::s3 {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
// RestoreRequest Days bounds (API reference, RestoreRequest: "Days ... minimum value of 1").
constexpr int64_t kMaxRestoreDays = 30000;

bool IsArchived(std::string_view storage_class) {
  return storage_class == "GLACIER" || storage_class == "DEEP_ARCHIVE";
}

// Restores finish at once unless STOCKTAKE_FAILPOINT_RESTORE_DELAY_MS asks for a delay (tests of
// the ongoing-request="true" state); AWS takes minutes to hours.
int64_t RestoreDelayMs() {
  static const int64_t delay_ms = [] {
    const char* v = std::getenv("STOCKTAKE_FAILPOINT_RESTORE_DELAY_MS");
    return v ? std::atoll(v) : 0;
  }();
  return delay_ms;
}

bool RestoreInProgress(const store::ObjectVersion& v, int64_t now_ms) {
  return v.restore_ready_ms != 0 && now_ms < v.restore_ready_ms;
}

bool RestoredCopyAvailable(const store::ObjectVersion& v, int64_t now_ms) {
  return v.restore_ready_ms != 0 && now_ms >= v.restore_ready_ms && now_ms < v.restore_expiry_ms;
}

// "the number of days specified in the restoration request [is added] to the time when the
// requested restoration completes, and then round[ed] to the next day at midnight UTC" (User
// Guide, "Restoring an archived object").
int64_t RestoreExpiry(int64_t ready_ms, int64_t days) {
  int64_t end = ready_ms + days * kDayMs;
  return (end + kDayMs - 1) / kDayMs * kDayMs;
}

}  // namespace

// ---- Hooks of object_features.h -------------------------------------------------------------

void AddObjectFeatureHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                             S3Response* response) {
  AddObjectLockHeaders(ctx, version, response);
  if (!IsArchived(version.storage_class) || version.restore_ready_ms == 0) return;
  int64_t now_ms = ctx.NowMillis();
  if (RestoreInProgress(version, now_ms)) {
    response->SetHeader("x-amz-restore", "ongoing-request=\"true\"");
  } else if (RestoredCopyAvailable(version, now_ms)) {
    response->SetHeader("x-amz-restore", "ongoing-request=\"false\", expiry-date=\"" +
                                             FormatHttpDate(version.restore_expiry_ms) + "\"");
  }
}

std::optional<S3Error> CheckObjectDataReadable(const OpContext& ctx,
                                               const store::ObjectVersion& version) {
  if (!IsArchived(version.storage_class) || RestoredCopyAvailable(version, ctx.NowMillis())) {
    return std::nullopt;
  }
  return S3Error(S3ErrorCode::kInvalidObjectState,
                 "The operation is not valid for the object's storage class");
}

std::optional<S3Error> CheckCopySourceReadable(const OpContext& ctx,
                                               const store::ObjectVersion& version) {
  if (!IsArchived(version.storage_class) || RestoredCopyAvailable(version, ctx.NowMillis())) {
    return std::nullopt;
  }
  return S3Error(S3ErrorCode::kInvalidObjectState,
                 "Object is of storage class " + version.storage_class +
                     ". Unable to perform copy operations on " + version.storage_class +
                     " objects. You must restore the object to be able to perform the operation.");
}

void RecordObjectRead(const OpContext& ctx, const store::ObjectVersion& version) {
  if (version.storage_class != "INTELLIGENT_TIERING") return;
  // Best effort: a failed access record must not fail the read; the tier is an estimate anyway.
  ctx.store().RecordAccess(version).IgnoreError();
}

// ---- RestoreObject ----------------------------------------------------------------------------

OpResult RestoreObject(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("RestoreRequest");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  if (root.child("Type") || root.child("SelectParameters") || root.child("OutputLocation")) {
    return S3Error(S3ErrorCode::kNotImplemented,
                   "S3 Select restores are not implemented by Stocktake.");
  }
  // Days is required for archive restores (RestoreRequest reference).
  std::string_view days_text = root.child("Days").text().as_string();
  int64_t days = std::atoll(std::string(days_text).c_str());
  if (days_text.empty() || days < 1 || days > kMaxRestoreDays) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  if (pugi::xml_node tier = root.child("GlacierJobParameters").child("Tier")) {
    std::string_view t = tier.text().as_string();
    if (t != "Standard" && t != "Bulk" && t != "Expedited") {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
  }
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& target = std::get<store::ObjectVersion>(loaded);
  if (target.is_delete_marker) return S3Error(S3ErrorCode::kMethodNotAllowed);
  if (!IsArchived(target.storage_class)) {
    return S3Error(S3ErrorCode::kInvalidObjectState,
                   "Restore is not allowed for the object's current storage class");
  }
  int64_t now_ms = ctx.NowMillis();
  int status = 202;
  std::optional<S3Error> refusal;
  auto modified = ctx.store().ModifyObjectVersion(
      target.bucket, target.key, VersionIdOrNull(target), [&](store::ObjectVersion* v, int64_t) {
        if (RestoreInProgress(*v, now_ms)) {
          refusal = S3Error(S3ErrorCode::kRestoreAlreadyInProgress);
          return Status::Aborted("restore in progress");
        }
        if (RestoredCopyAvailable(*v, now_ms)) {
          // A restore of a restored copy only moves its expiry: 200, not 202 (RestoreObject).
          status = 200;
          v->restore_expiry_ms = RestoreExpiry(now_ms, days);
        } else {
          v->restore_ready_ms = now_ms + RestoreDelayMs();
          v->restore_expiry_ms = RestoreExpiry(v->restore_ready_ms, days);
        }
        return Status::OK();
      });
  if (refusal) return *refusal;
  if (!modified.ok()) {
    if (modified.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchVersion);
    return FromStatus(modified.status());
  }
  S3Response response;
  response.status = status;
  return response;
}

}  // namespace stocktake::s3
