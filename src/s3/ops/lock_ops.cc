// Object Lock (S3 User Guide, "Locking objects with Object Lock"; API reference
// PutObjectLockConfiguration, PutObjectRetention, PutObjectLegalHold): the bucket's default
// retention, per-version retention, legal holds and (2026) event holds, the x-amz-object-lock-*
// headers of PUT and GET/HEAD, and the delete guard. The store refuses on its own to remove a
// version under legal hold or unexpired COMPLIANCE retention (ObjectStore::DeleteObject,
// ModifyObjectVersion); the checks here give the S3 answers and handle GOVERNANCE, which a caller
// may bypass.
//
// Event holds (botocore 1.43.90, 2026-09): Retention EventHold ON|OFF + EventHoldDuration
// Days|Years, DefaultRetention DefaultEventHold, headers x-amz-object-lock-event-hold and
// -event-hold-duration-days|-years. "While the event hold is on, Amazon S3 computes the
// retain-until-date as the current time plus the duration. When you release the hold, Amazon S3
// sets the retain-until-date to the release time plus the duration."
// (store::EffectiveRetainUntilMs)
#include <charconv>

#include "common/time_format.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"

namespace stocktake::s3 {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;
// Bounds of a retention or event hold duration (DefaultRetention, EventHoldDuration).
constexpr int64_t kMaxDays = 36500;
constexpr int64_t kMaxYears = 100;

// Bucket attribute holding the default rule: "" (Object Lock enabled, no default rule) or
// "<MODE>[ <N> Days|Years][ EventHold <N> Days|Years]". Stored (docs/formats.md §3.2): DO NOT
// CHANGE.
constexpr std::string_view kLockAttribute = "object-lock";

// S3 words the same refusal two ways: object writes say the first, the ?retention and
// ?legal-hold operations the second (both observed, see docs/differences-from-aws.md).
constexpr std::string_view kMissingLockConfigOnWrite = "Bucket is missing ObjectLockConfiguration";
constexpr std::string_view kMissingLockConfig = "Bucket is missing Object Lock Configuration";
// AccessDenied for a version Object Lock protects (S3's message).
constexpr std::string_view kProtectedByLock =
    "Access Denied because object protected by object lock.";

bool IsLockMode(std::string_view mode) { return mode == "GOVERNANCE" || mode == "COMPLIANCE"; }

S3Error LockDenied() { return S3Error(S3ErrorCode::kAccessDenied, std::string(kProtectedByLock)); }

bool ParseCount(std::string_view text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// A duration in days or in years (DefaultRetention period, EventHoldDuration).
struct Duration {
  int64_t count = 0;
  bool years = false;

  bool empty() const { return count == 0; }
  int64_t Ms() const { return count * (years ? 365 : 1) * kDayMs; }
  std::string Encode() const { return std::to_string(count) + (years ? " Years" : " Days"); }
};

struct DefaultRule {
  std::string mode;
  Duration retention;   // may be empty when only an event hold is configured
  Duration event_hold;  // empty = no default event hold
};

std::optional<DefaultRule> LoadDefaultRule(const store::Bucket& bucket) {
  const std::string* doc = bucket.FindAttribute(kLockAttribute);
  if (doc == nullptr || doc->empty()) return std::nullopt;
  std::vector<std::string_view> tokens;
  std::string_view rest = *doc;
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    tokens.push_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  DefaultRule rule;
  size_t i = 0;
  auto duration = [&](Duration* d) {
    if (i + 1 >= tokens.size() || !ParseCount(tokens[i], &d->count)) return false;
    d->years = tokens[i + 1] == "Years";
    i += 2;
    return true;
  };
  if (tokens.empty() || !IsLockMode(tokens[0])) return std::nullopt;
  rule.mode = std::string(tokens[0]);
  i = 1;
  if (i < tokens.size() && tokens[i] != "EventHold" && !duration(&rule.retention)) {
    return std::nullopt;
  }
  if (i < tokens.size() && tokens[i] == "EventHold") {
    ++i;
    if (!duration(&rule.event_hold)) return std::nullopt;
  }
  return rule;
}

// <Days>/<Years> children of `node` (DefaultRetention, EventHoldDuration). Exactly one, within
// S3's bounds; `what` names the period in messages.
std::variant<Duration, S3Error> ParseDurationXml(pugi::xml_node node, std::string_view what) {
  pugi::xml_node days = node.child("Days");
  pugi::xml_node years = node.child("Years");
  if (static_cast<bool>(days) == static_cast<bool>(years)) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  Duration d;
  d.years = static_cast<bool>(years);
  // S3 answers InvalidArgument here (observed; ceph s3-tests' InvalidRetentionPeriod is not what
  // S3 sends).
  if (!ParseCount((days ? days : years).text().as_string(), &d.count) || d.count <= 0) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   std::string(what) + " period must be a positive integer value.");
  }
  if (d.count > (d.years ? kMaxYears : kMaxDays)) {
    return S3Error(S3ErrorCode::kInvalidArgument, std::string(what) + " period too large.");
  }
  return d;
}

