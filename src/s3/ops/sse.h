// Server-side encryption on the S3 API: SSE request headers (and the bucket's default encryption)
// to the store's encryption settings, and stored settings to response headers. Header names,
// values and errors follow the S3 API reference (PutObject, GetObject, HeadObject, CopyObject,
// CreateMultipartUpload, UploadPart) and the User Guide's "Protecting data with server-side
// encryption" chapter. The encryption itself happens in the store's blob layer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "s3/ops/op.h"

namespace stocktake::s3 {

// Encryption of a new object from the request's x-amz-server-side-encryption* headers (SSE-S3,
// SSE-KMS, DSSE-KMS, SSE-C), else the bucket's default encryption (SSE-S3 unless configured).
// Fills version->encryption, kms_key_id (the key's ARN), kms_context, bucket_key_enabled and
// sse_customer_key_hmac. For PutObject, CopyObject (the destination) and CreateMultipartUpload.
std::optional<S3Error> ApplySseForWrite(OpContext& ctx, store::ObjectVersion* version);

// UploadPart and UploadPartCopy: the part is encrypted as its upload (copied into *part), and an
// SSE-C upload needs the same customer key on every part.
std::optional<S3Error> ApplySseForPart(const S3Request& request,
                                       const store::ObjectVersion& upload_template,
                                       store::ObjectVersion* part);

// Reads of `version` (GET, HEAD, and copy sources with `copy_source`, whose SSE-C headers are
// x-amz-copy-source-server-side-encryption-customer-*): checks the request's SSE-C headers
// against the version and returns the customer key to read with ("" unless SSE-C).
std::variant<std::string, S3Error> SseKeyForRead(const S3Request& request,
                                                 const store::ObjectVersion& version,
                                                 bool copy_source);

// A new blob for data of `version`, encrypted as its fields say (an SSE-C key comes from the
// request's headers, already checked by ApplySseForWrite/ApplySseForPart).
Result<std::unique_ptr<store::BlobWriter>> NewSseBlob(OpContext& ctx,
                                                      const store::ObjectVersion& version);

// The request's SSE-C key (x-amz-server-side-encryption-customer-key, 32 raw bytes), or "" when
// it has none or a malformed one (ApplySseForWrite/ApplySseForPart answer those errors).
std::string RequestCustomerKey(const S3Request& request);

// The ETag of new data whose MD5 is `md5_hex`: the MD5 for SSE-S3, as AWS; 32 random hex digits
// for SSE-KMS, DSSE-KMS and SSE-C, whose ETags on AWS are not the MD5 of the data.
std::string SseEtag(const store::ObjectVersion& version, std::string md5_hex);

// Response headers describing the encryption of `version`: x-amz-server-side-encryption, the KMS
// key id and bucket key, or the SSE-C algorithm and key MD5 (of the request's key). With
// `with_context`, also the KMS encryption context (PutObject, CopyObject, CreateMultipartUpload).
void AddSseHeaders(const S3Request& request, const store::ObjectVersion& version,
                   S3Response* response, bool with_context = false);

}  // namespace stocktake::s3
