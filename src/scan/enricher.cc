#include "scan/enricher.h"

#include <pugixml.hpp>

#include "common/time_format.h"

namespace stocktake::scan {
namespace {

using inventory::FieldId;

constexpr std::string_view kGrantsTag = "g:";
constexpr std::string_view kUnavailableTag = "u";

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// x-amz-server-side-encryption values -> report spellings (spec §7).
std::string EncryptionStatus(const s3::http::ClientResponse& r) {
  if (r.FindHeader("x-amz-server-side-encryption-customer-algorithm")) return "SSE-C";
  const std::string* sse = r.FindHeader("x-amz-server-side-encryption");
  if (sse == nullptr) return "";
  if (*sse == "AES256") return "SSE-S3";
  if (*sse == "aws:kms") return "SSE-KMS";
  if (*sse == "aws:kms:dsse") return "DSSE-KMS";
  return *sse;
}

// x-amz-checksum-<name> headers -> API enum spelling.
std::string ChecksumAlgorithm(const s3::http::ClientResponse& r) {
  static constexpr std::pair<std::string_view, std::string_view> kHeaders[] = {
      {"x-amz-checksum-crc32", "CRC32"},         {"x-amz-checksum-crc32c", "CRC32C"},
      {"x-amz-checksum-crc64nvme", "CRC64NVME"}, {"x-amz-checksum-sha1", "SHA1"},
      {"x-amz-checksum-sha256", "SHA256"},
  };
  for (const auto& [header, name] : kHeaders) {
    if (r.FindHeader(header)) return std::string(name);
  }
  return "";
}

std::string_view GranteeType(pugi::xml_node grantee) {
  for (pugi::xml_attribute a : grantee.attributes()) {
    std::string_view name = a.name();
    if (name == "type" || name.ends_with(":type")) return a.value();
  }
  return "";
}

Status Unexpected(const s3::S3Call& call, const s3::http::ClientResponse& r,
                  std::string_view needed_for) {
  std::string msg = DescribeResponse(call, r);
  if (r.status == 403) {
    return Status::PermissionDenied(msg + " (the source credentials need this request for " +
                                    std::string(needed_for) + ")");
  }
  return Status::Unavailable(msg);
}

}  // namespace

EnrichmentNeeds NeedsFor(std::span<const FieldId> fields) {
  EnrichmentNeeds needs;
  for (FieldId f : fields) {
    switch (f) {
      case FieldId::kEncryptionStatus:
      case FieldId::kBucketKeyStatus:
      case FieldId::kReplicationStatus:
      case FieldId::kObjectLockMode:
      case FieldId::kObjectLockRetainUntilDate:
        needs.head = true;
        break;
      case FieldId::kObjectLockLegalHoldStatus:
        needs.head = true;
        needs.bucket_object_lock = true;
        break;
      case FieldId::kChecksumAlgorithm:
        needs.checksum = true;
        break;
      case FieldId::kObjectAccessControlList:
        needs.acl = true;
        break;
      case FieldId::kObjectOwner:
        needs.owner = true;
        break;
      default:
        break;
    }
  }
  return needs;
}

bool AppendStoredGrants(std::string_view acl_document, std::string* out) {
  if (!acl_document.starts_with(kGrantsTag)) return false;
  out->append(acl_document.substr(kGrantsTag.size()));
  return true;
}

Result<ParsedAcl> ParseAccessControlPolicy(std::string_view xml) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size())) {
    return Status::Corruption("GetObjectAcl answer is not XML");
  }
  pugi::xml_node root = doc.child("AccessControlPolicy");
  if (!root) return Status::Corruption("GetObjectAcl answer has no <AccessControlPolicy>");
  ParsedAcl acl;
  acl.owner_id = root.child("Owner").child_value("ID");
  for (pugi::xml_node grant : root.child("AccessControlList").children("Grant")) {
    pugi::xml_node grantee = grant.child("Grantee");
    std::string_view type = GranteeType(grantee);
    std::string& out = acl.grants_json;
    if (!out.empty()) out.push_back(',');
    out.append("{\"permission\":");
    AppendJsonString(grant.child_value("Permission"), &out);
    out.append(",\"type\":");
    AppendJsonString(type, &out);
    if (type == "Group") {
      out.append(",\"uri\":");
      AppendJsonString(grantee.child_value("URI"), &out);
    } else if (type == "AmazonCustomerByEmail") {
      out.append(",\"emailAddress\":");
      AppendJsonString(grantee.child_value("EmailAddress"), &out);
    } else {
      out.append(",\"canonicalId\":");
      AppendJsonString(grantee.child_value("ID"), &out);
    }
    out.push_back('}');
  }
  return acl;
}