// The x-amz-object-lock-event-hold-duration-days|-years headers; empty when neither is sent.
std::variant<Duration, S3Error> ParseDurationHeaders(const S3Request& request) {
  const std::string* days = request.Header("x-amz-object-lock-event-hold-duration-days");
  const std::string* years = request.Header("x-amz-object-lock-event-hold-duration-years");
  if (days == nullptr && years == nullptr) return Duration{};
  Duration d;
  d.years = years != nullptr;
  if (days != nullptr && years != nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "x-amz-object-lock-event-hold-duration-days and "
                   "x-amz-object-lock-event-hold-duration-years cannot both be supplied");
  }
  if (!ParseCount(d.years ? *years : *days, &d.count) || d.count <= 0 ||
      d.count > (d.years ? kMaxYears : kMaxDays)) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "The event hold duration must be 1 to 36500 days or 1 to 100 years");
  }
  return d;
}

void SetEventHold(store::ObjectVersion* v, std::string_view status, const Duration& d) {
  v->object_lock_event_hold = std::string(status);
  v->object_lock_event_hold_days = d.years ? 0 : static_cast<uint32_t>(d.count);
  v->object_lock_event_hold_years = d.years ? static_cast<uint32_t>(d.count) : 0;
}

Duration StoredEventHold(const store::ObjectVersion& v) {
  if (v.object_lock_event_hold_years != 0) return {v.object_lock_event_hold_years, true};
  return {v.object_lock_event_hold_days, false};
}

// Applies the bucket's default rule to a new version (User Guide: the default applies from the
// version's creation, unless the request names its own Object Lock settings).
void ApplyDefaultRule(const DefaultRule& rule, int64_t now_ms, store::ObjectVersion* v) {
  v->object_lock_mode = rule.mode;
  if (!rule.retention.empty()) v->object_lock_retain_until_ms = now_ms + rule.retention.Ms();
  if (!rule.event_hold.empty()) {
    SetEventHold(v, "ON", rule.event_hold);
    v->object_lock_retain_until_ms =
        std::max(v->object_lock_retain_until_ms, now_ms + rule.event_hold.Ms());
  }
}

bool BypassGovernance(const OpContext& ctx) {
  const std::string* h = ctx.request.Header("x-amz-bypass-governance-retention");
  return h != nullptr && (*h == "true" || *h == "True" || *h == "TRUE");
}

std::optional<S3Error> RequireLockBucket(const OpContext& ctx) {
  if (!ctx.bucket->object_lock_enabled) {
    return S3Error(S3ErrorCode::kInvalidRequest, std::string(kMissingLockConfig));
  }
  return std::nullopt;
}

// Whether the retention of `before` may become that of `after` at now_ms. Changes that keep or
// raise protection are free; lowering an unexpired GOVERNANCE one needs the bypass header; an
// unexpired COMPLIANCE one can only be extended (User Guide, "Retention modes"). Dates are the
// ones in force (an event hold keeps moving its date).
bool RetentionChangeAllowed(const store::ObjectVersion& before, const store::ObjectVersion& after,
                            int64_t now_ms, bool bypass) {
  int64_t until_before = store::EffectiveRetainUntilMs(before, now_ms);
  bool active = !before.object_lock_mode.empty() && until_before > now_ms;
  if (!active) return true;
  bool extends_same_mode = after.object_lock_mode == before.object_lock_mode &&
                           store::EffectiveRetainUntilMs(after, now_ms) >= until_before;
  if (extends_same_mode) return true;
  if (before.object_lock_mode == "COMPLIANCE") return false;
  return bypass;
}

