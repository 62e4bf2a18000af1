// Printing rows: CSV (RFC 4180, quoted only where needed), JSON Lines with typed values, and an
// aligned text table. Used by `report cat` and `report query`.
//   - timestamps print as ISO-8601 UTC with milliseconds ("2024-01-02T03:04:05.123Z"), the form
//     of the CSV reports (spec §4) — outside years 1..9999 as epoch milliseconds; booleans as
//     true/false; missing values as "" (CSV), null (JSON) or "" (table).
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "report/cell.h"

namespace stocktake::report {

enum class OutputFormat { kTable, kCsv, kJsonl };

// "table", "csv", "jsonl"; nullopt otherwise.
std::optional<OutputFormat> ParseOutputFormat(std::string_view name);

// The text of a cell ("" for null).
std::string CellText(const Cell& cell);
void AppendCsvField(std::string* out, std::string_view field);
void AppendJsonString(std::string* out, std::string_view text);
void AppendJsonCell(std::string* out, const Cell& cell);

class RowPrinter {
 public:
  virtual ~RowPrinter() = default;
  virtual void Header(const std::vector<std::string>& names) = 0;
  virtual void Print(const Row& row) = 0;
  // Writes what is buffered (the table) and flushes.
  virtual void Finish() = 0;
};

// `out` must outlive the printer. `csv_header`: print the header line in CSV.
std::unique_ptr<RowPrinter> NewRowPrinter(OutputFormat format, std::ostream* out,
                                          bool csv_header = true);

// An aligned text table: columns padded to their widest cell (counted in UTF-8 code points),
// numbers right-aligned.
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header, std::vector<bool> right_align = {});
  void AddRow(std::vector<std::string> cells);
  void Write(std::ostream* out) const;
  size_t rows() const { return rows_.size(); }

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_align_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 -> "1,234,567"; bytes -> "1.2 MiB".
std::string GroupedNumber(uint64_t n);
std::string HumanBytes(uint64_t bytes);

}  // namespace stocktake::report
