// Writing report objects into the destination bucket with a RemoteClient: PutObject for small
// objects, multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload; aborted
// on failure) for files above a threshold, read from disk one part at a time. Every request body
// carries Content-MD5, so the store checks what it received.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/status.h"
#include "scan/remote_client.h"

namespace stocktake::scan {

struct UploadOptions {
  uint64_t multipart_threshold_bytes = uint64_t{64} << 20;
  uint64_t part_size_bytes = uint64_t{16} << 20;  // raised to fit the 10,000-part limit
};

Status PutObjectBytes(RemoteClient& client, const std::string& bucket, const std::string& key,
                      std::string_view bytes, const std::string& content_type);

Status PutObjectFile(RemoteClient& client, const std::string& bucket, const std::string& key,
                     const std::string& path, uint64_t size, const std::string& content_type,
                     const UploadOptions& options);

// DeleteObject; a missing object is not an error.
Status DeleteObject(RemoteClient& client, const std::string& bucket, const std::string& key);

// HeadObject: whether `key` exists now (its latest version is not a delete marker).
Result<bool> ObjectExists(RemoteClient& client, const std::string& bucket, const std::string& key);

// HeadBucket: NotFound / PermissionDenied with a message a person can act on.
Status CheckBucket(RemoteClient& client, const std::string& bucket, std::string_view role);

}  // namespace stocktake::scan