// Loads the version a ?retention / ?legal-hold request names; delete markers have neither.
std::variant<store::ObjectVersion, S3Error> LoadLockTarget(OpContext& ctx) {
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  if (std::get<store::ObjectVersion>(loaded).is_delete_marker) {
    return S3Error(S3ErrorCode::kMethodNotAllowed);
  }
  return loaded;
}

// Runs `mutate` on the addressed version under the store's key lock. `mutate` reports refusals
// as an S3 answer.
std::optional<S3Error> ModifyTarget(
    OpContext& ctx, const store::ObjectVersion& target,
    const std::function<std::optional<S3Error>(store::ObjectVersion*)>& mutate) {
  std::optional<S3Error> refusal;
  std::string id = VersionIdOrNull(target);
  auto modified = ctx.store().ModifyObjectVersion(
      target.bucket, target.key, id, [&](store::ObjectVersion* v, int64_t) {
        refusal = mutate(v);
        return refusal ? Status::Aborted("refused") : Status::OK();
      });
  if (refusal) return refusal;
  if (!modified.ok()) {
    if (modified.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchVersion);
    if (modified.status().code() == StatusCode::kPermissionDenied) return LockDenied();
    return FromStatus(modified.status());
  }
  return std::nullopt;
}

// A PutObject carrying Object Lock parameters (its own or the bucket default's) must prove its
// integrity: "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with
// Object Lock parameters" (observed on S3; a SigV4 payload hash does not count).
bool HasIntegrityHeader(const S3Request& request) {
  if (request.Header("content-md5") != nullptr) return true;
  for (const auto& [name, value] : request.http->headers) {
    if (name.starts_with("x-amz-checksum-") && name != "x-amz-checksum-type" &&
        name != "x-amz-checksum-algorithm" && name != "x-amz-checksum-mode") {
      return true;
    }
  }
  const std::string* trailer = request.Header("x-amz-trailer");
  return trailer != nullptr && trailer->starts_with("x-amz-checksum-");
}

bool IsPutObject(const OpContext& ctx) {
  return ctx.request.method == "PUT" && ctx.request.Header("x-amz-copy-source") == nullptr &&
         !ctx.request.HasQuery("uploadId");
}

void WriteDuration(XmlWriter* xml, const Duration& d) {
  xml->Element(d.years ? "Years" : "Days", static_cast<uint64_t>(d.count));
}

}  // namespace

// ---- Hooks of object_features.h -------------------------------------------------------------

std::optional<S3Error> ApplyObjectLockHeaders(const OpContext& ctx, store::ObjectVersion* version) {
  const std::string* mode = ctx.request.Header("x-amz-object-lock-mode");
  const std::string* until = ctx.request.Header("x-amz-object-lock-retain-until-date");
  const std::string* hold = ctx.request.Header("x-amz-object-lock-legal-hold");
  const std::string* event_hold = ctx.request.Header("x-amz-object-lock-event-hold");
  auto duration = ParseDurationHeaders(ctx.request);
  if (auto* error = std::get_if<S3Error>(&duration)) return *error;
  const Duration& event_duration = std::get<Duration>(duration);
  bool any = mode || until || hold || event_hold || !event_duration.empty();
  int64_t now_ms = ctx.NowMillis();

  // The headers are validated before the bucket's Object Lock is looked at (as S3). Messages are
  // S3's (the ones S3-compatible servers copy).
  if (event_hold != nullptr && *event_hold != "ON" && *event_hold != "OFF") {
    return S3Error(S3ErrorCode::kInvalidArgument, "Event Hold must be either of 'ON' or 'OFF'");
  }
  if ((event_hold != nullptr) != !event_duration.empty()) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "x-amz-object-lock-event-hold and an event hold duration must both be "
                   "supplied");
  }
  // With an event hold S3 computes the date itself, so a mode alone is complete.
  if (until != nullptr && mode == nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be "
                   "supplied");
  }
  if (mode != nullptr && until == nullptr && event_hold == nullptr) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be "
                   "supplied");
  }
  if (mode != nullptr && !IsLockMode(*mode)) {
    return S3Error(S3ErrorCode::kInvalidArgument, "Unknown wormMode directive.");
  }
  std::optional<int64_t> until_ms;
  if (until != nullptr) {
    until_ms = ParseIso8601(*until);
    if (!until_ms) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "The retain until date must be provided in ISO 8601 format");
    }
    if (*until_ms <= now_ms) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The retain until date must be in the future!");
    }
  }
  if (hold != nullptr && *hold != "ON" && *hold != "OFF") {
    return S3Error(S3ErrorCode::kInvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'");
  }

  auto rule = ctx.bucket->object_lock_enabled ? LoadDefaultRule(*ctx.bucket) : std::nullopt;
  if (any && !ctx.bucket->object_lock_enabled) {
    return S3Error(S3ErrorCode::kInvalidRequest, std::string(kMissingLockConfigOnWrite));
  }
  if (!any && !rule) return std::nullopt;
  if (IsPutObject(ctx) && !HasIntegrityHeader(ctx.request)) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object "
                   "requests with Object Lock parameters");
  }
  if (mode == nullptr && event_hold == nullptr) {
    // Only a legal hold (or nothing): the bucket's default retention still applies.
    if (rule) ApplyDefaultRule(*rule, now_ms, version);
  } else {
    std::string effective_mode = mode ? *mode : rule ? rule->mode : "";
    if (effective_mode.empty()) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "An event hold requires x-amz-object-lock-mode or a default retention mode");
    }
    version->object_lock_mode = effective_mode;
    version->object_lock_retain_until_ms = until_ms.value_or(0);
    if (event_hold != nullptr) {
      // OFF at creation is a hold released at once: retained for the duration from now.
      SetEventHold(version, *event_hold, event_duration);
      version->object_lock_retain_until_ms =
          std::max(version->object_lock_retain_until_ms, now_ms + event_duration.Ms());
    }
  }
  if (hold != nullptr) version->object_lock_legal_hold = *hold;
  return std::nullopt;
}

