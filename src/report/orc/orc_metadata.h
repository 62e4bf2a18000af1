// The ORC metadata a reader needs, decoded from protobuf (orc-format orc_proto.proto: PostScript,
// Footer, Type, StripeInformation, StripeFooter, Stream, ColumnEncoding; field numbers in the
// comments). Statistics, user metadata and encryption are skipped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/orc/orc_proto.h"

namespace stocktake::report::orc {

// The on-disk enum values are shared with the writer.
using format::orc::CompressionKind;
using format::orc::EncodingKind;
using format::orc::StreamKind;
using format::orc::TypeKind;

struct PostScript {
  uint64_t footer_length = 0;                            // 1
  CompressionKind compression = CompressionKind::kNone;  // 2
  uint64_t compression_block_size = 256 * 1024;          // 3 (spec default 256K)
  uint64_t metadata_length = 0;                          // 5
  std::string magic;                                     // 8000: "ORC"
};

struct Type {
  TypeKind kind = TypeKind::kStruct;     // 1
  std::vector<uint64_t> subtypes;        // 2 (packed)
  std::vector<std::string> field_names;  // 3
};

struct StripeInformation {
  uint64_t offset = 0;          // 1
  uint64_t index_length = 0;    // 2
  uint64_t data_length = 0;     // 3
  uint64_t footer_length = 0;   // 4
  uint64_t number_of_rows = 0;  // 5
};

struct Footer {
  uint64_t header_length = 0;              // 1
  uint64_t content_length = 0;             // 2
  std::vector<StripeInformation> stripes;  // 3
  std::vector<Type> types;                 // 4
  uint64_t number_of_rows = 0;             // 6
};

struct Stream {
  StreamKind kind = StreamKind::kPresent;  // 1
  uint32_t column = 0;                     // 2
  uint64_t length = 0;                     // 3
};

struct ColumnEncoding {
  EncodingKind kind = EncodingKind::kDirect;  // 1
  uint32_t dictionary_size = 0;               // 2
};

struct StripeFooter {
  std::vector<Stream> streams;          // 1
  std::vector<ColumnEncoding> columns;  // 2
  std::string writer_timezone;          // 3
};

Result<PostScript> DecodePostScript(std::string_view bytes);
Result<Footer> DecodeFooter(std::string_view bytes);
Result<StripeFooter> DecodeStripeFooter(std::string_view bytes);

}  // namespace stocktake::report::orc
