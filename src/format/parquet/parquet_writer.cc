// ParquetWriter: the Parquet ReportWriter. File layout (apache/parquet-format README, "File
// Format"):
//   "PAR1" <row group>* <FileMetaData, Thrift compact> <4-byte LE footer length> "PAR1"
// Each row group holds one column chunk per schema column, in schema order. Rows are buffered
// column by column in ColumnWriters (encoded and compressed page by page) and a row group is
// written when its encoded size reaches WriterOptions::row_group_bytes. An empty report is
// "PAR1" + footer with zero row groups.
//
// The schema is AWS's (spec §5.2): root "s3.inventory", only the required columns (bucket, key)
// REQUIRED, strings BYTE_ARRAY + STRING (converted UTF8), timestamps INT64 + TIMESTAMP(MILLIS,
// isAdjustedToUTC) (converted TIMESTAMP_MILLIS).
#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "format/parquet/column_writer.h"
#include "format/parquet/parquet_metadata.h"
#include "format/parquet/plain_encoding.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace parquet {
namespace {

// On-disk constants: do not change.
constexpr std::string_view kMagic = "PAR1";
// parquet-mr's MessageType name for S3 Inventory; the root SchemaElement carries it.
constexpr std::string_view kRootName = "s3.inventory";
// Rows handed to the column writers between two row-group size checks: small enough that a row
// group overshoots its target by little, large enough to keep the columnar loops tight.
constexpr size_t kRowsPerSizeCheck = 1024;

SchemaElement LeafSchemaElement(const Column& column) {
  SchemaElement e;
  e.name = column.column_name;
  e.type = PhysicalType(column.type);
  e.repetition = column.required ? Repetition::kRequired : Repetition::kOptional;
  switch (column.type) {
    case ColumnType::kString:
      e.converted_type = ConvertedType::kUtf8;
      e.logical_type = LogicalType::kString;
      break;
    case ColumnType::kTimestampMillis:
      e.converted_type = ConvertedType::kTimestampMillis;
      e.logical_type = LogicalType::kTimestampMillisUtc;
      break;
    case ColumnType::kBoolean:
    case ColumnType::kInt64:
      break;
  }
  return e;
}

class ParquetWriter final : public ReportWriter {
 public:
  ParquetWriter(const Schema& schema, io::OutputStream* out, const WriterOptions& options)
      : out_(out), options_(options) {
    if (schema.empty()) status_ = Status::InvalidArgument("parquet: schema has no columns");
    metadata_.version = 1;
    metadata_.created_by = options.created_by;
    SchemaElement root;
    root.name = std::string(kRootName);
    root.num_children = static_cast<int32_t>(schema.size());
    metadata_.schema.push_back(std::move(root));
    for (const Column& column : schema) {
      metadata_.schema.push_back(LeafSchemaElement(column));
      columns_.push_back(std::make_unique<ColumnWriter>(column, options.page_bytes, &shared_));
    }
    metadata_.type_defined_order_columns = schema.size();
  }

  Status Add(const RowBatch& batch) override {
    RETURN_IF_ERROR(CheckWritable());
    if (batch.num_columns() != columns_.size()) {
      return Fail(Status::InvalidArgument("parquet: batch has " +
                                          std::to_string(batch.num_columns()) +
                                          " columns, schema " + std::to_string(columns_.size())));
    }
    const size_t rows = batch.num_rows();
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (batch.column(c).size() != rows) {
        return Fail(Status::InvalidArgument("parquet: batch columns differ in length"));
      }
    }
    for (size_t start = 0; start < rows; start += kRowsPerSizeCheck) {
      const size_t n = std::min(kRowsPerSizeCheck, rows - start);
      for (size_t c = 0; c < columns_.size(); ++c) {
        Status st = columns_[c]->Write(batch.column(c).data() + start, n);
        if (!st.ok()) return Fail(std::move(st));
      }
      rows_in_group_ += static_cast<int64_t>(n);
      rows_written_ += n;
      if (BufferedBytes() >= options_.row_group_bytes) RETURN_IF_ERROR(FlushRowGroup());
    }
    return Status::OK();
  }