std::optional<S3Error> ApplyNewObjectFeatures(const OpContext& ctx, store::ObjectVersion* version) {
  if (auto error = ApplyObjectLockHeaders(ctx, version)) return error;
  return ApplyAclHeaders(ctx, version);
}

std::optional<S3Error> CheckBypassHeaderApplicable(const OpContext& ctx) {
  if (ctx.request.Header("x-amz-bypass-governance-retention") != nullptr &&
      !ctx.bucket->object_lock_enabled) {
    return S3Error(S3ErrorCode::kInvalidArgument,
                   "x-amz-bypass-governance-retention is only applicable to Object Lock enabled "
                   "buckets.");
  }
  return std::nullopt;
}

std::optional<S3Error> CheckVersionRemovable(const OpContext& ctx, std::string_view key,
                                             std::string_view version_id) {
  auto v = ctx.store().GetObject(ctx.bucket->name, key, version_id);
  if (!v.ok()) return std::nullopt;  // absent or malformed: the delete answers
  // Delete markers are not WORM-protected (User Guide, "How S3 Object Lock works").
  if (v->is_delete_marker) return std::nullopt;
  if (v->object_lock_legal_hold == "ON") return LockDenied();
  int64_t now_ms = ctx.NowMillis();
  if (v->object_lock_mode.empty() || store::EffectiveRetainUntilMs(*v, now_ms) <= now_ms) {
    return std::nullopt;
  }
  if (v->object_lock_mode == "GOVERNANCE" && BypassGovernance(ctx)) return std::nullopt;
  return LockDenied();
}

void AddObjectLockHeaders(const OpContext& ctx, const store::ObjectVersion& version,
                          S3Response* response) {
  if (!version.object_lock_mode.empty()) {
    response->SetHeader("x-amz-object-lock-mode", version.object_lock_mode);
    int64_t until = store::EffectiveRetainUntilMs(version, ctx.NowMillis());
    if (until != 0) {
      response->SetHeader("x-amz-object-lock-retain-until-date", FormatIso8601Millis(until));
    }
  }
  if (!version.object_lock_legal_hold.empty()) {
    response->SetHeader("x-amz-object-lock-legal-hold", version.object_lock_legal_hold);
  }
  if (!version.object_lock_event_hold.empty()) {
    Duration d = StoredEventHold(version);
    response->SetHeader("x-amz-object-lock-event-hold", version.object_lock_event_hold);
    response->SetHeader(d.years ? "x-amz-object-lock-event-hold-duration-years"
                                : "x-amz-object-lock-event-hold-duration-days",
                        std::to_string(d.count));
  }
}

