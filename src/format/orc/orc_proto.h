// Builders for the ORC metadata messages of orc_proto.proto (ORC specification v1, "File Tail",
// "Stripes", "Indexes"): PostScript, Footer, Metadata/StripeStatistics, StripeFooter, RowIndex.
// Each builder returns or appends the protobuf encoding; compression is the caller's business.
// ColumnStatistics messages are encoded by statistics.h and passed in as bytes.
//
// The enum values and field numbers below are the on-disk format: do not change them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::format::orc {

// The enums list every kind the ORC reader (report/orc) recognises; the writer uses a few.

// Stream.Kind
enum class StreamKind : uint32_t {
  kPresent = 0,
  kData = 1,
  kLength = 2,
  kDictionaryData = 3,
  kDictionaryCount = 4,
  kSecondary = 5,
  kRowIndex = 6,
};

// ColumnEncoding.Kind
enum class EncodingKind : uint32_t {
  kDirect = 0,
  kDictionary = 1,
  kDirectV2 = 2,
  kDictionaryV2 = 3,
};

// Type.Kind
enum class TypeKind : uint32_t {
  kBoolean = 0,
  kByte = 1,
  kShort = 2,
  kInt = 3,
  kLong = 4,
  kFloat = 5,
  kDouble = 6,
  kString = 7,
  kBinary = 8,
  kTimestamp = 9,
  kList = 10,
  kMap = 11,
  kStruct = 12,
  kUnion = 13,
  kDecimal = 14,
  kDate = 15,
  kVarchar = 16,
  kChar = 17,
  kTimestampInstant = 18,
};

// CompressionKind
enum class CompressionKind : uint32_t {
  kNone = 0,
  kZlib = 1,
  kSnappy = 2,
  kLzo = 3,
  kLz4 = 4,
  kZstd = 5,
};

struct StreamInfo {
  StreamKind kind;
  uint32_t column;
  uint64_t length;
};

struct ColumnEncodingInfo {
  EncodingKind kind = EncodingKind::kDirect;
  uint32_t dictionary_size = 0;  // written only for dictionary encodings
};

struct StripeInfo {
  uint64_t offset = 0;
  uint64_t index_length = 0;
  uint64_t data_length = 0;
  uint64_t footer_length = 0;
  uint64_t number_of_rows = 0;
};

struct TypeInfo {
  TypeKind kind;
  std::vector<uint32_t> subtypes;        // struct only: column ids of the children
  std::vector<std::string> field_names;  // struct only
};

struct FooterInfo {
  uint64_t header_length = 0;
  uint64_t content_length = 0;
  std::vector<StripeInfo> stripes;
  std::vector<TypeInfo> types;
  uint64_t number_of_rows = 0;
  std::vector<std::string> statistics;  // encoded ColumnStatistics, one per column id
  uint32_t row_index_stride = 0;
  uint32_t writer = 0;
  std::string software_version;
};

struct PostScriptInfo {
  uint64_t footer_length = 0;
  CompressionKind compression = CompressionKind::kNone;
  uint64_t compression_block_size = 0;
  uint32_t version_major = 0;
  uint32_t version_minor = 0;
  uint64_t metadata_length = 0;
  uint32_t writer_version = 0;
};

// StripeFooter { streams = 1; columns = 2; writer_timezone = 3 }.
std::string EncodeStripeFooter(std::span<const StreamInfo> streams,
                               std::span<const ColumnEncodingInfo> columns,
                               std::string_view writer_timezone);

// Appends one `RowIndex.entry` (field 1) holding RowIndexEntry { positions = 1 (packed);
// statistics = 2 } to `row_index`, an encoded RowIndex message being built.
void AppendRowIndexEntry(std::string* row_index, std::span<const uint64_t> positions,
                         std::string_view statistics);

// Appends one `Metadata.stripe_stats` (field 1) holding StripeStatistics { col_stats = 1 } to
// `metadata`, an encoded Metadata message being built.
void AppendStripeStatistics(std::string* metadata, std::span<const std::string> column_statistics);

std::string EncodeFooter(const FooterInfo& footer);

// PostScript, including magic = 8000 "ORC". The spec requires it to be shorter than 256 bytes.
std::string EncodePostScript(const PostScriptInfo& postscript);

}  // namespace stocktake::format::orc
