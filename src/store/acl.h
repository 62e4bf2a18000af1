// Access control lists as the store keeps them: the grants of an object version
// (ObjectVersion::acl) or of a bucket (bucket attribute "acl"), in a compact text document.
// The S3 layer parses requests into an Acl and renders AccessControlPolicy XML from it; the
// inventory renders the grants of spec §7's JSON from it. Both depend on store, so the codec lives
// here and neither owns the on-disk form.
//
// Document (docs/formats.md §3.4; DO NOT CHANGE, it is stored):
//   ""                      the default ACL: the owner has FULL_CONTROL, nobody else anything
//   "1" grant*              version 1, then for each grant, in order:
//   grant := "\n" kind " " permission " " grantee
//   kind  := "id" (canonical user id, 64 hex) | "uri" (group URI)
//   permission := FULL_CONTROL | WRITE | WRITE_ACP | READ | READ_ACP
// Grantees never contain spaces or newlines (validated on input), so no escaping is needed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::store {

// The S3 ACL groups (S3 User Guide, "Access control list (ACL) overview", Amazon S3 groups).
inline constexpr std::string_view kAllUsersGroup =
    "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr std::string_view kAuthenticatedUsersGroup =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
inline constexpr std::string_view kLogDeliveryGroup =
    "http://acs.amazonaws.com/groups/s3/LogDelivery";

struct AclGrant {
  enum class Kind { kCanonicalUser, kGroup };
  Kind kind = Kind::kCanonicalUser;
  std::string grantee;     // canonical user id or group URI
  std::string permission;  // FULL_CONTROL, WRITE, WRITE_ACP, READ, READ_ACP

  bool operator==(const AclGrant&) const = default;
};

struct Acl {
  std::vector<AclGrant> grants;
};

bool IsAclPermission(std::string_view permission);
bool IsAclGroup(std::string_view uri);

// The grants the default ("") document stands for: the owner's FULL_CONTROL.
Acl DefaultAcl(std::string_view owner_canonical_id);

// Encodes `acl`; an ACL that is exactly the owner's FULL_CONTROL encodes as "" (the default), so
// that private objects store nothing.
std::string EncodeAcl(const Acl& acl, std::string_view owner_canonical_id);

// Decodes a stored document; "" yields DefaultAcl(owner). nullopt when the document is corrupt.
std::optional<Acl> DecodeAcl(std::string_view document, std::string_view owner_canonical_id);

}  // namespace stocktake::store
