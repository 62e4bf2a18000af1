// Multipart upload operations (placeholder until implemented).
#include "s3/ops/op_util.h"

namespace stocktake::s3 {
namespace {
OpResult Unimplemented() { return S3Error(S3ErrorCode::kNotImplemented); }
}  // namespace
OpResult CreateMultipartUpload(OpContext&) { return Unimplemented(); }
OpResult UploadPart(OpContext&) { return Unimplemented(); }
OpResult UploadPartCopy(OpContext&) { return Unimplemented(); }
OpResult CompleteMultipartUpload(OpContext&) { return Unimplemented(); }
OpResult AbortMultipartUpload(OpContext&) { return Unimplemented(); }
OpResult ListParts(OpContext&) { return Unimplemented(); }
OpResult ListMultipartUploads(OpContext&) { return Unimplemented(); }
OpResult CopyObject(OpContext&) { return Unimplemented(); }
OpResult ListObjectVersions(OpContext&) { return Unimplemented(); }
}  // namespace stocktake::s3
