// CSV report writer (spec §4): no header, every field double-quoted (empty ones too), comma
// separated, LF line ends, keys URL-encoded, lower-case booleans, ISO-8601 millisecond timestamps;
// the whole file gzip-compressed (.csv.gz).
#include <array>

#include "common/encoding.h"
#include "common/time_format.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

// Rows are formatted into this buffer and handed to gzip in large slices.
constexpr size_t kFlushBytes = 256 * 1024;

// Byte classes of the key encoding (DESIGN.md §6): literal, space -> '+', or %XX.
constexpr std::array<uint8_t, 256> MakeLiteralTable() {
  std::array<uint8_t, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = 1;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = 1;
  for (int c = '0'; c <= '9'; ++c) table[c] = 1;
  for (char c : {'.', '-', '_', '*', '/'}) table[static_cast<uint8_t>(c)] = 1;
  return table;
}
constexpr std::array<uint8_t, 256> kLiteral = MakeLiteralTable();
constexpr char kHexUpper[] = "0123456789ABCDEF";

void AppendKeyEncoded(std::string* out, std::string_view key) {
  for (char ch : key) {
    auto c = static_cast<uint8_t>(ch);
    if (kLiteral[c]) {
      out->push_back(ch);
    } else if (c == ' ') {
      out->push_back('+');
    } else {
      char esc[3] = {'%', kHexUpper[c >> 4], kHexUpper[c & 0xf]};
      out->append(esc, 3);
    }
  }
}

// Other strings are quoted with embedded quotes doubled (RFC 4180).
void AppendQuotedContent(std::string* out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') {
      out->append(s.substr(start, i + 1 - start));
      out->push_back('"');
      start = i + 1;
    }
  }
  out->append(s.substr(start));
}

class CsvGzipWriter final : public ReportWriter {
 public:
  CsvGzipWriter(const Schema& schema, io::OutputStream* out)
      : schema_(schema), out_(out), gzip_(out) {
    buffer_.reserve(kFlushBytes + 64 * 1024);
  }

  Status Add(const RowBatch& batch) override {
    if (!status_.ok()) return status_;
    const size_t rows = batch.num_rows();
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < schema_.size(); ++c) {
        if (c > 0) buffer_.push_back(',');
        AppendCell(schema_[c], batch.column(c)[r]);
      }
      buffer_.push_back('\n');
      if (buffer_.size() >= kFlushBytes) {
        status_ = Flush();
        if (!status_.ok()) return status_;
      }
    }
    rows_ += rows;
    return Status::OK();
  }

  Status Finish() override {
    if (!status_.ok()) return status_;
    Status st = Flush();
    if (st.ok()) st = gzip_.Close();
    status_ = st.ok() ? Status::FailedPrecondition("writer already finished") : st;
    return st;
  }

  void Abandon() override { status_ = Status::Aborted("writer abandoned"); }
  uint64_t rows_written() const override { return rows_; }
  uint64_t EstimatedFileBytes() const override {
    // Inventory CSV compresses about 5:1 with igzip level 1; close enough for splitting.
    return out_->bytes_written() + buffer_.size() / 5;
  }

 private:
  void AppendCell(const Column& column, const Value& value) {
    buffer_.push_back('"');
    if (value.present) {
      switch (column.type) {
        case ColumnType::kString:
          if (column.url_encode_in_csv) {
            AppendKeyEncoded(&buffer_, value.string_value);
          } else {
            AppendQuotedContent(&buffer_, value.string_value);
          }
          break;
        case ColumnType::kBoolean:
          buffer_.append(value.int_value ? "true" : "false");
          break;
        case ColumnType::kInt64:
          if (value.int_value < 0) buffer_.push_back('-');
          AppendDecimal(&buffer_, value.int_value < 0 ? 0 - static_cast<uint64_t>(value.int_value)
                                                      : static_cast<uint64_t>(value.int_value));
          break;
        case ColumnType::kTimestampMillis:
          AppendIso8601Millis(&buffer_, value.int_value);
          break;
      }
    }
    buffer_.push_back('"');
  }

  Status Flush() {
    Status st = gzip_.Write(buffer_);
    buffer_.clear();
    return st;
  }

  Schema schema_;
  io::OutputStream* out_;
  io::GzipOutputStream gzip_;
  std::string buffer_;
  uint64_t rows_ = 0;
  Status status_;
};

}  // namespace

std::unique_ptr<ReportWriter> NewCsvGzipWriter(const Schema& schema, io::OutputStream* out,
                                               const WriterOptions&) {
  return std::make_unique<CsvGzipWriter>(schema, out);
}

}  // namespace stocktake::format
