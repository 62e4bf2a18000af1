#include "report/row_format.h"

#include <cctype>
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <optional>

#include "common/encoding.h"
#include "common/time_format.h"

namespace stocktake::report {
namespace {

// Display width of a UTF-8 string: code points (continuation bytes do not count).
size_t DisplayWidth(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xc0) != 0x80;
  return n;
}

// Control characters would break a table's lines: show them escaped.
std::string TableText(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<uint8_t>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02X", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class CsvPrinter final : public RowPrinter {
 public:
  CsvPrinter(std::ostream* out, bool header) : out_(out), header_(header) {}
  void Header(const std::vector<std::string>& names) override {
    if (!header_) return;
    line_.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      if (i > 0) line_.push_back(',');
      AppendCsvField(&line_, names[i]);
    }
    line_.push_back('\n');
    *out_ << line_;
  }
  void Print(const Row& row) override {
    line_.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line_.push_back(',');
      if (!row[i].is_null()) AppendCsvField(&line_, CellText(row[i]));
    }
    line_.push_back('\n');
    *out_ << line_;
  }
  void Finish() override { out_->flush(); }

 private:
  std::ostream* out_;
  bool header_;
  std::string line_;
};

class JsonlPrinter final : public RowPrinter {
 public:
  explicit JsonlPrinter(std::ostream* out) : out_(out) {}
  void Header(const std::vector<std::string>& names) override { names_ = names; }
  void Print(const Row& row) override {
    line_ = "{";
    for (size_t i = 0; i < row.size() && i < names_.size(); ++i) {
      if (i > 0) line_ += ", ";
      AppendJsonString(&line_, names_[i]);
      line_ += ": ";
      AppendJsonCell(&line_, row[i]);
    }
    line_ += "}\n";
    *out_ << line_;
  }
  void Finish() override { out_->flush(); }

 private:
  std::ostream* out_;
  std::vector<std::string> names_;
  std::string line_;
};

class TablePrinter final : public RowPrinter {
 public:
  explicit TablePrinter(std::ostream* out) : out_(out) {}
  void Header(const std::vector<std::string>& names) override { names_ = names; }
  void Print(const Row& row) override {
    if (right_.empty()) {
      for (const Cell& c : row) {
        right_.push_back(c.kind == CellKind::kInt || c.kind == CellKind::kDouble);
      }
    }
    std::vector<std::string> cells;
    for (const Cell& c : row) cells.push_back(CellText(c));
    rows_.push_back(std::move(cells));
  }
  void Finish() override {
    TextTable table(names_, right_);
    for (auto& r : rows_) table.AddRow(std::move(r));
    table.Write(out_);
    *out_ << "(" << rows_.size() << (rows_.size() == 1 ? " row)\n" : " rows)\n");
    out_->flush();
  }

 private:
  std::ostream* out_;
  std::vector<std::string> names_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace

std::optional<OutputFormat> ParseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "jsonl") return OutputFormat::kJsonl;
  return std::nullopt;
}

std::string CellText(const Cell& cell) {
  switch (cell.kind) {
    case CellKind::kNull:
      return "";
    case CellKind::kBool:
      return cell.int_value ? "true" : "false";
    case CellKind::kInt:
      return std::to_string(cell.int_value);
    case CellKind::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", cell.double_value);
      return buf;
    }
    case CellKind::kString:
      return cell.string_value;
    case CellKind::kBinary:
      return Base64Encode(cell.string_value);
    case CellKind::kTimestamp:
      return FormatIso8601Millis(cell.EpochMillis());
  }
  return "";
}

