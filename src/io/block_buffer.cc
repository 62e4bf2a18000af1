#include "io/block_buffer.h"

#include <algorithm>
#include <cstring>

namespace stocktake::io {

std::unique_ptr<char[]> BlockPool::Take() {
  if (free_.empty()) return std::make_unique_for_overwrite<char[]>(kBlockBytes);
  std::unique_ptr<char[]> block = std::move(free_.back());
  free_.pop_back();
  return block;
}

void BlockBuffer::Append(std::string_view data) {
  constexpr size_t kBlock = BlockPool::kBlockBytes;
  while (!data.empty()) {
    if (size_ == blocks_.size() * kBlock) blocks_.push_back(pool_->Take());
    const size_t used = size_ - (blocks_.size() - 1) * kBlock;
    const size_t n = std::min(data.size(), kBlock - used);
    std::memcpy(blocks_.back().get() + used, data.data(), n);
    size_ += n;
    data.remove_prefix(n);
  }
}

Status BlockBuffer::WriteTo(OutputStream* out) const {
  uint64_t left = size_;
  for (const auto& block : blocks_) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(left, BlockPool::kBlockBytes));
    RETURN_IF_ERROR(out->Write(std::string_view(block.get(), n)));
    left -= n;
  }
  return Status::OK();
}

void BlockBuffer::Clear() {
  for (auto& block : blocks_) pool_->Give(std::move(block));
  blocks_.clear();
  size_ = 0;
}

}  // namespace stocktake::io
