// ACLs and Object Ownership (S3 User Guide, "Access control list (ACL) overview" and
// "Controlling ownership of objects and disabling ACLs"; API reference PutObjectAcl,
// PutBucketAcl, PutBucketOwnershipControls): canned ACLs and x-amz-grant-* headers on PUT,
// Get/PutObjectAcl, Get/PutBucketAcl, Put/Get/DeleteBucketOwnershipControls.
//
// ACLs are stored (store/acl.h) and reported (GET ?acl, inventory ObjectAccessControlList). Bucket
// and object ACL grants take part in authorization (BucketAclAllows, ObjectAclAllows: after the
// bucket policy, authorization.cc). Block Public Access's BlockPublicAcls refuses public ACLs on
// PUT, IgnorePublicAcls makes them grant nothing.
#include <algorithm>
#include <cctype>

#include "s3/authorization.h"
#include "s3/ops/object_features.h"
#include "s3/ops/op_util.h"
#include "s3/xml_writer.h"
#include "store/acl.h"

namespace stocktake::s3 {
namespace {

using store::Acl;
using store::AclGrant;

// Bucket attributes (docs/formats.md §3.2). DO NOT CHANGE: stored.
//   "acl": the bucket ACL (store/acl.h document; absent = private).
//   "ownership": BucketOwnerEnforced | BucketOwnerPreferred | ObjectWriter, or "" after
//   DeleteBucketOwnershipControls. Absent (buckets created before ownership controls existed)
//   reads as BucketOwnerEnforced, the default of every new bucket.
constexpr std::string_view kAclAttribute = "acl";
constexpr std::string_view kOwnershipAttribute = "ownership";
constexpr std::string_view kBucketOwnerEnforced = "BucketOwnerEnforced";

// The canonical user that aws-exec-read grants READ to (User Guide, "Canned ACL": Amazon EC2).
constexpr std::string_view kEc2CanonicalId =
    "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c";
constexpr std::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

bool IsOwnership(std::string_view value) {
  return value == kBucketOwnerEnforced || value == "BucketOwnerPreferred" ||
         value == "ObjectWriter";
}

std::string_view Ownership(const store::Bucket& bucket) {
  const std::string* value = bucket.FindAttribute(kOwnershipAttribute);
  return value == nullptr ? kBucketOwnerEnforced : std::string_view(*value);
}

bool AclsDisabled(const store::Bucket& bucket) { return Ownership(bucket) == kBucketOwnerEnforced; }

void SetAttribute(store::Bucket* bucket, std::string_view name, std::string value) {
  std::erase_if(bucket->attributes, [&](const auto& a) { return a.first == name; });
  bucket->attributes.emplace_back(std::string(name), std::move(value));
}

store::Account AccountOf(const OpContext& ctx, std::string_view account_id) {
  if (account_id == ctx.request.caller.account_id) return ctx.request.caller;
  auto account = ctx.store().GetAccount(account_id);
  return account.ok() ? *account : store::Account{std::string(account_id), "", ""};
}

bool IsCanonicalId(std::string_view id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void AddGrant(Acl* acl, AclGrant::Kind kind, std::string_view grantee,
              std::string_view permission) {
  AclGrant grant{kind, std::string(grantee), std::string(permission)};
  if (std::find(acl->grants.begin(), acl->grants.end(), grant) == acl->grants.end()) {
    acl->grants.push_back(std::move(grant));
  }
}

// Canned ACLs (User Guide, "Canned ACL" table). nullopt for an unknown name.
std::optional<Acl> CannedAcl(std::string_view name, std::string_view owner,
                             std::string_view bucket_owner) {
  using K = AclGrant::Kind;
  Acl acl = store::DefaultAcl(owner);
  if (name == "private") {
  } else if (name == "public-read") {
    AddGrant(&acl, K::kGroup, store::kAllUsersGroup, "READ");
  } else if (name == "public-read-write") {
    AddGrant(&acl, K::kGroup, store::kAllUsersGroup, "READ");
    AddGrant(&acl, K::kGroup, store::kAllUsersGroup, "WRITE");
  } else if (name == "authenticated-read") {
    AddGrant(&acl, K::kGroup, store::kAuthenticatedUsersGroup, "READ");
  } else if (name == "aws-exec-read") {
    AddGrant(&acl, K::kCanonicalUser, kEc2CanonicalId, "READ");
  } else if (name == "bucket-owner-read") {
    if (bucket_owner != owner) AddGrant(&acl, K::kCanonicalUser, bucket_owner, "READ");
  } else if (name == "bucket-owner-full-control") {
    AddGrant(&acl, K::kCanonicalUser, bucket_owner, "FULL_CONTROL");
  } else if (name == "log-delivery-write") {
    AddGrant(&acl, K::kGroup, store::kLogDeliveryGroup, "WRITE");
    AddGrant(&acl, K::kGroup, store::kLogDeliveryGroup, "READ_ACP");
  } else {
    return std::nullopt;
  }
  return acl;
}

std::optional<S3Error> ValidateGrantee(AclGrant::Kind kind, std::string_view grantee) {
  if (kind == AclGrant::Kind::kCanonicalUser && !IsCanonicalId(grantee)) {
    return S3Error(S3ErrorCode::kInvalidArgument, "Invalid id");
  }
  if (kind == AclGrant::Kind::kGroup && !store::IsAclGroup(grantee)) {
    return S3Error(S3ErrorCode::kInvalidArgument, "Invalid group uri");
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// One x-amz-grant-* header: `id="…", uri="…", emailAddress="…"`, comma-separated.
std::optional<S3Error> ParseGrantHeader(std::string_view value, std::string_view permission,
                                        Acl* acl) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = Trim(value.substr(0, comma));
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid grant header value");
    }
    std::string_view type = Trim(item.substr(0, eq));
    std::string_view grantee = Trim(item.substr(eq + 1));
    if (grantee.size() >= 2 && grantee.front() == '"' && grantee.back() == '"') {
      grantee = grantee.substr(1, grantee.size() - 2);
    }
    AclGrant::Kind kind;
    if (EqualsIgnoreCase(type, "id")) {
      kind = AclGrant::Kind::kCanonicalUser;
    } else if (EqualsIgnoreCase(type, "uri")) {
      kind = AclGrant::Kind::kGroup;
    } else if (EqualsIgnoreCase(type, "emailAddress")) {
      // Stocktake accounts have no e-mail addresses, so none resolves (as AWS for an unknown one).
      return S3Error(S3ErrorCode::kUnresolvableGrantByEmailAddress);
    } else {
      return S3Error(S3ErrorCode::kInvalidArgument, "Invalid grant header value");
    }
    if (auto error = ValidateGrantee(kind, grantee)) return error;
    AddGrant(acl, kind, grantee, permission);
  }
  return std::nullopt;
}

constexpr std::pair<std::string_view, std::string_view> kGrantHeaders[] = {
    {"x-amz-grant-full-control", "FULL_CONTROL"}, {"x-amz-grant-write", "WRITE"},
    {"x-amz-grant-write-acp", "WRITE_ACP"},       {"x-amz-grant-read", "READ"},
    {"x-amz-grant-read-acp", "READ_ACP"},
};

bool HasAclHeaders(const S3Request& request) {
  if (request.Header("x-amz-acl") != nullptr) return true;
  for (const auto& [header, permission] : kGrantHeaders) {
    if (request.Header(header) != nullptr) return true;
  }
  return false;
}

// x-amz-acl or x-amz-grant-* (not both, as AWS); nullopt when the request names no ACL.
std::variant<std::optional<Acl>, S3Error> ParseAclHeaders(const S3Request& request,
                                                          std::string_view owner,
                                                          std::string_view bucket_owner) {
  const std::string* canned = request.Header("x-amz-acl");
  bool grants = false;
  Acl acl;
  for (const auto& [header, permission] : kGrantHeaders) {
    if (const std::string* value = request.Header(header)) {
      grants = true;
      if (auto error = ParseGrantHeader(*value, permission, &acl)) return *error;
    }
  }
  if (canned != nullptr && grants) {
    return S3Error(S3ErrorCode::kInvalidRequest,
                   "Specifying both Canned ACLs and Header Grants is not allowed");
  }
  if (canned != nullptr) {
    auto expanded = CannedAcl(*canned, owner, bucket_owner);
    if (!expanded) return S3Error(S3ErrorCode::kInvalidArgument);
    return std::optional<Acl>(std::move(*expanded));
  }
  if (grants) return std::optional<Acl>(std::move(acl));
  return std::optional<Acl>();
}

// <AccessControlPolicy><Owner/><AccessControlList><Grant><Grantee xsi:type=…/><Permission/>…
std::variant<Acl, S3Error> ParseAccessControlPolicy(const pugi::xml_document& doc) {
  pugi::xml_node list = doc.child("AccessControlPolicy").child("AccessControlList");
  if (!list) return S3Error(S3ErrorCode::kMalformedACLError);
  Acl acl;
  for (pugi::xml_node grant : list.children("Grant")) {
    pugi::xml_node grantee = grant.child("Grantee");
    std::string_view permission = grant.child("Permission").text().as_string();
    if (!grantee || !store::IsAclPermission(permission)) {
      return S3Error(S3ErrorCode::kMalformedACLError);
    }
    // xsi:type, whatever prefix the client bound the XML Schema instance namespace to.
    std::string_view type;
    for (pugi::xml_attribute a : grantee.attributes()) {
      std::string_view name = a.name();
      if (name == "type" || name.ends_with(":type")) type = a.value();
    }
    AclGrant::Kind kind;
    std::string_view value;
    if (type == "CanonicalUser") {
      kind = AclGrant::Kind::kCanonicalUser;
      value = grantee.child("ID").text().as_string();
    } else if (type == "Group") {
      kind = AclGrant::Kind::kGroup;
      value = grantee.child("URI").text().as_string();
    } else if (type == "AmazonCustomerByEmail") {
      return S3Error(S3ErrorCode::kUnresolvableGrantByEmailAddress);
    } else {
      return S3Error(S3ErrorCode::kMalformedACLError);
    }
    if (auto error = ValidateGrantee(kind, Trim(value))) return *error;
    AddGrant(&acl, kind, Trim(value), permission);
  }
  return acl;
}

// The ACL a Put*Acl request sets: from the body or from the headers, never both.
std::variant<Acl, S3Error> ReadRequestedAcl(OpContext& ctx, std::string_view owner,
                                            std::string_view bucket_owner) {
  std::optional<S3Error> read_error;
  auto body = ReadAll(*ctx.request.payload, 64 * 1024, &read_error);
  if (!body.ok()) return read_error ? *read_error : S3Error(S3ErrorCode::kMalformedXML);
  bool headers = HasAclHeaders(ctx.request);
  if (!body->empty()) {
    if (headers) return S3Error(S3ErrorCode::kUnexpectedContent);
    pugi::xml_document doc;
    if (!doc.load_buffer(body->data(), body->size(), kXmlBodyParseFlags, pugi::encoding_utf8)) {
      return S3Error(S3ErrorCode::kMalformedXML);
    }
    return ParseAccessControlPolicy(doc);
  }
  auto parsed = ParseAclHeaders(ctx.request, owner, bucket_owner);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  auto& acl = std::get<std::optional<Acl>>(parsed);
  if (!acl) return S3Error(S3ErrorCode::kMissingSecurityHeader);
  return std::move(*acl);
}

// With ACLs disabled, only an ACL that gives the bucket owner full control and nobody anything
// else is accepted (User Guide, Object Ownership troubleshooting: "bucket-owner-full-control or
// equivalent").
bool OnlyBucketOwnerFullControl(const Acl& acl, std::string_view bucket_owner) {
  return !acl.grants.empty() &&
         std::all_of(acl.grants.begin(), acl.grants.end(), [&](const AclGrant& g) {
           return g.kind == AclGrant::Kind::kCanonicalUser && g.grantee == bucket_owner &&
                  g.permission == "FULL_CONTROL";
         });
}

std::string RenderAccessControlPolicy(OpContext& ctx, const store::Account& owner, const Acl& acl) {
  XmlWriter xml("AccessControlPolicy");
  xml.Open("Owner").Element("ID", owner.canonical_id);
  if (!owner.name.empty()) xml.Element("DisplayName", owner.name);
  xml.Close();
  // Every CanonicalUser grantee gets its DisplayName, as S3 answers; accounts are looked up only
  // when a grantee is not the owner.
  std::optional<std::vector<store::Account>> accounts;
  auto display_name = [&](const std::string& canonical_id) -> std::string {
    if (canonical_id == owner.canonical_id) return owner.name;
    if (!accounts) {
      auto listed = ctx.store().ListAccounts();
      accounts = listed.ok() ? std::move(*listed) : std::vector<store::Account>();
    }
    for (const store::Account& a : *accounts) {
      if (a.canonical_id == canonical_id) return a.name;
    }
    return "";
  };
  // Grants in their stored order: the owner's first, as S3 lists canned ACLs (ceph/s3-tests
  // expects group grants first: docs/differences-from-aws.md).
  xml.Open("AccessControlList");
  for (const AclGrant& g : acl.grants) {
    bool user = g.kind == AclGrant::Kind::kCanonicalUser;
    xml.Open("Grant");
    // XmlWriter has no attributes: the Grantee start tag is written whole.
    xml.Raw(std::string("<Grantee xmlns:xsi=\"") + std::string(kXsiNamespace) + "\" xsi:type=\"" +
            (user ? "CanonicalUser" : "Group") + "\">");
    if (user) {
      xml.Element("ID", g.grantee);
      std::string name = display_name(g.grantee);
      if (!name.empty()) xml.Element("DisplayName", name);
    } else {
      xml.Element("URI", g.grantee);
    }
    xml.Raw("</Grantee>");
    xml.Element("Permission", g.permission).Close();
  }
  xml.Close();
  return xml.Finish();
}

// AllUsers and AuthenticatedUsers grants make an ACL public (User Guide, Block Public Access,
// "The meaning of public": ACLs).
bool IsPublicGrant(const AclGrant& g) {
  return g.kind == AclGrant::Kind::kGroup &&
         (g.grantee == store::kAllUsersGroup || g.grantee == store::kAuthenticatedUsersGroup);
}

// BlockPublicAcls: "PUT Bucket acl and PUT Object acl calls fail if the specified ACL is public",
// and so do PUTs that carry one (403 AccessDenied).
std::optional<S3Error> CheckPublicAclBlocked(const store::Bucket& bucket, const Acl& acl) {
  auto block = PublicAccessBlockOf(bucket);
  if (!block || !block->block_public_acls) return std::nullopt;
  if (std::any_of(acl.grants.begin(), acl.grants.end(), IsPublicGrant)) {
    return S3Error(S3ErrorCode::kAccessDenied);
  }
  return std::nullopt;
}

// User Guide, "Mapping of ACL permissions and access policy permissions", bucket column.
bool BucketPermissionAllows(std::string_view permission, std::string_view action) {
  if (permission == "FULL_CONTROL") {
    return BucketPermissionAllows("READ", action) || BucketPermissionAllows("WRITE", action) ||
           BucketPermissionAllows("READ_ACP", action) ||
           BucketPermissionAllows("WRITE_ACP", action);
  }
  if (permission == "READ") {
    return action == "s3:ListBucket" || action == "s3:ListBucketVersions" ||
           action == "s3:ListBucketMultipartUploads";
  }
  if (permission == "WRITE") return action == "s3:PutObject";
  if (permission == "READ_ACP") return action == "s3:GetBucketAcl";
  if (permission == "WRITE_ACP") return action == "s3:PutBucketAcl";
  return false;
}

// The same table, object column (WRITE is "not applicable" to objects).
bool ObjectPermissionAllows(std::string_view permission, std::string_view action) {
  if (permission == "FULL_CONTROL") {
    return ObjectPermissionAllows("READ", action) || ObjectPermissionAllows("READ_ACP", action) ||
           ObjectPermissionAllows("WRITE_ACP", action);
  }
  if (permission == "READ") {
    return action == "s3:GetObject" || action == "s3:GetObjectVersion" ||
           action == "s3:GetObjectTorrent" || action == "s3:GetObjectVersionTorrent";
  }
  if (permission == "READ_ACP") {
    return action == "s3:GetObjectAcl" || action == "s3:GetObjectVersionAcl";
  }
  if (permission == "WRITE_ACP") {
    return action == "s3:PutObjectAcl" || action == "s3:PutObjectVersionAcl";
  }
  return false;
}

bool GranteeMatches(const AclGrant& g, const policy::Caller& caller, bool ignore_public_acls) {
  using Kind = policy::Caller::Kind;
  bool authenticated = caller.kind == Kind::kAccountRoot || caller.kind == Kind::kUser;
  if (g.kind == AclGrant::Kind::kCanonicalUser) {
    return authenticated && !caller.canonical_id.empty() && g.grantee == caller.canonical_id;
  }
  if (ignore_public_acls && IsPublicGrant(g)) return false;
  if (g.grantee == store::kAllUsersGroup) return caller.kind != Kind::kService;
  if (g.grantee == store::kAuthenticatedUsersGroup) return authenticated;
  return false;  // LogDelivery: Stocktake has no server access logging
}

std::variant<store::ObjectVersion, S3Error> LoadAclTarget(OpContext& ctx) {
  auto loaded = LoadObject(ctx, ctx.bucket->name, ctx.request.key, VersionIdParam(ctx.request));
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  if (std::get<store::ObjectVersion>(loaded).is_delete_marker) {
    return S3Error(S3ErrorCode::kMethodNotAllowed);
  }
  return loaded;
}

}  // namespace

// ---- Hooks of object_features.h -------------------------------------------------------------

std::optional<S3Error> ApplyAclHeaders(const OpContext& ctx, store::ObjectVersion* version) {
  if (!HasAclHeaders(ctx.request)) return std::nullopt;
  std::string owner = AccountOf(ctx, version->owner_account_id).canonical_id;
  std::string bucket_owner = AccountOf(ctx, ctx.bucket->owner_account_id).canonical_id;
  auto parsed = ParseAclHeaders(ctx.request, owner, bucket_owner);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  const Acl& acl = *std::get<std::optional<Acl>>(parsed);
  if (AclsDisabled(*ctx.bucket)) {
    if (!OnlyBucketOwnerFullControl(acl, bucket_owner)) {
      return S3Error(S3ErrorCode::kAccessControlListNotSupported);
    }
    version->acl.clear();
    return std::nullopt;
  }
  if (auto error = CheckPublicAclBlocked(*ctx.bucket, acl)) return error;
  version->acl = store::EncodeAcl(acl, owner);
  return std::nullopt;
}

std::optional<S3Error> ApplyNewBucketFeatures(const OpContext& ctx, store::Bucket* bucket) {
  std::string ownership = ctx.service.options.default_object_ownership;
  if (const std::string* header = ctx.request.Header("x-amz-object-ownership")) {
    if (!IsOwnership(*header)) {
      return S3Error(S3ErrorCode::kInvalidArgument,
                     "Invalid x-amz-object-ownership header: " + *header);
    }
    ownership = *header;
  }
  SetAttribute(bucket, kOwnershipAttribute, ownership);
  std::string_view owner = ctx.request.caller.canonical_id;
  auto parsed = ParseAclHeaders(ctx.request, owner, owner);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  const auto& acl = std::get<std::optional<Acl>>(parsed);
  if (!acl) return std::nullopt;
  if (ownership == kBucketOwnerEnforced && !OnlyBucketOwnerFullControl(*acl, owner)) {
    return S3Error(S3ErrorCode::kInvalidBucketAclWithObjectOwnership);
  }
  std::string document = store::EncodeAcl(*acl, owner);
  if (!document.empty()) SetAttribute(bucket, kAclAttribute, std::move(document));
  return std::nullopt;
}

bool BucketAclAllows(const store::Bucket& bucket, const policy::RequestContext& request,
                     bool ignore_public_acls) {
  if (AclsDisabled(bucket)) return false;
  const std::string* document = bucket.FindAttribute(kAclAttribute);
  if (document == nullptr || document->empty()) return false;  // private: the owner's alone
  auto acl = store::DecodeAcl(*document, "");
  if (!acl) return false;
  return std::any_of(acl->grants.begin(), acl->grants.end(), [&](const AclGrant& g) {
    return BucketPermissionAllows(g.permission, request.action) &&
           GranteeMatches(g, request.caller, ignore_public_acls);
  });
}

bool ObjectAclCanGrant(std::string_view action) {
  return ObjectPermissionAllows("FULL_CONTROL", action);
}

bool ObjectAclAllows(const store::Bucket& bucket, std::string_view document,
                     std::string_view owner_canonical_id, const policy::RequestContext& request,
                     bool ignore_public_acls) {
  if (AclsDisabled(bucket)) return false;
  auto acl = store::DecodeAcl(document, owner_canonical_id);
  if (!acl) return false;
  return std::any_of(acl->grants.begin(), acl->grants.end(), [&](const AclGrant& g) {
    return ObjectPermissionAllows(g.permission, request.action) &&
           GranteeMatches(g, request.caller, ignore_public_acls);
  });
}

// ---- Object ACL -----------------------------------------------------------------------------

OpResult GetObjectAcl(OpContext& ctx) {
  auto loaded = LoadAclTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& v = std::get<store::ObjectVersion>(loaded);
  // ACLs disabled: the bucket owner owns everything and reads show only its full control.
  bool disabled = AclsDisabled(*ctx.bucket);
  store::Account owner =
      AccountOf(ctx, disabled ? ctx.bucket->owner_account_id : v.owner_account_id);
  auto acl = store::DecodeAcl(disabled ? "" : v.acl, owner.canonical_id);
  if (!acl) return S3Error(S3ErrorCode::kInternalError);
  S3Response response = S3Response::Xml(RenderAccessControlPolicy(ctx, owner, *acl));
  if (ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response.SetHeader("x-amz-version-id", VersionIdOrNull(v));
  }
  return response;
}

OpResult PutObjectAcl(OpContext& ctx) {
  auto loaded = LoadAclTarget(ctx);
  if (auto* error = std::get_if<S3Error>(&loaded)) return *error;
  const auto& target = std::get<store::ObjectVersion>(loaded);
  std::string owner = AccountOf(ctx, target.owner_account_id).canonical_id;
  std::string bucket_owner = AccountOf(ctx, ctx.bucket->owner_account_id).canonical_id;
  auto requested = ReadRequestedAcl(ctx, owner, bucket_owner);
  if (auto* error = std::get_if<S3Error>(&requested)) return *error;
  const Acl& acl = std::get<Acl>(requested);
  std::string document;
  if (AclsDisabled(*ctx.bucket)) {
    if (!OnlyBucketOwnerFullControl(acl, bucket_owner)) {
      return S3Error(S3ErrorCode::kAccessControlListNotSupported);
    }
  } else {
    if (auto error = CheckPublicAclBlocked(*ctx.bucket, acl)) return *error;
    document = store::EncodeAcl(acl, owner);
  }
  auto modified =
      ctx.store().ModifyObjectVersion(target.bucket, target.key, VersionIdOrNull(target),
                                      [&document](store::ObjectVersion* v, int64_t) {
                                        v->acl = document;
                                        return Status::OK();
                                      });
  if (!modified.ok()) {
    if (modified.status().IsNotFound()) return S3Error(S3ErrorCode::kNoSuchVersion);
    return FromStatus(modified.status());
  }
  S3Response response;
  if (ctx.bucket->versioning != store::Versioning::kUnversioned) {
    response.SetHeader("x-amz-version-id", VersionIdOrNull(target));
  }
  return response;
}

// ---- Bucket ACL -----------------------------------------------------------------------------

OpResult GetBucketAcl(OpContext& ctx) {
  store::Account owner = AccountOf(ctx, ctx.bucket->owner_account_id);
  const std::string* document = ctx.bucket->FindAttribute(kAclAttribute);
  bool disabled = AclsDisabled(*ctx.bucket);
  auto acl = store::DecodeAcl(document && !disabled ? *document : "", owner.canonical_id);
  if (!acl) return S3Error(S3ErrorCode::kInternalError);
  return S3Response::Xml(RenderAccessControlPolicy(ctx, owner, *acl));
}

OpResult PutBucketAcl(OpContext& ctx) {
  std::string owner = AccountOf(ctx, ctx.bucket->owner_account_id).canonical_id;
  auto requested = ReadRequestedAcl(ctx, owner, owner);
  if (auto* error = std::get_if<S3Error>(&requested)) return *error;
  const Acl& acl = std::get<Acl>(requested);
  if (AclsDisabled(*ctx.bucket) && !OnlyBucketOwnerFullControl(acl, owner)) {
    return S3Error(S3ErrorCode::kAccessControlListNotSupported);
  }
  if (auto error = CheckPublicAclBlocked(*ctx.bucket, acl)) return *error;
  store::Bucket bucket = *ctx.bucket;
  SetAttribute(&bucket, kAclAttribute, store::EncodeAcl(acl, owner));
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

// ---- Ownership controls ---------------------------------------------------------------------

OpResult GetBucketOwnershipControls(OpContext& ctx) {
  std::string_view ownership = Ownership(*ctx.bucket);
  if (ownership.empty()) return S3Error(S3ErrorCode::kOwnershipControlsNotFoundError);
  XmlWriter xml("OwnershipControls");
  xml.Open("Rule").Element("ObjectOwnership", ownership).Close();
  return S3Response::Xml(xml.Finish());
}

OpResult PutBucketOwnershipControls(OpContext& ctx) {
  pugi::xml_document doc;
  auto parsed = ParseXmlBody(ctx, &doc);
  if (auto* error = std::get_if<S3Error>(&parsed)) return *error;
  pugi::xml_node root = doc.child("OwnershipControls");
  auto rules = root.children("Rule");
  // Exactly one rule (PutBucketOwnershipControls: "Rules", array of one).
  if (!root || std::distance(rules.begin(), rules.end()) != 1) {
    return S3Error(S3ErrorCode::kMalformedXML);
  }
  std::string ownership = root.child("Rule").child("ObjectOwnership").text().as_string();
  if (!IsOwnership(ownership)) return S3Error(S3ErrorCode::kMalformedXML);
  store::Bucket bucket = *ctx.bucket;
  if (ownership == kBucketOwnerEnforced) {
    // Disabling ACLs requires a bucket ACL that grants only the owner (User Guide,
    // "Prerequisites for disabling ACLs").
    std::string owner = AccountOf(ctx, bucket.owner_account_id).canonical_id;
    const std::string* document = bucket.FindAttribute(kAclAttribute);
    auto acl = store::DecodeAcl(document ? *document : "", owner);
    if (!acl || !OnlyBucketOwnerFullControl(*acl, owner)) {
      return S3Error(S3ErrorCode::kInvalidBucketAclWithObjectOwnership);
    }
  }
  SetAttribute(&bucket, kOwnershipAttribute, std::move(ownership));
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response();
}

OpResult DeleteBucketOwnershipControls(OpContext& ctx) {
  store::Bucket bucket = *ctx.bucket;
  // "" rather than no attribute: absent means the creation default, BucketOwnerEnforced.
  SetAttribute(&bucket, kOwnershipAttribute, "");
  Status st = ctx.store().UpdateBucket(bucket);
  if (!st.ok()) return FromStatus(st);
  return S3Response::NoContent();
}

}  // namespace stocktake::s3
