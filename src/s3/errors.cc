#include "s3/errors.h"

#include <spdlog/spdlog.h>

#include <array>

namespace stocktake::s3 {
namespace {

using E = S3ErrorCode;

// Codes, statuses and messages as AWS documents them in "Error responses" (S3 API reference).
constexpr std::array kErrors = {
    S3ErrorInfo{E::kAccessDenied, 403, "AccessDenied", "Access Denied"},
    S3ErrorInfo{E::kAuthorizationHeaderMalformed, 400, "AuthorizationHeaderMalformed",
                "The authorization header is malformed."},
    S3ErrorInfo{E::kAuthorizationQueryParametersError, 400, "AuthorizationQueryParametersError",
                "Error parsing the X-Amz-Credential parameter."},
    S3ErrorInfo{E::kBadDigest, 400, "BadDigest",
                "The Content-MD5 you specified did not match what we received."},
    S3ErrorInfo{E::kBadRequest, 400, "BadRequest",
                "Insufficient information. Origin request header needed."},
    S3ErrorInfo{E::kBucketAlreadyExists, 409, "BucketAlreadyExists",
                "The requested bucket name is not available. The bucket namespace is shared by "
                "all users of the system. Please select a different name and try again."},
    S3ErrorInfo{E::kBucketAlreadyOwnedByYou, 409, "BucketAlreadyOwnedByYou",
                "Your previous request to create the named bucket succeeded and you already own "
                "it."},
    S3ErrorInfo{E::kBucketNotEmpty, 409, "BucketNotEmpty",
                "The bucket you tried to delete is not empty"},
    S3ErrorInfo{E::kEntityTooLarge, 400, "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed size"},
    S3ErrorInfo{E::kEntityTooSmall, 400, "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size"},
    S3ErrorInfo{E::kIdMismatch, 400, "IdMismatch",
                "Document ID does not match the specified configuration ID."},
    S3ErrorInfo{E::kIncompleteBody, 400, "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length HTTP "
                "header."},
    S3ErrorInfo{E::kInternalError, 500, "InternalError",
                "We encountered an internal error. Please try again."},
    S3ErrorInfo{E::kInvalidAccessKeyId, 403, "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records."},
    S3ErrorInfo{E::kInvalidArgument, 400, "InvalidArgument", "Invalid Argument"},
    S3ErrorInfo{E::kInvalidBucketName, 400, "InvalidBucketName",
                "The specified bucket is not valid."},
    S3ErrorInfo{E::kInvalidDigest, 400, "InvalidDigest",
                "The Content-MD5 you specified is not valid."},
    S3ErrorInfo{E::kInvalidLocationConstraint, 400, "InvalidLocationConstraint",
                "The specified location-constraint is not valid"},
    S3ErrorInfo{E::kInvalidPart, 400, "InvalidPart",
                "One or more of the specified parts could not be found.  The part may not have "
                "been uploaded, or the specified entity tag may not match the part's entity tag."},
    S3ErrorInfo{E::kInvalidPartOrder, 400, "InvalidPartOrder",
                "The list of parts was not in ascending order. The parts list must be specified "
                "in order by part number."},
    S3ErrorInfo{E::kInvalidPolicyDocument, 400, "InvalidPolicyDocument",
                "The content of the form does not meet the conditions specified in the policy "
                "document."},
    S3ErrorInfo{E::kInvalidRange, 416, "InvalidRange", "The requested range is not satisfiable"},
    S3ErrorInfo{E::kInvalidRequest, 400, "InvalidRequest", "Invalid Request"},
    S3ErrorInfo{E::kInvalidS3DestinationBucket, 400, "InvalidS3DestinationBucket",
                "Invalid bucket ARN."},
    S3ErrorInfo{E::kInvalidTag, 400, "InvalidTag", "The TagValue you have provided is invalid"},
    S3ErrorInfo{E::kKeyTooLongError, 400, "KeyTooLongError", "Your key is too long"},
    S3ErrorInfo{E::kMalformedXML, 400, "MalformedXML",
                "The XML you provided was not well-formed or did not validate against our "
                "published schema"},
    S3ErrorInfo{E::kMetadataTooLarge, 400, "MetadataTooLarge",
                "Your metadata headers exceed the maximum allowed metadata size"},
    S3ErrorInfo{E::kMethodNotAllowed, 405, "MethodNotAllowed",
                "The specified method is not allowed against this resource."},
    S3ErrorInfo{E::kMissingContentLength, 411, "MissingContentLength",
                "You must provide the Content-Length HTTP header."},
    S3ErrorInfo{E::kMissingSecurityHeader, 400, "MissingSecurityHeader",
                "Your request is missing a required header."},
    S3ErrorInfo{E::kNoSuchBucket, 404, "NoSuchBucket", "The specified bucket does not exist"},
    S3ErrorInfo{E::kNoSuchConfiguration, 404, "NoSuchConfiguration",
                "The specified configuration does not exist."},
    S3ErrorInfo{E::kNoSuchKey, 404, "NoSuchKey", "The specified key does not exist."},
    S3ErrorInfo{E::kNoSuchTagSet, 404, "NoSuchTagSet", "The TagSet does not exist"},
    S3ErrorInfo{E::kNoSuchUpload, 404, "NoSuchUpload",
                "The specified upload does not exist. The upload ID may be invalid, or the upload "
                "may have been aborted or completed."},
    S3ErrorInfo{E::kNoSuchVersion, 404, "NoSuchVersion", "The specified version does not exist."},
    S3ErrorInfo{E::kNotImplemented, 501, "NotImplemented",
                "A header you provided implies functionality that is not implemented."},
    S3ErrorInfo{E::kPreconditionFailed, 412, "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold"},
    S3ErrorInfo{E::kRequestTimeTooSkewed, 403, "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large."},
    S3ErrorInfo{E::kServiceUnavailable, 503, "ServiceUnavailable",
                "Please reduce your request rate."},
    S3ErrorInfo{E::kSignatureDoesNotMatch, 403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. "
                "Check your key and signing method."},
    S3ErrorInfo{E::kTooManyConfigurations, 400, "TooManyConfigurations",
                "You are attempting to create a new configuration but have already reached the "
                "1,000-configuration limit."},
    S3ErrorInfo{E::kXAmzContentSHA256Mismatch, 400, "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed."},
    S3ErrorInfo{E::kInvalidObjectState, 403, "InvalidObjectState",
                "The operation is not valid for the current state of the object."},
    S3ErrorInfo{E::kInvalidToken, 400, "InvalidToken",
                "The provided token is malformed or otherwise invalid."},
    S3ErrorInfo{E::kInvalidURI, 400, "InvalidURI", "Couldn't parse the specified URI."},
    // User Guide, "Troubleshooting" Object Ownership errors; Object Lock and ACL codes of the
    // "List of error codes" page.
    S3ErrorInfo{E::kAccessControlListNotSupported, 400, "AccessControlListNotSupported",
                "The bucket does not allow ACLs"},
    S3ErrorInfo{E::kInvalidBucketAclWithObjectOwnership, 400, "InvalidBucketAclWithObjectOwnership",
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"},
    S3ErrorInfo{E::kObjectLockConfigurationNotFoundError, 404,
                "ObjectLockConfigurationNotFoundError",
                "Object Lock configuration does not exist for this bucket"},
    S3ErrorInfo{E::kNoSuchObjectLockConfiguration, 404, "NoSuchObjectLockConfiguration",
                "The specified object does not have a ObjectLock configuration"},
    S3ErrorInfo{E::kOwnershipControlsNotFoundError, 404, "OwnershipControlsNotFoundError",
                "The bucket ownership controls were not found"},
    S3ErrorInfo{E::kInvalidBucketState, 409, "InvalidBucketState",
                "The request is not valid with the current state of the bucket."},
    S3ErrorInfo{E::kRestoreAlreadyInProgress, 409, "RestoreAlreadyInProgress",
                "Object restore is already in progress"},
    S3ErrorInfo{E::kUnresolvableGrantByEmailAddress, 400, "UnresolvableGrantByEmailAddress",
                "The email address you provided does not match any account on record."},
    S3ErrorInfo{E::kMalformedACLError, 400, "MalformedACLError",
                "The XML you provided was not well-formed or did not validate against our "
                "published schema"},
    S3ErrorInfo{E::kUnexpectedContent, 400, "UnexpectedContent",
                "This request does not support content"},
    S3ErrorInfo{E::kMissingRequestBodyError, 400, "MissingRequestBodyError",
                "Request Body is empty"},
    // SSE: the KMS error S3 relays for an unknown key id (its code keeps KMS's "KMS." prefix),
    // and the SSE-C algorithm error of the "List of error codes" page.
    S3ErrorInfo{E::kKmsNotFoundException, 400, "KMS.NotFoundException", "Invalid keyId"},
    S3ErrorInfo{E::kInvalidEncryptionAlgorithmError, 400, "InvalidEncryptionAlgorithmError",
                "The Encryption request you specified is not valid. Supported value: AES256."},
    // Bucket policies: MalformedPolicy always carries the parser's specific message.
    S3ErrorInfo{E::kMalformedPolicy, 400, "MalformedPolicy", "Policies must be valid JSON"},
    S3ErrorInfo{E::kNoSuchBucketPolicy, 404, "NoSuchBucketPolicy",
                "The bucket policy does not exist"},
    S3ErrorInfo{E::kNoSuchPublicAccessBlockConfiguration, 404,
                "NoSuchPublicAccessBlockConfiguration",
                "The public access block configuration was not found"},
    S3ErrorInfo{E::kNoSuchLifecycleConfiguration, 404, "NoSuchLifecycleConfiguration",
                "The lifecycle configuration does not exist"},
    S3ErrorInfo{E::kReplicationConfigurationNotFoundError, 404,
                "ReplicationConfigurationNotFoundError",
                "The replication configuration was not found"},
    // AWS KMS PutKeyPolicy's error for a document it refuses; carries the parser's message.
    S3ErrorInfo{E::kMalformedPolicyDocumentException, 400, "MalformedPolicyDocumentException",
                "The policy document is malformed."},
};

constexpr bool TableMatchesEnum() {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    if (static_cast<size_t>(kErrors[i].error) != i) return false;
  }
  return true;
}
static_assert(TableMatchesEnum(), "kErrors must list errors in S3ErrorCode order");

}  // namespace

const S3ErrorInfo& LookupError(S3ErrorCode error) { return kErrors[static_cast<size_t>(error)]; }

S3Error FromStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
      // The client sees a generic 503/500; the operator needs the cause (disk full, I/O error).
      spdlog::warn("request failed: {}", status.ToString());
      return S3Error(S3ErrorCode::kServiceUnavailable, "Service is unable to handle request.");
    case StatusCode::kPermissionDenied:
      // The store's own refusals (Object Lock guards) are the client's AccessDenied.
      return S3Error(S3ErrorCode::kAccessDenied);
    default:
      spdlog::warn("request failed: {}", status.ToString());
      return S3Error(S3ErrorCode::kInternalError);
  }
}

}  // namespace stocktake::s3