void Enricher::AddVersion(const store::ObjectVersion& v,
                          std::vector<std::pair<std::string, std::string>>* query) const {
  if (versioned_) query->emplace_back("versionId", v.version_id.empty() ? "null" : v.version_id);
}

Status Enricher::Enrich(std::vector<ListedEntry>* entries) {
  std::vector<ListedEntry*> todo;
  for (ListedEntry& e : *entries) {
    if (e.version.is_delete_marker) continue;
    if (needs_.head || needs_.acl || (needs_.checksum && !e.has_checksum_algorithm) ||
        (needs_.owner && !e.has_owner)) {
      todo.push_back(&e);
    }
  }
  return pool_->ParallelFor(todo.size(), [&](RemoteClient& client, size_t i) -> Status {
    ListedEntry* e = todo[i];
    if (needs_.head || (needs_.checksum && !e->has_checksum_algorithm)) {
      RETURN_IF_ERROR(Head(client, e));
    }
    if (needs_.acl || (needs_.owner && !e->has_owner)) RETURN_IF_ERROR(Acl(client, e));
    return Status::OK();
  });
}

Status Enricher::Head(RemoteClient& client, ListedEntry* entry) {
  store::ObjectVersion& v = entry->version;
  s3::S3Call call;
  call.method = "HEAD";
  call.bucket = bucket_;
  call.key = v.key;
  AddVersion(v, &call.query);
  bool want_checksum = needs_.checksum && !entry->has_checksum_algorithm;
  if (want_checksum) call.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
  if (stats_) stats_->heads.fetch_add(1, std::memory_order_relaxed);
  ASSIGN_OR_RETURN(auto r, client.Send(call));
  if (r.status == 404) {
    if (stats_) stats_->vanished.fetch_add(1, std::memory_order_relaxed);
    return Status::OK();
  }
  if (r.status == 400) {  // SSE-C objects cannot be read without their key
    v.encryption = "SSE-C";
    return Status::OK();
  }
  if (r.status != 200) return Unexpected(call, r, "EncryptionStatus/ObjectLock*/Checksum fields");
  v.encryption = EncryptionStatus(r);
  const std::string* bucket_key = r.FindHeader("x-amz-server-side-encryption-bucket-key-enabled");
  v.bucket_key_enabled = bucket_key != nullptr && *bucket_key == "true";
  if (const std::string* s = r.FindHeader("x-amz-replication-status")) {
    // The API says COMPLETE where inventory reports say COMPLETED (spec §7).
    v.replication_status = *s == "COMPLETE" ? "COMPLETED" : *s;
  }
  if (const std::string* s = r.FindHeader("x-amz-object-lock-mode")) v.object_lock_mode = *s;
  if (const std::string* s = r.FindHeader("x-amz-object-lock-retain-until-date")) {
    v.object_lock_retain_until_ms = ParseIso8601(*s).value_or(0);
  }
  if (const std::string* s = r.FindHeader("x-amz-object-lock-legal-hold")) {
    v.object_lock_legal_hold = *s;
  }
  if (want_checksum) v.checksum_algorithm = ChecksumAlgorithm(r);
  return Status::OK();
}

Status Enricher::Acl(RemoteClient& client, ListedEntry* entry) {
  store::ObjectVersion& v = entry->version;
  if (acl_unsupported_.load(std::memory_order_relaxed)) {
    v.acl = std::string(kUnavailableTag);
    return Status::OK();
  }
  s3::S3Call call;
  call.bucket = bucket_;
  call.key = v.key;
  call.query.emplace_back("acl", "");
  AddVersion(v, &call.query);
  if (stats_) stats_->acls.fetch_add(1, std::memory_order_relaxed);
  ASSIGN_OR_RETURN(auto r, client.Send(call));
  if (r.status == 404) {
    if (stats_) stats_->vanished.fetch_add(1, std::memory_order_relaxed);
    v.acl = std::string(kUnavailableTag);
    return Status::OK();
  }
  if (r.status == 501 || r.status == 405) {
    acl_unsupported_.store(true, std::memory_order_relaxed);
    v.acl = std::string(kUnavailableTag);
    return Status::OK();
  }
  if (r.status != 200) return Unexpected(call, r, "ObjectAccessControlList/ObjectOwner");
  ASSIGN_OR_RETURN(ParsedAcl acl, ParseAccessControlPolicy(r.body));
  if (!entry->has_owner && !acl.owner_id.empty()) {
    v.owner_account_id = acl.owner_id;
    entry->has_owner = true;
  }
  if (needs_.acl) v.acl = std::string(kGrantsTag) + acl.grants_json;
  return Status::OK();
}

}  // namespace stocktake::scan
