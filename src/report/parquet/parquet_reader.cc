// Parquet data files (apache/parquet-format README "File format"): "PAR1", the column chunks of
// each row group, the Thrift compact FileMetaData, its 4-byte little-endian length, "PAR1".
// Only flat schemas (a root group of primitive required/optional leaves) are read: that is the
// shape of every inventory report (spec §5.1, §5.2).
#include <cstring>
#include <memory>
#include <string>

#include "report/parquet/column_chunk_reader.h"
#include "report/parquet/parquet_footer.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

using parquet::ColumnChunkReader;
using parquet::LeafColumn;
using parquet::PhysicalType;
using parquet::TimeUnit;

constexpr char kMagic[] = "PAR1";
constexpr uint64_t kMaxFooterBytes = 256 << 20;

const char* PhysicalName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "boolean";
    case PhysicalType::kInt32:
      return "int32";
    case PhysicalType::kInt64:
      return "int64";
    case PhysicalType::kInt96:
      return "int96";
    case PhysicalType::kFloat:
      return "float";
    case PhysicalType::kDouble:
      return "double";
    case PhysicalType::kByteArray:
      return "binary";
    case PhysicalType::kFixedLenByteArray:
      return "fixed_len_byte_array";
  }
  return "unknown";
}

const char* UnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
    case TimeUnit::kNone:
      break;
  }
  return "";
}

// The leaf as the reader decodes it, and its declaration in the parquet-mr spelling the manifest
// uses (spec §5.2), e.g. "optional int64 last_modified_date (TIMESTAMP(MILLIS,true))".
Result<LeafColumn> DescribeLeaf(const parquet::SchemaElement& e, SourceColumn* out) {
  LeafColumn leaf;
  leaf.name = e.name;
  leaf.type = *e.type;
  leaf.type_length = e.type_length;
  parquet::Repetition repetition = e.repetition.value_or(parquet::Repetition::kOptional);
  if (repetition == parquet::Repetition::kRepeated) {
    return Status::InvalidArgument("Parquet column " + e.name + " is repeated (not supported)");
  }
  leaf.max_definition_level = repetition == parquet::Repetition::kOptional ? 1 : 0;
  std::string annotation;
  switch (leaf.type) {
    case PhysicalType::kBoolean:
      leaf.kind = CellKind::kBool;
      break;
    case PhysicalType::kInt32:
      leaf.kind = CellKind::kInt;
      break;
    case PhysicalType::kInt64:
      leaf.kind = CellKind::kInt;
      leaf.timestamp_unit = e.timestamp_unit;
      if (leaf.timestamp_unit == TimeUnit::kNone && e.converted_type) {
        if (*e.converted_type == parquet::kConvertedTimestampMillis) {
          leaf.timestamp_unit = TimeUnit::kMillis;
        }
        if (*e.converted_type == parquet::kConvertedTimestampMicros) {
          leaf.timestamp_unit = TimeUnit::kMicros;
        }
      }
      if (leaf.timestamp_unit != TimeUnit::kNone) {
        leaf.kind = CellKind::kTimestamp;
        annotation = std::string("TIMESTAMP(") + UnitName(leaf.timestamp_unit) + "," +
                     (e.timestamp_unit == TimeUnit::kNone || e.timestamp_utc ? "true" : "false") +
                     ")";
      }
      break;
    case PhysicalType::kInt96:
      leaf.kind = CellKind::kTimestamp;
      break;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      leaf.kind = CellKind::kDouble;
      break;
    case PhysicalType::kByteArray:
      leaf.kind = e.logical_string || e.converted_type == parquet::kConvertedUtf8
                      ? CellKind::kString
                      : CellKind::kBinary;
      if (leaf.kind == CellKind::kString) annotation = "STRING";
      break;
    case PhysicalType::kFixedLenByteArray:
      if (e.type_length <= 0) {
        return Status::Corruption("Parquet column " + e.name + ": bad fixed length");
      }
      leaf.kind = CellKind::kBinary;
      break;
    default:
      return Status::Corruption("Parquet column " + e.name + ": unknown physical type " +
                                std::to_string(static_cast<int>(leaf.type)));
  }
  out->name = leaf.name;
  out->kind = leaf.kind;
  out->required = leaf.max_definition_level == 0;
  out->type_text = std::string(out->required ? "required " : "optional ") +
                   PhysicalName(leaf.type) + " " + leaf.name +
                   (annotation.empty() ? "" : " (" + annotation + ")");
  return leaf;
}

class ParquetReader final : public RowSource {
 public:
  explicit ParquetReader(ByteSource* source) : source_(source) {}

