// Blob files: object and part bytes, one file per blob, under the data directory:
//
//   <data_dir>/tmp/<blob_id>               being written (never referenced by metadata)
//   <data_dir>/blobs/<2 hex>/<blob_id>     finished: fsynced, renamed, directory fsynced
//
// A blob id is 32 lower-case hex digits from the CSPRNG; its first two digits name its shard
// directory (256 shards keep directories small at 100M blobs; each is created on first use).
// A finished blob becomes part of an object only when the metadata commit that references it
// succeeds (see ObjectStore).
//
// The store writes every blob encrypted (blob_cipher.h: header, then AES-256-GCM chunks) through
// the BlobKeyring overloads; the plain overloads read blobs written before encryption at rest
// existed, and serve tests of the file layer.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "store/data/blob_cipher.h"
#include "store/object_store.h"

namespace stocktake::store::data {

// ---- On-disk constants: DO NOT CHANGE
// --------------------------------------------------------------
inline constexpr std::string_view kTmpDir = "tmp";
inline constexpr std::string_view kBlobsDir = "blobs";
inline constexpr size_t kBlobIdChars = 32;
inline constexpr int kShardCount = 256;

// Finished blobs not yet committed by the metadata store. Committing "claims" a blob (so a blob
// can be committed once only), and abandoning a writer deletes its blob only while unclaimed.
// Each blob carries its encryption mode ("" = plaintext), which the commit records.
class PendingBlobs {
 public:
  void Add(const std::string& blob_id, std::string_view encryption = {});
  // Removes blob_id; false when it was not pending (unknown, already claimed, or abandoned).
  bool Claim(const std::string& blob_id);
  // Same, and reports the blob's encryption mode.
  bool Claim(const std::string& blob_id, std::string* encryption);
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> ids_;  // blob id -> encryption mode
};

class BlobFiles {
 public:
  explicit BlobFiles(std::string data_dir);

  // Creates tmp/ and blobs/ when missing (shard directories are created on first use).
  Status Prepare() const;
  // Creates blobs/<shard>/ durably if this process has not seen it yet. Thread-safe.
  Status EnsureShard(int shard) const;
  // Removes everything in tmp/: the writes of a previous process that never finished.
  Status ClearTmp() const;

  static std::string NewBlobId();
  static bool IsValidBlobId(std::string_view blob_id);
  static std::string ShardName(int shard);  // "00".."ff"

  std::string TmpPath(std::string_view blob_id) const;
  std::string BlobPath(std::string_view blob_id) const;
  std::string ShardDir(int shard) const;

  // File names in one shard directory, sorted (for a merge with the reference table).
  Result<std::vector<std::string>> ListShard(int shard) const;
  // Unlinks a finished blob; OK when it is already gone.
  Status Remove(std::string_view name_in_shard, int shard) const;
  Status Remove(std::string_view blob_id) const;

  // A writer of a plaintext blob to tmp/; `pending` must outlive it.
  Result<std::unique_ptr<BlobWriter>> NewWriter(PendingBlobs* pending) const;
  // A writer of an encrypted blob: a data key from `keyring` under `encryption`, the header, then
  // sealed chunks. `pending` and `keyring` must outlive it.
  Result<std::unique_ptr<BlobWriter>> NewWriter(PendingBlobs* pending, BlobKeyring* keyring,
                                                const BlobEncryption& encryption) const;
  // Opens [offset, offset+length) of a finished plaintext blob, clamped to its size.
  Result<std::unique_ptr<BlobReader>> OpenReader(std::string_view blob_id, uint64_t offset,
                                                 uint64_t length) const;
  // Opens [offset, offset+length) of the plaintext of an encrypted blob, clamped to its size;
  // only the chunks the range touches are read and decrypted. Corruption when the file is not a
  // well-formed encrypted blob or a chunk fails authentication. `keyring` must outlive the reader.
  Result<std::unique_ptr<BlobReader>> OpenReader(std::string_view blob_id, uint64_t offset,
                                                 uint64_t length, BlobKeyring* keyring,
                                                 std::string_view customer_key) const;

 private:
  std::string data_dir_;
  std::string tmp_dir_;
  std::string blobs_dir_;
  mutable std::array<std::atomic<bool>, kShardCount> shard_ready_{};
};

// One piece of a concatenated object (a multipart part): its blob ("" = empty) and size.
struct Segment {
  std::string blob_id;
  uint64_t size = 0;
};

// Opens [offset, offset+length) of one blob.
using BlobOpener = std::function<Result<std::unique_ptr<BlobReader>>(
    std::string_view blob_id, uint64_t offset, uint64_t length)>;

// Reads [offset, offset+length) of the concatenation of `segments`, opening each blob (with
// `open`) only when the read reaches it.
std::unique_ptr<BlobReader> NewConcatReader(BlobOpener open, std::vector<Segment> segments,
                                            uint64_t offset, uint64_t length);
// Same over plaintext blobs of `files`, which must outlive the reader.
std::unique_ptr<BlobReader> NewConcatReader(const BlobFiles* files, std::vector<Segment> segments,
                                            uint64_t offset, uint64_t length);
// A reader of nothing (empty objects).
std::unique_ptr<BlobReader> NewEmptyReader();

}  // namespace stocktake::store::data
