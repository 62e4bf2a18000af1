// ParsePolicy: the document and its statements. nlohmann::json is used with exceptions off
// (parse(..., allow_exceptions = false), type checks before every get), so nothing throws.
#include "s3/policy/parser.h"

#include <string>
#include <utility>

#include "s3/policy/actions.h"
#include "s3/policy/operations.h"
#include "s3/policy/parser_internal.h"
#include "s3/policy/policy_errors.h"
#include "s3/policy/variables.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {
namespace internal {

Status Malformed(std::string_view message) {
  // Messages echo what the policy wrote ("Invalid effect: ..."). Control characters would make
  // the error document invalid XML 1.0 (clients then cannot read the error at all), so they are
  // echoed as the JSON escapes they were written as.
  std::string printable;
  for (char c : message) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      printable += "\\u00";
      printable += kHex[byte >> 4];
      printable += kHex[byte & 0xf];
    } else {
      printable += c;
    }
  }
  return Status::InvalidArgument(std::move(printable));
}

}  // namespace internal

namespace {

using internal::Malformed;
using internal::PolicyKind;
using nlohmann::json;

// The size of `text` without JSON whitespace outside strings (S3 measures the 20 KB limit on
// the document "after removing unnecessary whitespace"). A single pass, no recursion.
size_t MinifiedSize(std::string_view text) {
  size_t size = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      ++size;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      ++size;
      in_string = c == '"';
    }
  }
  return size;
}

// Reads an element holding one string or a list of strings (IAM: "If an element takes an array
// but only one value is included, the brackets are optional"). `invalid` is the message for a
// non-string entry.
Status StringList(const json& value, std::string_view invalid, std::vector<std::string>* out) {
  if (value.is_string()) {
    out->push_back(value.get<std::string>());
    return Status::OK();
  }
  if (!value.is_array()) return Malformed(invalid);
  for (const json& entry : value) {
    if (!entry.is_string()) return Malformed(invalid);
    out->push_back(entry.get<std::string>());
  }
  return Status::OK();
}

// "kms:<pattern>": KMS action names are letters; a pattern may hold wildcards.
bool ValidKmsAction(std::string_view pattern) {
  if (pattern.size() < 5 || !EqualsIgnoreCase(pattern.substr(0, 4), "kms:")) return false;
  for (char c : pattern.substr(4)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*' || c == '?';
    if (!ok) return false;
  }
  return true;
}

// "*", or "s3:<pattern>" naming at least one S3 action (bucket policies) / "kms:<pattern>" (key
// policies); else "Policy has invalid action".
bool ValidAction(std::string_view pattern, PolicyKind kind) {
  if (pattern == "*") return true;
  if (kind == PolicyKind::kKey) return ValidKmsAction(pattern);
  if (pattern.size() < 4 || !EqualsIgnoreCase(pattern.substr(0, 3), "s3:")) return false;
  for (const ActionInfo& action : AllActions()) {
    if (ActionPatternMatches(pattern, action.name)) return true;
  }
  return false;
}

// "arn:aws:s3:::<bucket>[/<key pattern>]" whose bucket part can be `bucket`: S3 answers "Policy
// has invalid resource" for any other ARN, for a bare "*" (noobaa/noobaa-core#10058 quotes AWS),
// and for another bucket's ARN.
bool ValidResource(std::string_view resource, std::string_view bucket, PolicyVersion version) {
  if (resource.substr(0, kS3ArnPrefix.size()) != kS3ArnPrefix) return false;
  std::string_view rest = resource.substr(kS3ArnPrefix.size());
  std::string_view bucket_part = rest.substr(0, rest.find('/'));
  if (bucket_part.empty()) return false;
  if (version == PolicyVersion::k2012_10_17 && HasPolicyVariable(bucket_part)) return true;
  return WildcardMatch(bucket_part, bucket);
}

