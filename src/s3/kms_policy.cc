#include "s3/kms_policy.h"

#include "s3/authorization.h"
#include "s3/policy/evaluator.h"
#include "s3/policy/operations.h"
#include "s3/policy/parser.h"

namespace stocktake::s3 {

std::string DefaultKeyPolicy(std::string_view account_id) {
  // AWS's text, in the layout GetKeyPolicy answers with.
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         std::string(account_id) +
         ":root\"\n"
         "    },\n"
         "    \"Action\" : \"kms:*\",\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

std::string KeyPolicyOf(const store::KmsKey& key) {
  return key.policy.empty() ? DefaultKeyPolicy(key.account_id) : key.policy;
}

Status AuthorizeInventoryKmsKey(const store::Bucket& source, const store::KmsKey& key) {
  // A stored policy was valid when put; one that no longer parses grants nothing.
  Result<policy::Policy> key_policy = policy::ParseKeyPolicy(KeyPolicyOf(key));
  if (!key_policy.ok()) return Status::PermissionDenied("the KMS key policy is unreadable");
  policy::RequestContext context;
  context.caller = policy::Caller::Service(std::string(kS3ServicePrincipal));
  context.action = "kms:GenerateDataKey";
  context.resource = key.arn;
  context.conditions.Set("aws:SourceArn", std::string(policy::kS3ArnPrefix) + source.name);
  context.conditions.Set("aws:SourceAccount", source.owner_account_id);
  context.conditions.Set("aws:SecureTransport", "true");  // S3's own calls are internal
  if (policy::Evaluate(*key_policy, context) != policy::Decision::kAllow) {
    return Status::PermissionDenied("the KMS key policy does not let S3 use the key");
  }
  return Status::OK();
}

}  // namespace stocktake::s3
