// BlockBuffer: a large in-memory buffer that fills and empties over and over (a Parquet column
// chunk until its row group is written, an ORC stream until its stripe is), kept in fixed-size
// blocks from a BlockPool.
//
// Why not a std::string: one that grows by doubling holds up to twice its bytes, and copies them
// at every step while the old and the new allocation both exist. With a report's threads each
// buffering a row group, the process's peak RSS depended on how those growth spurts happened to
// line up, and rose with the number of files written. Blocks hold the bytes plus at most one
// partly filled block, are never copied, and go back to the pool when the buffer is cleared, so
// the next row group or stripe reuses them whichever buffer they served.
//
// Not thread-safe: a pool and its buffers belong to one writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/output_stream.h"

namespace stocktake::io {

class BlockPool {
 public:
  // Small enough that a partly filled last block per buffer wastes little, large enough that
  // the blocks of a row group number in the tens.
  static constexpr size_t kBlockBytes = size_t{256} << 10;

  // A free block, or a new one (uninitialized).
  std::unique_ptr<char[]> Take();
  // Keeps `block` for a later Take().
  void Give(std::unique_ptr<char[]> block) { free_.push_back(std::move(block)); }
  size_t free_blocks() const { return free_.size(); }

 private:
  std::vector<std::unique_ptr<char[]>> free_;
};

class BlockBuffer {
 public:
  // `pool` is not owned and outlives the buffer.
  explicit BlockBuffer(BlockPool* pool) : pool_(pool) {}
  ~BlockBuffer() { Clear(); }
  BlockBuffer(const BlockBuffer&) = delete;
  BlockBuffer& operator=(const BlockBuffer&) = delete;

  void Append(std::string_view data);
  uint64_t size() const { return size_; }
  // Writes the bytes to `out`, block by block.
  Status WriteTo(OutputStream* out) const;
  // Empties the buffer; its blocks go back to the pool.
  void Clear();

 private:
  BlockPool* pool_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  uint64_t size_ = 0;
};

}  // namespace stocktake::io