// Whether some resource pattern can name a bucket (no "/" after the bucket) or an object (a "/",
// or a "*" that may stand for one).
void ReachableKinds(const std::vector<std::string>& resources, bool* bucket, bool* object) {
  *bucket = *object = false;
  for (const std::string& resource : resources) {
    std::string_view rest = std::string_view(resource).substr(kS3ArnPrefix.size());
    if (rest.find('/') == std::string_view::npos) *bucket = true;
    if (rest.find_first_of("/*") != std::string_view::npos) *object = true;
  }
}

// "Action does not apply to any resource(s) in statement": every action pattern must name at
// least one action whose resource type some Resource entry can name.
bool ActionsApplyToResources(const std::vector<std::string>& actions,
                             const std::vector<std::string>& resources) {
  bool bucket = false;
  bool object = false;
  ReachableKinds(resources, &bucket, &object);
  for (const std::string& pattern : actions) {
    bool applies = false;
    for (const ActionInfo& action : AllActions()) {
      if (!ActionPatternMatches(pattern, action.name)) continue;
      if ((action.resource == ResourceKind::kBucket && bucket) ||
          (action.resource == ResourceKind::kObject && object)) {
        applies = true;
        break;
      }
    }
    if (!applies) return false;
  }
  return true;
}

// Finds `name` and `not_name` in a statement: at most one of them may be present.
Status PairedElement(const json& statement, const char* name, const char* not_name,
                     std::string_view missing, const json** value, bool* negated) {
  auto it = statement.find(name);
  auto not_it = statement.find(not_name);
  if (it != statement.end() && not_it != statement.end()) return Malformed(kMsgInvalidSyntax);
  if (it == statement.end() && not_it == statement.end()) return Malformed(missing);
  *negated = it == statement.end();
  *value = *negated ? &*not_it : &*it;
  return Status::OK();
}

// A key policy's Resource is "*" (the key the policy is attached to) or a KMS key ARN pattern.
bool ValidKeyResource(std::string_view resource) {
  return resource == "*" || resource.starts_with("arn:aws:kms:");
}

Result<Statement> ParseStatement(const json& value, std::string_view bucket, PolicyVersion version,
                                 PolicyKind kind, const ParseOptions& options) {
  if (!value.is_object()) return Malformed(kMsgInvalidSyntax);
  static constexpr std::string_view kFields[] = {"Sid",          "Effect",      "Principal",
                                                 "NotPrincipal", "Action",      "NotAction",
                                                 "Resource",     "NotResource", "Condition"};
  for (const auto& [field, unused] : value.items()) {
    bool known = false;
    for (std::string_view f : kFields) known = known || field == f;
    if (!known) return Malformed(std::string(kMsgUnknownFieldPrefix) + field);
  }
  Statement out;
  if (auto sid = value.find("Sid"); sid != value.end()) {
    if (!sid->is_string()) return Malformed(kMsgInvalidSyntax);
    out.sid = sid->get<std::string>();
  }

  auto effect = value.find("Effect");
  if (effect == value.end()) return Malformed(kMsgMissingEffect);
  if (!effect->is_string()) return Malformed(kMsgInvalidSyntax);
  const std::string& effect_text = effect->get_ref<const std::string&>();
  if (effect_text == "Allow") {
    out.effect = Effect::kAllow;
  } else if (effect_text == "Deny") {
    out.effect = Effect::kDeny;
  } else {
    return Malformed(std::string(kMsgInvalidEffectPrefix) + effect_text);
  }

  const json* element = nullptr;
  RETURN_IF_ERROR(PairedElement(value, "Principal", "NotPrincipal", kMsgMissingPrincipal, &element,
                                &out.not_principal));
  ASSIGN_OR_RETURN(out.principals, internal::ParsePrincipal(*element, options));
  // "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not
  // supported." (IAM User Guide, "AWS JSON policy elements: NotPrincipal").
  if (out.not_principal && out.effect == Effect::kAllow) return Malformed(kMsgInvalidPrincipal);

  RETURN_IF_ERROR(
      PairedElement(value, "Action", "NotAction", kMsgMissingAction, &element, &out.not_action));
  RETURN_IF_ERROR(StringList(*element, kMsgInvalidAction, &out.actions));
  if (out.actions.empty()) return Malformed(kMsgMissingAction);
  for (const std::string& action : out.actions) {
    if (!ValidAction(action, kind)) return Malformed(kMsgInvalidAction);
  }

  RETURN_IF_ERROR(PairedElement(value, "Resource", "NotResource", kMsgMissingResource, &element,
                                &out.not_resource));
  RETURN_IF_ERROR(StringList(*element, kMsgInvalidResource, &out.resources));
  if (out.resources.empty()) return Malformed(kMsgMissingResource);
  for (const std::string& resource : out.resources) {
    bool valid = kind == PolicyKind::kKey ? ValidKeyResource(resource)
                                          : ValidResource(resource, bucket, version);
    if (!valid) return Malformed(kMsgInvalidResource);
  }

  if (auto condition = value.find("Condition"); condition != value.end()) {
    ASSIGN_OR_RETURN(out.conditions,
                     internal::ParseConditionBlock(*condition, out.actions, out.not_action, kind));
  }

  if (kind == PolicyKind::kBucket && !out.not_action && !out.not_resource &&
      !ActionsApplyToResources(out.actions, out.resources)) {
    return Malformed(kMsgActionResourceMismatch);
  }
  return out;
}

