// CSV.gz data files (spec §4): gzip (possibly several members, spec §3.2), no header row, every
// field double-quoted, comma-separated, LF line endings. The parser follows RFC 4180 and is lenient
// where readers are expected to be: unquoted fields, CR LF endings and blank lines (AWS writes
// trailing blank lines, spec §3.2) are accepted. A stray quote inside an unquoted field, text after
// a closing quote or an unterminated quoted field is Corruption.
#include <string>
#include <string_view>

#include "report/decompress.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

constexpr uint64_t kChunkBytes = 1 << 20;

class CsvGzReader final : public RowSource {
 public:
  explicit CsvGzReader(ByteSource* source) : source_(source), input_(source, kChunkBytes) {}

  const std::vector<SourceColumn>& columns() const override { return columns_; }
  std::optional<uint64_t> declared_rows() const override { return std::nullopt; }

  Result<bool> Next(Row* row) override {
    if (!status_.ok()) return status_;
    fields_used_ = 0;
    while (true) {
      if (pos_ == text_.size()) {
        Status st = Refill();
        if (!st.ok()) return status_ = st;
        if (pos_ == text_.size()) {  // end of the data
          if (state_ == State::kQuoted) {
            return status_ = Error("unterminated quoted field at the end of the file");
          }
          if (state_ == State::kFieldStart && fields_used_ == 0) return false;
          EndField();
          state_ = State::kFieldStart;
          return EmitRecord(row);
        }
      }
      char c = text_[pos_++];
      switch (state_) {
        case State::kFieldStart:
          if (c == '"') {
            state_ = State::kQuoted;
          } else if (c == ',') {
            EndField();
          } else if (c == '\n') {
            if (fields_used_ == 0) {  // blank line
              ++line_;
              continue;
            }
            EndField();
            ++line_;
            return EmitRecord(row);
          } else if (c == '\r') {
            state_ = State::kCarriageReturn;
          } else {
            field_.push_back(c);
            state_ = State::kUnquoted;
          }
          break;
        case State::kUnquoted:
          if (c == ',') {
            EndField();
            state_ = State::kFieldStart;
          } else if (c == '\n') {
            EndField();
            state_ = State::kFieldStart;
            ++line_;
            return EmitRecord(row);
          } else if (c == '\r') {
            state_ = State::kCarriageReturn;
          } else if (c == '"') {
            return status_ = Error("quote inside an unquoted field");
          } else {
            field_.push_back(c);
          }
          break;
        case State::kQuoted:
          if (c == '"') {
            state_ = State::kQuoteInQuoted;
          } else {
            if (c == '\n') ++line_;
            field_.push_back(c);
          }
          break;
        case State::kQuoteInQuoted:  // RFC 4180 §2.7: "" is an escaped quote
          if (c == '"') {
            field_.push_back('"');
            state_ = State::kQuoted;
          } else if (c == ',') {
            EndField();
            state_ = State::kFieldStart;
          } else if (c == '\n') {
            EndField();
            state_ = State::kFieldStart;
            ++line_;
            return EmitRecord(row);
          } else if (c == '\r') {
            state_ = State::kCarriageReturn;
          } else {
            return status_ = Error("text after a closing quote");
          }
          break;
        case State::kCarriageReturn:
          if (c != '\n') return status_ = Error("carriage return not followed by a line feed");
          state_ = State::kFieldStart;
          ++line_;
          if (fields_used_ == 0 && field_.empty()) continue;  // blank CR LF line
          EndField();
          return EmitRecord(row);
      }
    }
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kCarriageReturn };

  Status Error(std::string_view what) const {
    return Status::Corruption(source_->name() + ": line " + std::to_string(line_) + ": " +
                              std::string(what));
  }

  Status Refill() {
    text_.clear();
    pos_ = 0;
    while (text_.empty() && !input_done_) {
      Status st = input_.Next(&chunk_);
      if (!st.ok()) return st;
      if (chunk_.empty()) {
        input_done_ = true;
        st = inflater_.Finish();
        if (!st.ok()) return st.WithContext(source_->name());
        break;
      }
      st = inflater_.Feed(chunk_, &text_);
      if (!st.ok()) return st.WithContext(source_->name());
    }
    return Status::OK();
  }

  void EndField() {
    if (fields_used_ == record_.size()) record_.emplace_back();
    record_[fields_used_++].swap(field_);
    field_.clear();
  }

  bool EmitRecord(Row* row) {
    row->resize(fields_used_);
    for (size_t i = 0; i < fields_used_; ++i) (*row)[i].SetString(record_[i]);
    return true;
  }

  ByteSource* source_;
  SequentialReader input_;
  GzipStreamInflater inflater_;
  std::vector<SourceColumn> columns_;
  std::string chunk_;
  std::string text_;  // decompressed text not yet parsed, from pos_
  size_t pos_ = 0;
  bool input_done_ = false;
  State state_ = State::kFieldStart;
  std::string field_;
  std::vector<std::string> record_;  // reused field buffers
  size_t fields_used_ = 0;
  uint64_t line_ = 1;
  Status status_;
};

}  // namespace

std::unique_ptr<RowSource> OpenCsvGz(ByteSource* source) {
  return std::make_unique<CsvGzReader>(source);
}

}  // namespace stocktake::report