  Status Open() {
    ASSIGN_OR_RETURN(file_size_, source_->Size());
    if (file_size_ < 12) return Error("too short to be a Parquet file");
    std::string tail;
    RETURN_IF_ERROR(source_->ReadAt(file_size_ - 8, 8, &tail));
    if (std::memcmp(tail.data() + 4, kMagic, 4) != 0) return Error("no PAR1 magic at the end");
    uint32_t footer_size;
    std::memcpy(&footer_size, tail.data(), 4);
    if (footer_size > file_size_ - 12 || footer_size > kMaxFooterBytes) {
      return Error("footer length " + std::to_string(footer_size) + " out of range");
    }
    std::string head;
    RETURN_IF_ERROR(source_->ReadAt(0, 4, &head));
    if (head != kMagic) return Error("no PAR1 magic at the start");
    std::string footer;
    RETURN_IF_ERROR(source_->ReadAt(file_size_ - 8 - footer_size, footer_size, &footer));
    auto meta = parquet::DecodeFileMetaData(footer);
    if (!meta.ok()) return Error(meta.status().message());
    meta_ = std::move(*meta);
    return DescribeSchema();
  }

  const std::vector<SourceColumn>& columns() const override { return columns_; }
  std::optional<uint64_t> declared_rows() const override {
    return static_cast<uint64_t>(std::max<int64_t>(meta_.num_rows, 0));
  }

  Result<bool> Next(Row* row) override {
    while (rows_left_in_group_ == 0) {
      if (next_group_ >= meta_.row_groups.size()) return false;
      RETURN_IF_ERROR(LoadRowGroup(next_group_++));
    }
    row->resize(leaves_.size());
    for (size_t i = 0; i < chunks_.size(); ++i) {
      Status st = chunks_[i]->Next(&(*row)[i]);
      if (!st.ok()) return Error(st.message());
    }
    --rows_left_in_group_;
    return true;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Corruption(source_->name() + ": " + std::string(what));
  }

  Status DescribeSchema() {
    const auto& schema = meta_.schema;
    if (schema.empty()) return Error("empty schema");
    // The root group, then its children depth first (parquet.thrift SchemaElement).
    if (static_cast<size_t>(schema[0].num_children) != schema.size() - 1) {
      return Error("nested schema (only flat schemas are supported)");
    }
    for (size_t i = 1; i < schema.size(); ++i) {
      const parquet::SchemaElement& e = schema[i];
      if (!e.type || e.num_children != 0) return Error("nested column " + e.name);
      SourceColumn column;
      auto leaf = DescribeLeaf(e, &column);
      if (!leaf.ok()) return Error(leaf.status().message());
      leaves_.push_back(std::make_unique<LeafColumn>(std::move(*leaf)));
      columns_.push_back(std::move(column));
    }
    for (const auto& group : meta_.row_groups) {
      if (group.columns.size() != leaves_.size()) {
        return Error("row group with " + std::to_string(group.columns.size()) +
                     " columns, schema has " + std::to_string(leaves_.size()));
      }
      if (group.num_rows < 0) return Error("negative row count in a row group");
    }
    return Status::OK();
  }

  Status LoadRowGroup(size_t index) {
    const parquet::RowGroup& group = meta_.row_groups[index];
    chunks_.clear();
    for (size_t c = 0; c < group.columns.size(); ++c) {
      const parquet::ColumnMetaData& meta = group.columns[c];
      if (meta.type != leaves_[c]->type) {
        return Error("column chunk type differs from the schema for " + leaves_[c]->name);
      }
      // The chunk starts at its dictionary page when there is one (README "Metadata").
      int64_t start = meta.data_page_offset;
      if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
          *meta.dictionary_page_offset < start) {
        start = *meta.dictionary_page_offset;
      }
      int64_t length = meta.total_compressed_size;
      if (start < 4 || length < 0 || static_cast<uint64_t>(start) > file_size_ ||
          static_cast<uint64_t>(length) > file_size_ - static_cast<uint64_t>(start)) {
        return Error("column chunk of " + leaves_[c]->name + " outside the file");
      }
      std::string bytes;
      RETURN_IF_ERROR(
          source_->ReadAt(static_cast<uint64_t>(start), static_cast<uint64_t>(length), &bytes));
      chunks_.push_back(std::make_unique<ColumnChunkReader>(leaves_[c].get(), meta.codec,
                                                            meta.codec_value, std::move(bytes)));
    }
    rows_left_in_group_ = static_cast<uint64_t>(group.num_rows);
    return Status::OK();
  }

  ByteSource* source_;
  uint64_t file_size_ = 0;
  parquet::FileMetaData meta_;
  std::vector<std::unique_ptr<LeafColumn>> leaves_;
  std::vector<SourceColumn> columns_;
  std::vector<std::unique_ptr<ColumnChunkReader>> chunks_;
  size_t next_group_ = 0;
  uint64_t rows_left_in_group_ = 0;
};

}  // namespace

Result<std::unique_ptr<RowSource>> OpenParquet(ByteSource* source) {
  auto reader = std::make_unique<ParquetReader>(source);
  RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<RowSource>(std::move(reader));
}

}  // namespace stocktake::report
