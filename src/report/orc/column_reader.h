// ORC column readers for one stripe (ORC spec v1, "Column Encodings"): each turns its streams
// (PRESENT, DATA, LENGTH, DICTIONARY_DATA, SECONDARY) back into cells, one row at a time.
// Supported: boolean, tinyint, smallint, int, bigint, float, double, string, varchar, char,
// binary (DIRECT and DICTIONARY string encodings, RLE v1 and v2), timestamp and timestamp with
// local time zone.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "report/cell.h"
#include "report/orc/orc_metadata.h"
#include "report/orc/orc_stream.h"
#include "report/orc/time_zone.h"

namespace stocktake::report::orc {

class ColumnReader {
 public:
  virtual ~ColumnReader() = default;
  // Decodes the next row's value (null when the PRESENT stream says so).
  virtual Status Next(Cell* cell) = 0;
};

// What a column reader needs from its stripe.
struct StripeContext {
  CompressionKind compression;
  uint64_t block_size;
  // The bytes of stream `kind` of `column`; nullopt when the stripe has no such stream.
  std::function<std::optional<std::string_view>(uint32_t column, StreamKind kind)> stream;
  // StripeFooter.writer_timezone, loaded (never null).
  const TimeZone* writer_zone = nullptr;
  // StripeInformation.number_of_rows (bounds a dictionary: at most one entry per value).
  uint64_t rows = 0;
};

// Whether the reader supports columns of `kind`, and the cell kind they produce.
std::optional<CellKind> CellKindFor(TypeKind kind);
// The Hive spelling of a type (as in an ORC fileSchema, spec §5.3): "bigint", "string"...
std::string TypeName(const Type& type);

Result<std::unique_ptr<ColumnReader>> NewColumnReader(const Type& type, uint32_t column,
                                                      const ColumnEncoding& encoding,
                                                      const StripeContext& stripe);

}  // namespace stocktake::report::orc
