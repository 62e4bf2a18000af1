// Signature Version 2 presigned URLs (`?AWSAccessKeyId=…&Expires=…&Signature=…`): what the
// unmodified `aws s3 presign` (CLI v1) and boto3's generate_presigned_url produce by default for
// a custom endpoint. Query authentication only: SigV2 Authorization headers stay refused.
// Spec: "Signing and authenticating REST requests" (Amazon S3 developer guide, SigV2), "Query
// string request authentication alternative".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "s3/auth/auth_error.h"
#include "s3/auth/sigv4.h"

namespace stocktake::s3::auth {

// True when the query carries the SigV2 trio.
bool IsSigV2Presigned(std::string_view raw_query);

// "GET\n<content-md5>\n<content-type>\n<expires>\n<x-amz-* headers><resource>", the resource being
// the request path (as sent) plus the sub-resources and response overrides SigV2 signs.
std::string SigV2StringToSign(const RequestView& request, std::string_view expires);

// Verifies a SigV2 presigned request at now_ms; returns the access key id.
// Errors: AccessDenied (expired), SignatureDoesNotMatch, InvalidAccessKeyId.
AuthOr<std::string> VerifySigV2Presigned(const RequestView& request, const SecretLookup& lookup,
                                         int64_t now_ms);

}  // namespace stocktake::s3::auth