void AppendCsvField(std::string* out, std::string_view field) {
  // RFC 4180 §2.6-2.7: quote fields holding a comma, quote or line break; double the quotes.
  bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos || field.empty() ||
               field.front() == ' ' || field.back() == ' ';
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendJsonString(std::string* out, std::string_view text) {
  out->push_back('"');
  for (char c : text) {
    auto u = static_cast<uint8_t>(c);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", u);
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonCell(std::string* out, const Cell& cell) {
  switch (cell.kind) {
    case CellKind::kNull:
      *out += "null";
      return;
    case CellKind::kBool:
      *out += cell.int_value ? "true" : "false";
      return;
    case CellKind::kInt:
    case CellKind::kDouble:
      *out += CellText(cell);
      return;
    case CellKind::kString:
    case CellKind::kBinary:
    case CellKind::kTimestamp:
      AppendJsonString(out, CellText(cell));
      return;
  }
}

std::unique_ptr<RowPrinter> NewRowPrinter(OutputFormat format, std::ostream* out, bool csv_header) {
  switch (format) {
    case OutputFormat::kTable:
      return std::make_unique<TablePrinter>(out);
    case OutputFormat::kCsv:
      return std::make_unique<CsvPrinter>(out, csv_header);
    case OutputFormat::kJsonl:
      return std::make_unique<JsonlPrinter>(out);
  }
  return nullptr;
}

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_align)
    : header_(std::move(header)), right_align_(std::move(right_align)) {
  right_align_.resize(header_.size(), false);
}

void TextTable::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (auto& c : cells) c = TableText(c);
  rows_.push_back(std::move(cells));
}

void TextTable::Write(std::ostream* out) const {
  std::vector<size_t> widths(header_.size(), 0);
  for (size_t i = 0; i < header_.size(); ++i) widths[i] = DisplayWidth(header_[i]);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t i = 0; i < cells.size(); ++i) {
      size_t pad = widths[i] - DisplayWidth(cells[i]);
      bool last = i + 1 == cells.size();
      if (i > 0) text += "  ";
      if (right_align_[i]) text.append(pad, ' ');
      text += cells[i];
      if (!right_align_[i] && !last) text.append(pad, ' ');
    }
    *out << text << "\n";
  };
  line(header_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& row : rows_) line(row);
}

std::string GroupedNumber(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 6) v /= 1024, ++unit;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::optional<ListOutput> ParseListOutput(std::string_view name) {
  if (name == "table") return ListOutput::kTable;
  if (name == "csv") return ListOutput::kCsv;
  if (name == "json") return ListOutput::kJson;
  return std::nullopt;
}

void Listing::Add(std::vector<std::string> values) {
  values.resize(fields_.size());
  rows_.push_back(std::move(values));
}

void Listing::Write(ListOutput output, std::ostream* out) const {
  switch (output) {
    case ListOutput::kTable: {
      std::vector<std::string> header;
      std::vector<bool> right;
      for (const ListField& f : fields_) {
        std::string title = f.name;
        for (char& c : title) c = c == '_' ? ' ' : static_cast<char>(std::toupper(c));
        header.push_back(std::move(title));
        right.push_back(f.kind != ListField::Kind::kText);
      }
      TextTable table(std::move(header), std::move(right));
      for (const auto& row : rows_) {
        std::vector<std::string> cells;
        for (size_t i = 0; i < fields_.size(); ++i) {
          const std::string& v = row[i];
          uint64_t n = 0;
          bool number =
              !v.empty() && std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc();
          if (fields_[i].kind == ListField::Kind::kBytes && number) {
            cells.push_back(HumanBytes(n));
          } else if (fields_[i].kind == ListField::Kind::kCount && number) {
            cells.push_back(GroupedNumber(n));
          } else {
            cells.push_back(v);
          }
        }
        table.AddRow(std::move(cells));
      }
      table.Write(out);
      break;
    }
    case ListOutput::kCsv: {
      std::string line;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i > 0) line += ',';
        AppendCsvField(&line, fields_[i].name);
      }
      *out << line << "\n";
      for (const auto& row : rows_) {
        line.clear();
        for (size_t i = 0; i < row.size(); ++i) {
          if (i > 0) line += ',';
          AppendCsvField(&line, row[i]);
        }
        *out << line << "\n";
      }
      break;
    }
    case ListOutput::kJson:
      *out << ToJson().dump(2) << "\n";
      break;
  }
  out->flush();
}

nlohmann::json Listing::ToJson() const {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& row : rows_) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t i = 0; i < fields_.size(); ++i) {
      const std::string& v = row[i];
      if (fields_[i].kind == ListField::Kind::kText) {
        object[fields_[i].name] = v;
        continue;
      }
      uint64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc() || end != v.data() + v.size()) {
        object[fields_[i].name] = nullptr;
      } else {
        object[fields_[i].name] = n;
      }
    }
    array.push_back(std::move(object));
  }
  return array;
}

}  // namespace stocktake::report
