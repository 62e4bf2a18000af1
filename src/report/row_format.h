// Printing rows: CSV (RFC 4180, quoted only where needed), JSON Lines with typed values, and an
// aligned text table. Used by `report cat` and `report query`.
//   - timestamps print as ISO-8601 UTC with milliseconds ("2024-01-02T03:04:05.123Z"), the form
//     of the CSV reports (spec §4) — outside years 1..9999 as epoch milliseconds; booleans as
//     true/false; missing values as "" (CSV), null (JSON) or "" (table).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
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

// `--output` of the commands that list or summarise (inventory runs, admin account|key list, kms
// list-keys, report verify|summary): an aligned table for people, CSV or JSON for scripts.
enum class ListOutput { kTable, kCsv, kJson };

// "table", "csv", "json"; nullopt otherwise.
std::optional<ListOutput> ParseListOutput(std::string_view name);

struct ListField {
  enum class Kind { kText, kCount, kBytes };
  std::string name;  // snake_case: the CSV header and the JSON member; the table's header in caps
  Kind kind = Kind::kText;
};

// Records of the same fields, printed in one of the ListOutput forms:
//   table: upper-case headers, counts grouped ("1,234") and sizes human-readable ("1.2 MiB"),
//          right-aligned;
//   csv:   a header line of the names, then the values as given (sizes in bytes);
//   json:  an array of objects, counts and sizes as numbers (null when empty).
class Listing {
 public:
  explicit Listing(std::vector<ListField> fields) : fields_(std::move(fields)) {}
  // `values` in field order; counts and sizes in decimal (or "" when unknown).
  void Add(std::vector<std::string> values);
  void Write(ListOutput output, std::ostream* out) const;
  // The json form, for embedding in a larger document.
  nlohmann::json ToJson() const;
  size_t size() const { return rows_.size(); }

 private:
  std::vector<ListField> fields_;
  std::vector<std::vector<std::string>> rows_;
};

// 1234567 -> "1,234,567"; bytes -> "1.2 MiB".
std::string GroupedNumber(uint64_t n);
std::string HumanBytes(uint64_t bytes);

}  // namespace stocktake::report