// Both kinds of document; `bucket` is the bucket of a bucket policy ("" for a key policy).
Result<Policy> ParseDocument(std::string_view text, std::string_view bucket, PolicyKind kind,
                             const ParseOptions& options) {
  if (text.empty() || text.front() != '{') return Malformed(kMsgFirstByte);
  // Measured before parsing: bounds the parser's work and the nesting depth it can see.
  // KMS counts the document as sent, S3 without insignificant whitespace.
  size_t size = kind == PolicyKind::kKey ? text.size() : MinifiedSize(text);
  if (size > (kind == PolicyKind::kKey ? kMaxKeyPolicyBytes : kMaxPolicyBytes)) {
    return Malformed(kMsgTooLarge);
  }
  // nlohmann's lexer takes a NUL byte for the end of input; JSON allows none anywhere.
  if (text.find('\0') != std::string_view::npos) return Malformed(kMsgInvalidJson);
  json document = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) return Malformed(kMsgInvalidJson);
  for (const auto& [field, unused] : document.items()) {
    if (field != "Version" && field != "Id" && field != "Statement") {
      return Malformed(std::string(kMsgUnknownFieldPrefix) + field);
    }
  }

  Policy policy;
  if (auto version = document.find("Version"); version != document.end()) {
    if (version->is_string() && *version == "2012-10-17") {
      policy.version = PolicyVersion::k2012_10_17;
    } else if (version->is_string() && *version == "2008-10-17") {
      policy.version = PolicyVersion::k2008_10_17;
    } else {
      return Malformed(kMsgInvalidVersion);
    }
  }
  if (auto id = document.find("Id"); id != document.end()) {
    if (!id->is_string()) return Malformed(kMsgInvalidSyntax);
    policy.id = id->get<std::string>();
  }

  auto statements = document.find("Statement");
  if (statements == document.end()) return Malformed(kMsgMissingStatement);
  if (statements->is_array()) {
    if (statements->empty()) return Malformed(kMsgEmptyStatement);
    for (const json& statement : *statements) {
      ASSIGN_OR_RETURN(Statement parsed,
                       ParseStatement(statement, bucket, policy.version, kind, options));
      policy.statements.push_back(std::move(parsed));
    }
  } else if (statements->is_object()) {
    ASSIGN_OR_RETURN(Statement parsed,
                     ParseStatement(*statements, bucket, policy.version, kind, options));
    policy.statements.push_back(std::move(parsed));
  } else {
    return Malformed(kMsgInvalidSyntax);
  }
  return policy;
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, std::string_view bucket,
                           const ParseOptions& options) {
  return ParseDocument(text, bucket, PolicyKind::kBucket, options);
}

Result<Policy> ParseKeyPolicy(std::string_view text, const ParseOptions& options) {
  return ParseDocument(text, "", PolicyKind::kKey, options);
}

}  // namespace stocktake::s3::policy
