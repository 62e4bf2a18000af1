#include "format/orc/protobuf_encoder.h"

namespace stocktake::format::orc {

template <typename T>
void ProtoEncoder::Packed(uint32_t field, std::span<const T> values) {
  if (values.empty()) return;
  // Packed repeated scalars: the payload length is known up front, so no temporary buffer.
  size_t payload = 0;
  for (T v : values) payload += VarintSize(v);
  Tag(field, kLengthDelimited);
  AppendVarint(out_, payload);
  for (T v : values) AppendVarint(out_, v);
}

void ProtoEncoder::PackedUint(uint32_t field, std::span<const uint64_t> values) {
  Packed(field, values);
}

void ProtoEncoder::PackedUint(uint32_t field, std::span<const uint32_t> values) {
  Packed(field, values);
}

}  // namespace stocktake::format::orc
