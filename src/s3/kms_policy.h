// KMS key policies of the built-in key service (issue 7, spec §8): the document in force for a
// key, and whether S3, delivering an inventory report, may use a key to encrypt it. Key policies
// govern only what service principals may do with a key; the key admin calls (create, list,
// put/get key policy) follow Stocktake's own rule: the key's account or the root account.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "store/object_store.h"

namespace stocktake::s3 {

// AWS's default key policy (AWS KMS Developer Guide, "Default key policy") for a key of
// `account_id`, as GetKeyPolicy prints it: the account may do kms:*.
std::string DefaultKeyPolicy(std::string_view account_id);

// The policy in force for `key`: the one put, else DefaultKeyPolicy of its account.
std::string KeyPolicyOf(const store::KmsKey& key);

// Whether S3 (principal s3.amazonaws.com) may call kms:GenerateDataKey on `key` to encrypt an
// inventory report of `source`, with aws:SourceAccount = the source owner and aws:SourceArn =
// the source bucket ARN (spec §8). Only an Allow of the key policy, and no Deny, allows (a KMS
// key has no other grant for a service); PermissionDenied otherwise.
Status AuthorizeInventoryKmsKey(const store::Bucket& source, const store::KmsKey& key);

}  // namespace stocktake::s3