  Status Finish() override {
    RETURN_IF_ERROR(CheckWritable());
    RETURN_IF_ERROR(FlushRowGroup());
    RETURN_IF_ERROR(WriteMagicOnce());
    std::string footer;
    metadata_.num_rows = static_cast<int64_t>(rows_written_);
    SerializeFileMetaData(metadata_, &footer);
    if (footer.size() > std::numeric_limits<uint32_t>::max()) {
      return Fail(Status::Internal("parquet: footer exceeds 4 GiB"));
    }
    AppendUint32LE(static_cast<uint32_t>(footer.size()), &footer);
    footer.append(kMagic);
    RETURN_IF_ERROR(WriteToFile(footer));
    finished_ = true;
    Status st = out_->Close();
    if (!st.ok()) return Fail(std::move(st));
    return Status::OK();
  }

  void Abandon() override {
    if (status_.ok()) status_ = Status::Aborted("parquet: writer abandoned");
  }

  uint64_t rows_written() const override { return rows_written_; }

  uint64_t EstimatedFileBytes() const override {
    uint64_t bytes = position_ == 0 ? kMagic.size() : position_;
    for (const auto& column : columns_) bytes += column->EstimatedFileBytes();
    // Footer: roughly 100 bytes of metadata per column chunk plus statistics.
    bytes += 256 + (metadata_.row_groups.size() + 1) * columns_.size() * 128;
    return bytes;
  }

 private:
  Status CheckWritable() {
    if (!status_.ok()) return status_;
    if (finished_) return Status::FailedPrecondition("parquet: writer already finished");
    return Status::OK();
  }

  Status Fail(Status st) {
    if (status_.ok()) status_ = st;
    return st;
  }

  uint64_t BufferedBytes() const {
    uint64_t bytes = 0;
    for (const auto& column : columns_) bytes += column->EstimatedUncompressedBytes();
    return bytes;
  }

  Status WriteToFile(std::string_view data) {
    Status st = out_->Write(data);
    if (!st.ok()) return Fail(std::move(st));
    position_ += data.size();
    return Status::OK();
  }

  Status WriteMagicOnce() {
    if (position_ > 0) return Status::OK();
    return WriteToFile(kMagic);
  }

  Status FlushRowGroup() {
    if (rows_in_group_ == 0) return Status::OK();
    RETURN_IF_ERROR(WriteMagicOnce());
    RowGroup group;
    group.num_rows = rows_in_group_;
    group.file_offset = static_cast<int64_t>(position_);
    const size_t index = metadata_.row_groups.size();
    group.ordinal = index <= static_cast<size_t>(std::numeric_limits<int16_t>::max())
                        ? static_cast<int16_t>(index)
                        : -1;
    group.columns.resize(columns_.size());
    for (size_t c = 0; c < columns_.size(); ++c) {
      ColumnChunk& chunk = group.columns[c];
      Status st = columns_[c]->FinishChunk(static_cast<int64_t>(position_), out_, &chunk);
      if (!st.ok()) return Fail(std::move(st));
      position_ += static_cast<uint64_t>(chunk.meta_data.total_compressed_size);
      group.total_byte_size += chunk.meta_data.total_uncompressed_size;
      group.total_compressed_size += chunk.meta_data.total_compressed_size;
    }
    metadata_.row_groups.push_back(std::move(group));
    rows_in_group_ = 0;
    return Status::OK();
  }

  io::OutputStream* out_;  // not owned
  const WriterOptions options_;
  SharedBuffers shared_;  // before columns_, which use it
  std::vector<std::unique_ptr<ColumnWriter>> columns_;
  FileMetaData metadata_;
  Status status_;  // first error, sticky
  bool finished_ = false;
  uint64_t position_ = 0;  // bytes written to out_: the file offset of the next byte
  int64_t rows_in_group_ = 0;
  uint64_t rows_written_ = 0;
};

}  // namespace
}  // namespace parquet

std::unique_ptr<ReportWriter> NewParquetWriter(const Schema& schema, io::OutputStream* out,
                                               const WriterOptions& options) {
  return std::make_unique<parquet::ParquetWriter>(schema, out, options);
}

}  // namespace stocktake::format
