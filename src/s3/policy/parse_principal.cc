// Principal / NotPrincipal (IAM User Guide, "AWS JSON policy elements: Principal"): "*", or an
// object mapping "AWS", "CanonicalUser" and "Service" to one string or a list of strings.
// Observed S3 answers: an empty string gives "Missing required field Principal cannot be
// empty!", any other bare string than "*" gives "Invalid policy syntax.", and a principal S3
// cannot resolve gives "Invalid principal in policy".
#include <string>

#include "s3/policy/parser_internal.h"
#include "s3/policy/policy_errors.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy::internal {
namespace {

using nlohmann::json;

bool IsDigits(std::string_view s, size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// IAM names and paths: letters, digits and "+=,.@_-/" (IAM API Reference, "User" PathName).
bool IsIamPath(std::string_view s) {
  if (s.empty() || s.back() == '/') return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              std::string_view("+=,.@_-/").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

// "s3.amazonaws.com", "logging.s3.amazonaws.com": dot-separated labels of [a-z0-9-].
bool IsServiceName(std::string_view s) {
  constexpr std::string_view kSuffix = ".amazonaws.com";
  if (s.size() <= kSuffix.size() || s.substr(s.size() - kSuffix.size()) != kSuffix) return false;
  std::string_view labels = s.substr(0, s.size() - kSuffix.size());
  if (labels.front() == '.' || labels.back() == '.') return false;
  char prev = 0;
  for (char c : labels) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok || (c == '.' && prev == '.')) return false;
    prev = c;
  }
  return true;
}

// An "AWS" entry: "*", a 12-digit account id, or an IAM ARN of the aws partition.
Status AddAwsPrincipal(std::string_view value, PrincipalSet* out, PrincipalRef* ref) {
  if (value == "*") {
    out->everyone = true;
    ref->type = PrincipalRef::Type::kAccount;
    ref->value.clear();
    return Status::OK();
  }
  if (IsDigits(value, 12)) {
    out->accounts.emplace_back(value);
    *ref = {PrincipalRef::Type::kAccount, std::string(value)};
    return Status::OK();
  }
  for (std::string_view service : {"iam", "sts"}) {
    std::string prefix = "arn:aws:" + std::string(service) + "::";
    if (value.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = value.substr(prefix.size());
    if (rest.size() < 14 || !IsDigits(rest.substr(0, 12), 12) || rest[12] != ':') break;
    std::string_view account = rest.substr(0, 12);
    std::string_view resource = rest.substr(13);
    if (service == "iam" && resource == "root") {
      out->accounts.emplace_back(account);
      *ref = {PrincipalRef::Type::kAccount, std::string(account)};
      return Status::OK();
    }
    bool ok = false;
    if (service == "iam") {
      for (std::string_view type : {"user/", "role/"}) {
        if (resource.substr(0, type.size()) == type) ok = IsIamPath(resource.substr(type.size()));
      }
    } else if (resource.substr(0, 13) == "assumed-role/") {
      std::string_view session = resource.substr(13);
      ok = session.find('/') != std::string_view::npos && IsIamPath(session);
    }
    if (!ok) break;
    out->arns.emplace_back(value);
    *ref = {PrincipalRef::Type::kArn, std::string(value)};
    return Status::OK();
  }
  return Malformed(kMsgInvalidPrincipal);
}

}  // namespace

Result<PrincipalSet> ParsePrincipal(const json& value, const ParseOptions& options) {
  PrincipalSet out;
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty()) return Malformed(kMsgEmptyPrincipal);
    if (text != "*") return Malformed(kMsgInvalidSyntax);
    out.everyone = true;
    return out;
  }
  if (!value.is_object()) return Malformed(kMsgInvalidSyntax);
  if (value.empty()) return Malformed(kMsgInvalidPrincipal);
  for (const auto& [type, entries] : value.items()) {
    std::vector<std::string> names;
    if (entries.is_string()) {
      names.push_back(entries.get<std::string>());
    } else if (entries.is_array() && !entries.empty()) {
      for (const json& entry : entries) {
        if (!entry.is_string()) return Malformed(kMsgInvalidPrincipal);
        names.push_back(entry.get<std::string>());
      }
    } else {
      return Malformed(kMsgInvalidPrincipal);
    }
    for (std::string& name : names) {
      PrincipalRef ref{PrincipalRef::Type::kAccount, ""};
      if (type == "AWS") {
        RETURN_IF_ERROR(AddAwsPrincipal(name, &out, &ref));
        if (ref.value.empty()) continue;  // "*"
      } else if (type == "CanonicalUser") {
        if (!IsHex64(name)) return Malformed(kMsgInvalidPrincipal);
        for (char& c : name) {
          if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        }
        out.canonical_ids.push_back(name);
        ref = {PrincipalRef::Type::kCanonicalUser, name};
      } else if (type == "Service") {
        if (!IsServiceName(name)) return Malformed(kMsgInvalidPrincipal);
        out.services.push_back(name);
        ref = {PrincipalRef::Type::kService, name};
      } else {
        // "Federated" and unknown types: Stocktake has no identity providers.
        return Malformed(kMsgInvalidPrincipal);
      }
      if (options.principal_exists && !options.principal_exists(ref)) {
        return Malformed(kMsgInvalidPrincipal);
      }
    }
  }
  return out;
}

}  // namespace stocktake::s3::policy::internal
