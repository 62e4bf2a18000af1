// Field numbers follow orc_proto.proto (ORC format v1); every number is part of the on-disk format.
#include "format/orc/orc_proto.h"

#include "format/orc/protobuf_encoder.h"

namespace stocktake::format::orc {
namespace {

std::string EncodeStream(const StreamInfo& s) {
  // Stream { kind = 1; column = 2; length = 3 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, static_cast<uint32_t>(s.kind));
  e.Uint(2, s.column);
  e.Uint(3, s.length);
  return out;
}

std::string EncodeColumnEncoding(const ColumnEncodingInfo& c) {
  // ColumnEncoding { kind = 1; dictionary_size = 2 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, static_cast<uint32_t>(c.kind));
  if (c.kind == EncodingKind::kDictionary || c.kind == EncodingKind::kDictionaryV2) {
    e.Uint(2, c.dictionary_size);
  }
  return out;
}

std::string EncodeStripeInfo(const StripeInfo& s) {
  // StripeInformation { offset = 1; index_length = 2; data_length = 3; footer_length = 4;
  //                     number_of_rows = 5 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, s.offset);
  e.Uint(2, s.index_length);
  e.Uint(3, s.data_length);
  e.Uint(4, s.footer_length);
  e.Uint(5, s.number_of_rows);
  return out;
}

std::string EncodeType(const TypeInfo& t) {
  // Type { kind = 1; subtypes = 2 (packed); field_names = 3 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, static_cast<uint32_t>(t.kind));
  e.PackedUint(2, std::span<const uint32_t>(t.subtypes));
  for (const std::string& name : t.field_names) e.Bytes(3, name);
  return out;
}

}  // namespace

std::string EncodeStripeFooter(std::span<const StreamInfo> streams,
                               std::span<const ColumnEncodingInfo> columns,
                               std::string_view writer_timezone) {
  std::string out;
  ProtoEncoder e(&out);
  for (const StreamInfo& s : streams) e.Bytes(1, EncodeStream(s));
  for (const ColumnEncodingInfo& c : columns) e.Bytes(2, EncodeColumnEncoding(c));
  e.Bytes(3, writer_timezone);
  return out;
}

void AppendRowIndexEntry(std::string* row_index, std::span<const uint64_t> positions,
                         std::string_view statistics) {
  std::string entry;
  ProtoEncoder e(&entry);
  e.PackedUint(1, positions);
  e.Bytes(2, statistics);
  ProtoEncoder(row_index).Bytes(1, entry);
}

void AppendStripeStatistics(std::string* metadata, std::span<const std::string> column_statistics) {
  std::string stripe;
  ProtoEncoder e(&stripe);
  for (const std::string& s : column_statistics) e.Bytes(1, s);
  ProtoEncoder(metadata).Bytes(1, stripe);
}

std::string EncodeFooter(const FooterInfo& f) {
  // Footer { header_length = 1; content_length = 2; stripes = 3; types = 4; metadata = 5 (user
  //          metadata, unused); number_of_rows = 6; statistics = 7; row_index_stride = 8;
  //          writer = 9; encryption = 10 (unused); calendar = 11 (unused);
  //          software_version = 12 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, f.header_length);
  e.Uint(2, f.content_length);
  for (const StripeInfo& s : f.stripes) e.Bytes(3, EncodeStripeInfo(s));
  for (const TypeInfo& t : f.types) e.Bytes(4, EncodeType(t));
  e.Uint(6, f.number_of_rows);
  for (const std::string& s : f.statistics) e.Bytes(7, s);
  e.Uint(8, f.row_index_stride);
  e.Uint(9, f.writer);
  if (!f.software_version.empty()) e.Bytes(12, f.software_version);
  return out;
}

std::string EncodePostScript(const PostScriptInfo& p) {
  // PostScript { footer_length = 1; compression = 2; compression_block_size = 3;
  //              version = 4 (packed); metadata_length = 5; writer_version = 6; magic = 8000 }
  std::string out;
  ProtoEncoder e(&out);
  e.Uint(1, p.footer_length);
  e.Uint(2, static_cast<uint32_t>(p.compression));
  if (p.compression != CompressionKind::kNone) e.Uint(3, p.compression_block_size);
  const uint32_t version[] = {p.version_major, p.version_minor};
  e.PackedUint(4, std::span<const uint32_t>(version));
  e.Uint(5, p.metadata_length);
  e.Uint(6, p.writer_version);
  e.Bytes(8000, "ORC");
  return out;
}

}  // namespace stocktake::format::orc