// ---- Bucket configuration ---------------------------------------------------------------------

OpResult GetObjectLockConfiguration(OpContext& ctx) {
  if (!ctx.bucket->object_lock_enabled) {
    return S3Error(S3ErrorCode::kObjectLockConfigurationNotFoundError);
  }
  XmlWriter xml("ObjectLockConfiguration");
  xml.Element("ObjectLockEnabled", "Enabled");
  if (auto rule = LoadDefaultRule(*ctx.bucket)) {
    xml.Open("Rule").Open("DefaultRetention").Element("Mode", rule->mode);
    if (!rule->retention.empty()) WriteDuration(&xml, rule->retention);
    if (!rule->event_hold.empty()) {
      xml.Open("DefaultEventHold");
      WriteDuration(&xml, rule->event_hold);
      xml.Close();
    }
    xml.Close().Close();
  }
  return S3Response::Xml(xml.Finish());
}

OpResult PutObjectLockConfiguration(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("ObjectLockConfiguration");
  if (!root || std::string_view(root.child("ObjectLockEnabled").text().as_string()) != "Enabled") {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  std::string attribute;  // "" = no default rule
  if (pugi::xml_node rule = root.child("Rule")) {
    pugi::xml_node retention = rule.child("DefaultRetention");
    std::string_view mode = retention.child("Mode").text().as_string();
    if (!retention || !IsLockMode(mode)) return S3Error(S3ErrorCode::kMalformedXML);
    attribute = std::string(mode);
    pugi::xml_node event_hold = retention.child("DefaultEventHold");
    // A mode needs a period, unless the default is an event hold (which brings its duration).
    if (!event_hold || retention.child("Days") || retention.child("Years")) {
      auto period = ParseDurationXml(retention, "Default retention");
      if (auto* error = std::get_if<S3Error>(&period)) return *error;
      attribute += " " + std::get<Duration>(period).Encode();
    }
    if (event_hold) {
      auto period = ParseDurationXml(event_hold, "Default event hold");
      if (auto* error = std::get_if<S3Error>(&period)) return *error;
      attribute += " EventHold " + std::get<Duration>(period).Encode();
    }
  }
  store::Bucket bucket = *ctx.bucket;
  if (!bucket.object_lock_enabled) {
    // Since 2023 AWS enables Object Lock on an existing bucket, provided it is versioned.
    if (bucket.versioning != store::Versioning::kEnabled) {
      return S3Error(S3ErrorCode::kInvalidBucketState,
                     "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                     "configuration");
    }
    bucket.object_lock_enabled = true;
  }
  std::erase_if(bucket.attributes, [](const auto& a) { return a.first == kLockAttribute; });
  bucket.attributes.emplace_back(std::string(kLockAttribute), std::move(attribute));
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

// ---- Retention ------------------------------------------------------------------------------

OpResult GetObjectRetention(OpContext& ctx) {
  if (auto error = RequireLockBucket(ctx)) return *error;
  auto loaded = LoadLockTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& v = std::get<store::ObjectVersion>(loaded);
  if (v.object_lock_mode.empty() && v.object_lock_event_hold.empty()) {
    return S3Error(S3ErrorCode::kNoSuchObjectLockConfiguration);
  }
  XmlWriter xml("Retention");
  if (!v.object_lock_mode.empty()) xml.Element("Mode", v.object_lock_mode);
  int64_t until = store::EffectiveRetainUntilMs(v, ctx.NowMillis());
  if (until != 0) xml.Element("RetainUntilDate", FormatIso8601Millis(until));
  if (!v.object_lock_event_hold.empty()) {
    xml.Element("EventHold", v.object_lock_event_hold);
    xml.Open("EventHoldDuration");
    WriteDuration(&xml, StoredEventHold(v));
    xml.Close();
  }
  return S3Response::Xml(xml.Finish());
}

OpResult PutObjectRetention(OpContext& ctx) {
  if (auto error = RequireLockBucket(ctx)) return *error;
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("Retention");
  if (!root) return S3Error(S3ErrorCode::kMalformedXML);
  std::string mode = root.child("Mode").text().as_string();
  pugi::xml_node until_node = root.child("RetainUntilDate");
  pugi::xml_node hold_node = root.child("EventHold");
  pugi::xml_node duration_node = root.child("EventHoldDuration");
  std::string hold = hold_node.text().as_string();
  if ((!mode.empty() && !IsLockMode(mode)) || (hold_node && hold != "ON" && hold != "OFF")) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  // An empty <Retention/> removes the retention. A mode needs a date unless an event hold
  // supplies it; a date needs a mode.
  if ((until_node && mode.empty()) || (!mode.empty() && !until_node && !hold_node)) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  std::optional<Duration> duration;
  if (duration_node) {
    auto d = ParseDurationXml(duration_node, "Event hold");
    if (auto* error = std::get_if<S3Error>(&d)) return *error;
    duration = std::get<Duration>(d);
  }
  int64_t now_ms = ctx.NowMillis();
  int64_t until_ms = 0;
  if (until_node) {
    auto parsed_until = ParseIso8601(until_node.text().as_string());
    if (!parsed_until) return S3Error(S3ErrorCode::kMalformedXML);
    until_ms = *parsed_until;
    if (until_ms <= now_ms) {
      return S3Error(S3ErrorCode::kInvalidArgument, "The retain until date must be in the future!");
    }
  }
  auto loaded = LoadLockTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& target = std::get<store::ObjectVersion>(loaded);
  bool bypass = BypassGovernance(ctx);
  auto refused = ModifyTarget(ctx, target, [&](store::ObjectVersion* v) -> std::optional<S3Error> {
    store::ObjectVersion after = *v;
    bool removal = mode.empty() && !hold_node && !duration_node;
    if (removal) {
      after.object_lock_mode.clear();
      after.object_lock_retain_until_ms = 0;
      SetEventHold(&after, "", Duration{});
    } else {
      if (!mode.empty()) after.object_lock_mode = mode;
      if (after.object_lock_mode.empty()) return S3Error(S3ErrorCode::kMalformedXML);
      after.object_lock_retain_until_ms = until_ms;
      if (hold_node || duration) {
        Duration d = duration.value_or(StoredEventHold(*v));
        if (d.empty()) return S3Error(S3ErrorCode::kMalformedXML);  // a hold needs a duration
        std::string status = hold_node ? hold : v->object_lock_event_hold;
        if (status.empty()) status = "ON";
        SetEventHold(&after, status, d);
        // ON: the date follows now + duration; OFF (a release): release time + duration.
        after.object_lock_retain_until_ms = std::max(until_ms, now_ms + d.Ms());
      } else if (v->object_lock_event_hold == "ON") {
        // A new date alone leaves a running event hold as it is.
        after.object_lock_retain_until_ms = std::max(until_ms, v->object_lock_retain_until_ms);
      }
    }
    if (!RetentionChangeAllowed(*v, after, now_ms, bypass)) return LockDenied();
    *v = std::move(after);
    return std::nullopt;
  });
  if (refused) return *refused;
  return S3Response();
}

// ---- Legal hold -----------------------------------------------------------------------------

OpResult GetObjectLegalHold(OpContext& ctx) {
  if (auto error = RequireLockBucket(ctx)) return *error;
  auto loaded = LoadLockTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& v = std::get<store::ObjectVersion>(loaded);
  // A hold once set stays recorded as ON or OFF; never set is "no configuration" (AWS).
  if (v.object_lock_legal_hold.empty()) {
    return S3Error(S3ErrorCode::kNoSuchObjectLockConfiguration);
  }
  XmlWriter xml("LegalHold");
  xml.Element("Status", v.object_lock_legal_hold);
  return S3Response::Xml(xml.Finish());
}

OpResult PutObjectLegalHold(OpContext& ctx) {
  if (auto error = RequireLockBucket(ctx)) return *error;
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  std::string status = doc.child("LegalHold").child("Status").text().as_string();
  if (status != "ON" && status != "OFF") return S3Error(S3ErrorCode::kMalformedXML);
  auto loaded = LoadLockTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& target = std::get<store::ObjectVersion>(loaded);
  // "Legal holds can be freely placed and removed" (User Guide): no bypass involved.
  auto refused = ModifyTarget(ctx, target, [&](store::ObjectVersion* v) {
    v->object_lock_legal_hold = status;
    return std::optional<S3Error>();
  });
  if (refused) return *refused;
  return S3Response();
}

}  // namespace stocktake::s3
