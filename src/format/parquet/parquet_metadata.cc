// Thrift compact serialization of the Parquet footer and page headers. Field ids are those of
// apache/parquet-format parquet.thrift; they are on-disk constants: do not change. Fields are
// written in increasing id order (the compact protocol's field header holds the id delta).
#include "format/parquet/parquet_metadata.h"

#include <cassert>

#include "format/parquet/thrift_compact.h"

namespace stocktake::format::parquet {
namespace {

int32_t E(auto value) { return static_cast<int32_t>(value); }

// The fields of a Statistics struct; the caller opens and closes the struct.
void WriteStatisticsFields(const Statistics& stats, ThriftCompactWriter* w) {
  if (stats.has_min_max && stats.write_deprecated_min_max) {
    w->BinaryField(1, stats.max_value);  // max (deprecated, signed order)
    w->BinaryField(2, stats.min_value);  // min (deprecated, signed order)
  }
  w->I64Field(3, stats.null_count);
  if (stats.has_min_max) {
    w->BinaryField(5, stats.max_value);
    w->BinaryField(6, stats.min_value);
    w->BoolField(7, true);  // is_max_value_exact: we never truncate
    w->BoolField(8, true);  // is_min_value_exact
  }
}

void WriteSchemaElement(const SchemaElement& e, ThriftCompactWriter* w) {
  w->BeginStruct();
  if (e.type) w->EnumField(1, E(*e.type));
  if (e.repetition) w->EnumField(3, E(*e.repetition));
  w->BinaryField(4, e.name);
  if (e.num_children) w->I32Field(5, *e.num_children);
  if (e.converted_type) w->EnumField(6, E(*e.converted_type));
  switch (e.logical_type) {
    case LogicalType::kNone:
      break;
    case LogicalType::kString:
      w->StructField(10);  // logicalType
      w->StructField(1);   // STRING: StringType {}
      w->EndStruct();
      w->EndStruct();
      break;
    case LogicalType::kTimestampMillisUtc:
      w->StructField(10);     // logicalType
      w->StructField(8);      // TIMESTAMP: TimestampType
      w->BoolField(1, true);  // isAdjustedToUTC
      w->StructField(2);      // unit: TimeUnit
      w->StructField(1);      // MILLIS: MilliSeconds {}
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      break;
  }
  w->EndStruct();
}

void WriteColumnMetaData(const ColumnMetaData& m, ThriftCompactWriter* w) {
  w->EnumField(1, E(m.type));
  w->ListField(2, CompactType::kI32, static_cast<int32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w->I32Element(E(e));
  w->ListField(3, CompactType::kBinary, 1);
  w->BinaryElement(m.path_in_schema);
  w->EnumField(4, E(m.codec));
  w->I64Field(5, m.num_values);
  w->I64Field(6, m.total_uncompressed_size);
  w->I64Field(7, m.total_compressed_size);
  w->I64Field(9, m.data_page_offset);
  if (m.dictionary_page_offset) w->I64Field(11, *m.dictionary_page_offset);
  w->StructField(12);  // statistics
  WriteStatisticsFields(m.statistics, w);
  w->EndStruct();
  if (!m.encoding_stats.empty()) {
    w->ListField(13, CompactType::kStruct, static_cast<int32_t>(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      w->BeginStruct();
      w->EnumField(1, E(s.page_type));
      w->EnumField(2, E(s.encoding));
      w->I32Field(3, s.count);
      w->EndStruct();
    }
  }
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.EnumField(1, E(h.type));
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  if (h.type == PageType::kDataPage) {
    w.StructField(5);  // data_page_header
    w.I32Field(1, h.data.num_values);
    w.EnumField(2, E(h.data.encoding));
    w.EnumField(3, E(h.data.definition_level_encoding));
    w.EnumField(4, E(h.data.repetition_level_encoding));
    if (h.data.statistics != nullptr) {
      w.StructField(5);  // statistics
      WriteStatisticsFields(*h.data.statistics, &w);
      w.EndStruct();
    }
    w.EndStruct();
  } else {
    w.StructField(7);  // dictionary_page_header
    w.I32Field(1, h.dictionary.num_values);
    w.EnumField(2, E(h.dictionary.encoding));
    w.BoolField(3, h.dictionary.is_sorted);
    w.EndStruct();
  }
  w.EndStruct();
  assert(w.depth() == 0);
}

void SerializeFileMetaData(const FileMetaData& f, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.I32Field(1, f.version);
  w.ListField(2, CompactType::kStruct, static_cast<int32_t>(f.schema.size()));
  for (const SchemaElement& e : f.schema) WriteSchemaElement(e, &w);
  w.I64Field(3, f.num_rows);
  w.ListField(4, CompactType::kStruct, static_cast<int32_t>(f.row_groups.size()));
  for (const RowGroup& rg : f.row_groups) {
    w.BeginStruct();
    w.ListField(1, CompactType::kStruct, static_cast<int32_t>(rg.columns.size()));
    for (const ColumnChunk& chunk : rg.columns) {
      w.BeginStruct();
      w.I64Field(2, chunk.file_offset);
      w.StructField(3);  // meta_data
      WriteColumnMetaData(chunk.meta_data, &w);
      w.EndStruct();
      w.EndStruct();
    }
    w.I64Field(2, rg.total_byte_size);
    w.I64Field(3, rg.num_rows);
    w.I64Field(5, rg.file_offset);
    w.I64Field(6, rg.total_compressed_size);
    if (rg.ordinal >= 0) w.I16Field(7, rg.ordinal);
    w.EndStruct();
  }
  w.BinaryField(6, f.created_by);
  w.ListField(7, CompactType::kStruct, static_cast<int32_t>(f.type_defined_order_columns));
  for (size_t i = 0; i < f.type_defined_order_columns; ++i) {
    w.BeginStruct();   // ColumnOrder (union)
    w.StructField(1);  // TYPE_ORDER: TypeDefinedOrder {}
    w.EndStruct();
    w.EndStruct();
  }
  w.EndStruct();
  assert(w.depth() == 0);
}

}  // namespace stocktake::format::parquet
