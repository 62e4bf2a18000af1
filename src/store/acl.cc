#include "store/acl.h"

namespace stocktake::store {
namespace {

// On-disk spellings (docs/formats.md §3.4). DO NOT CHANGE.
constexpr std::string_view kVersion1 = "1";
constexpr std::string_view kKindId = "id";
constexpr std::string_view kKindUri = "uri";

bool IsDefault(const Acl& acl, std::string_view owner) {
  return acl.grants.size() == 1 && acl.grants[0].kind == AclGrant::Kind::kCanonicalUser &&
         acl.grants[0].grantee == owner && acl.grants[0].permission == "FULL_CONTROL";
}

std::string_view NextToken(std::string_view* line) {
  size_t space = line->find(' ');
  std::string_view token = line->substr(0, space);
  *line = space == std::string_view::npos ? std::string_view() : line->substr(space + 1);
  return token;
}

}  // namespace

bool IsAclPermission(std::string_view permission) {
  return permission == "FULL_CONTROL" || permission == "WRITE" || permission == "WRITE_ACP" ||
         permission == "READ" || permission == "READ_ACP";
}

bool IsAclGroup(std::string_view uri) {
  return uri == kAllUsersGroup || uri == kAuthenticatedUsersGroup || uri == kLogDeliveryGroup;
}

Acl DefaultAcl(std::string_view owner_canonical_id) {
  Acl acl;
  acl.grants.push_back(
      {AclGrant::Kind::kCanonicalUser, std::string(owner_canonical_id), "FULL_CONTROL"});
  return acl;
}

std::string EncodeAcl(const Acl& acl, std::string_view owner_canonical_id) {
  if (IsDefault(acl, owner_canonical_id)) return "";
  std::string out(kVersion1);
  for (const AclGrant& g : acl.grants) {
    out.push_back('\n');
    out.append(g.kind == AclGrant::Kind::kGroup ? kKindUri : kKindId);
    out.push_back(' ');
    out.append(g.permission);
    out.push_back(' ');
    out.append(g.grantee);
  }
  return out;
}

std::optional<Acl> DecodeAcl(std::string_view document, std::string_view owner_canonical_id) {
  if (document.empty()) return DefaultAcl(owner_canonical_id);
  size_t newline = document.find('\n');
  if (document.substr(0, newline) != kVersion1) return std::nullopt;
  Acl acl;
  std::string_view rest =
      newline == std::string_view::npos ? std::string_view() : document.substr(newline + 1);
  while (newline != std::string_view::npos) {
    newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    std::string_view kind = NextToken(&line);
    std::string_view permission = NextToken(&line);
    if (line.empty() || !IsAclPermission(permission)) return std::nullopt;
    AclGrant grant;
    if (kind == kKindId) {
      grant.kind = AclGrant::Kind::kCanonicalUser;
    } else if (kind == kKindUri) {
      grant.kind = AclGrant::Kind::kGroup;
    } else {
      return std::nullopt;
    }
    grant.permission = std::string(permission);
    grant.grantee = std::string(line);
    acl.grants.push_back(std::move(grant));
  }
  return acl;
}

}  // namespace stocktake::store
