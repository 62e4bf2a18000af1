// Enricher: the per-object fields that listings do not carry, fetched only when requested:
//   HeadObject    -> EncryptionStatus, BucketKeyStatus, ReplicationStatus, ObjectLockMode,
//                    ObjectLockRetainUntilDate, ObjectLockLegalHoldStatus, and ChecksumAlgorithm
//                    when the listing did not name it (x-amz-checksum-mode: ENABLED);
//   GetObjectAcl  -> ObjectAccessControlList, and ObjectOwner when the listing did not name it.
// IsMultipartUploaded needs neither (the ETag's "-N" suffix). Delete markers are never fetched.
// Requests of one page run concurrently on a ClientPool.
//
// Answers that are not errors of the scan: 404 (the object went away since it was listed: the
// row keeps what the listing said), 400 on HEAD (an SSE-C object read without its key: reported
// SSE-C), 501/405 on GetObjectAcl (the store has no ACLs: status UNAVAILABLE, asked only once).
#pragma once

#include <atomic>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "inventory/fields.h"
#include "scan/client_pool.h"
#include "scan/listing_xml.h"

namespace stocktake::scan {

struct EnrichmentNeeds {
  bool head = false;                // a HEAD per object
  bool checksum = false;            // ChecksumAlgorithm (HEAD only when the listing lacks it)
  bool acl = false;                 // GetObjectAcl per object
  bool owner = false;               // ObjectOwner (GetObjectAcl only when the listing lacks it)
  bool bucket_object_lock = false;  // whether the source bucket has Object Lock matters
  bool any() const { return head || checksum || acl || owner; }
};

EnrichmentNeeds NeedsFor(std::span<const inventory::FieldId> fields);

struct EnrichStats {
  std::atomic<uint64_t> heads{0};
  std::atomic<uint64_t> acls{0};
  std::atomic<uint64_t> vanished{0};
};

class Enricher {
 public:
  // `versioned`: the rows come from ListObjectVersions (requests name the version).
  Enricher(ClientPool* pool, std::string bucket, bool versioned, EnrichmentNeeds needs,
           EnrichStats* stats)
      : pool_(pool),
        bucket_(std::move(bucket)),
        versioned_(versioned),
        needs_(needs),
        stats_(stats) {}

  // Fills the fields of every entry that needs them. Thread-safe.
  Status Enrich(std::vector<ListedEntry>* entries);

 private:
  Status Head(RemoteClient& client, ListedEntry* entry);
  Status Acl(RemoteClient& client, ListedEntry* entry);
  void AddVersion(const store::ObjectVersion& v,
                  std::vector<std::pair<std::string, std::string>>* query) const;

  ClientPool* pool_;
  std::string bucket_;
  bool versioned_;
  EnrichmentNeeds needs_;
  EnrichStats* stats_;
  std::atomic<bool> acl_unsupported_{false};
};

// version.acl as the Enricher stores it: "g:" + report grant objects (AVAILABLE), or "u"
// (UNAVAILABLE). This is the ExtractContext::append_acl_grants of a scan.
bool AppendStoredGrants(std::string_view acl_document, std::string* out);

struct ParsedAcl {
  std::string owner_id;
  std::string grants_json;  // comma-separated grant objects, spec §7 key order
};
// Reads an AccessControlPolicy document (GetObjectAcl answer).
Result<ParsedAcl> ParseAccessControlPolicy(std::string_view xml);

}  // namespace stocktake::scan
