// Offline consistency check of a data directory (`stocktake admin fsck`): metadata and blob files
// must agree. Run it only while no server has the directory open (RocksDB's LOCK refuses a second
// opener, so a running server makes it fail rather than report a moving target).
//
// A crash may leave orphans (blob files nobody references, and files in tmp/): start-up removes
// them, so they are expected right after a crash and an error after a clean start and stop.
// Missing blobs and broken references are never expected: each one is lost data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace stocktake::store {

struct FsckReport {
  uint64_t object_rows = 0;
  uint64_t part_rows = 0;
  uint64_t blob_refs = 0;   // rows of the blob-reference table
  uint64_t blob_files = 0;  // files under blobs/
  uint64_t tmp_files = 0;   // files under tmp/ (writes a crashed process never finished)
  std::vector<std::string> orphan_blobs;   // blob files without a reference row
  std::vector<std::string> missing_blobs;  // referenced blob ids without a file
  // Human-readable descriptions of reference rows whose owner row is gone or does not name the
  // blob, and of object/part rows whose blob has no reference row pointing back at them.
  std::vector<std::string> broken_refs;

  bool clean() const {
    return orphan_blobs.empty() && missing_blobs.empty() && broken_refs.empty() && tmp_files == 0;
  }
};

// Reads `data_dir` (never modifies it). IOError/Corruption when it cannot be read.
Result<FsckReport> CheckDataDir(const std::string& data_dir);

}  // namespace stocktake::store
