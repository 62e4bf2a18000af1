// Field ids and types below are those of apache/parquet-format parquet.thrift.
#include "report/parquet/parquet_footer.h"

#include <utility>

#include "report/parquet/thrift_reader.h"

namespace stocktake::report::parquet {
namespace {

using R = ThriftCompactReader;

// Reads a struct, calling on_field(id, type) for each field; on_field skips what it ignores.
template <typename F>
void ReadStruct(R& r, F&& on_field) {
  r.BeginStruct();
  int16_t id;
  CompactType type;
  while (r.NextField(&id, &type)) on_field(id, type);
  r.EndStruct();
}

// Reads a field that should hold a struct; a field of another type is skipped, not misread.
template <typename F>
void ReadNestedStruct(R& r, CompactType field_type, F&& on_field) {
  if (field_type != CompactType::kStruct) {
    r.Skip(field_type);
    return;
  }
  ReadStruct(r, std::forward<F>(on_field));
}

// Reads a field that should hold a list, calling on_element() for each element of the expected
// type; other elements, and a field that is not a list, are skipped.
template <typename F>
void ReadNestedList(R& r, CompactType field_type, CompactType expected, F&& on_element) {
  if (field_type != CompactType::kList) {
    r.Skip(field_type);
    return;
  }
  CompactType element;
  uint32_t size;
  r.ReadListHeader(&element, &size);
  if (!r.ok()) return;
  for (uint32_t i = 0; i < size && r.ok(); ++i) {
    if (element == expected) {
      on_element();
    } else {
      r.Skip(element);
    }
  }
}

void ReadTimeUnit(R& r, CompactType field_type, TimeUnit* unit) {
  // union TimeUnit { 1: MILLIS, 2: MICROS, 3: NANOS } of empty structs.
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    if (id == 1) *unit = TimeUnit::kMillis;
    if (id == 2) *unit = TimeUnit::kMicros;
    if (id == 3) *unit = TimeUnit::kNanos;
    r.Skip(type);
  });
}

void ReadTimestampType(R& r, CompactType field_type, SchemaElement* e) {
  // struct TimestampType { 1: required bool isAdjustedToUTC; 2: required TimeUnit unit }
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    if (id == 1 && (type == CompactType::kBoolTrue || type == CompactType::kBoolFalse)) {
      e->timestamp_utc = r.ReadBool(type);
    } else if (id == 2) {
      ReadTimeUnit(r, type, &e->timestamp_unit);
    } else {
      r.Skip(type);
    }
  });
}

void ReadLogicalType(R& r, CompactType field_type, SchemaElement* e) {
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    if ((id == 1 || id == 4 || id == 12) && type == CompactType::kStruct) {
      e->logical_string = true;  // STRING, ENUM, JSON: UTF-8 text
      r.Skip(type);
    } else if (id == 8) {
      ReadTimestampType(r, type, e);
    } else {
      r.Skip(type);
    }
  });
}

void ReadSchemaElement(R& r, SchemaElement* e) {
  ReadStruct(r, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        e->type = static_cast<PhysicalType>(r.ReadI32());
        break;
      case 2:
        e->type_length = r.ReadI32();
        break;
      case 3:
        e->repetition = static_cast<Repetition>(r.ReadI32());
        break;
      case 4:
        e->name = std::string(r.ReadBinary());
        break;
      case 5:
        e->num_children = r.ReadI32();
        break;
      case 6:
        e->converted_type = r.ReadI32();
        break;
      case 10:
        ReadLogicalType(r, type, e);
        break;
      default:
        r.Skip(type);
    }
  });
}

void ReadColumnMetaData(R& r, CompactType field_type, ColumnMetaData* c) {
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        c->type = static_cast<PhysicalType>(r.ReadI32());
        break;
      case 3:
        ReadNestedList(r, type, CompactType::kBinary,
                       [&] { c->path_in_schema.emplace_back(r.ReadBinary()); });
        break;
      case 4:
        c->codec_value = r.ReadI32();
        c->codec = static_cast<Codec>(c->codec_value);
        break;
      case 5:
        c->num_values = r.ReadI64();
        break;
      case 7:
        c->total_compressed_size = r.ReadI64();
        break;
      case 9:
        c->data_page_offset = r.ReadI64();
        break;
      case 11:
        c->dictionary_page_offset = r.ReadI64();
        break;
      default:
        r.Skip(type);
    }
  });
}

void ReadRowGroup(R& r, RowGroup* g) {
  ReadStruct(r, [&](int16_t id, CompactType type) {
    if (id == 1) {
      ReadNestedList(r, type, CompactType::kStruct, [&] {
        ColumnMetaData& c = g->columns.emplace_back();
        // struct ColumnChunk { 1: file_path, 2: file_offset, 3: meta_data, ... }
        ReadStruct(r, [&](int16_t cid, CompactType ctype) {
          if (cid == 3) {
            ReadColumnMetaData(r, ctype, &c);
          } else {
            r.Skip(ctype);
          }
        });
      });
    } else if (id == 3) {
      g->num_rows = r.ReadI64();
    } else {
      r.Skip(type);
    }
  });
}

void ReadDataPageHeader(R& r, CompactType field_type, DataPageHeader* page) {
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        page->num_values = r.ReadI32();
        break;
      case 2:
        page->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 3:
        page->definition_level_encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 4:
        page->repetition_level_encoding = static_cast<Encoding>(r.ReadI32());
        break;
      default:
        r.Skip(type);
    }
  });
}

void ReadDictionaryPageHeader(R& r, CompactType field_type, DictionaryPageHeader* dictionary) {
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        dictionary->num_values = r.ReadI32();
        break;
      case 2:
        dictionary->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      default:
        r.Skip(type);
    }
  });
}

void ReadDataPageHeaderV2(R& r, CompactType field_type, DataPageHeaderV2* v2) {
  ReadNestedStruct(r, field_type, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        v2->num_values = r.ReadI32();
        break;
      case 2:
        v2->num_nulls = r.ReadI32();
        break;
      case 3:
        v2->num_rows = r.ReadI32();
        break;
      case 4:
        v2->encoding = static_cast<Encoding>(r.ReadI32());
        break;
      case 5:
        v2->definition_levels_byte_length = r.ReadI32();
        break;
      case 6:
        v2->repetition_levels_byte_length = r.ReadI32();
        break;
      case 7:
        v2->is_compressed = r.ReadBool(type);
        break;
      default:
        r.Skip(type);
    }
  });
}

}  // namespace

Result<FileMetaData> DecodeFileMetaData(std::string_view bytes) {
  R r(bytes);
  FileMetaData m;
  ReadStruct(r, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        m.version = r.ReadI32();
        break;
      case 2:
        ReadNestedList(r, type, CompactType::kStruct,
                       [&] { ReadSchemaElement(r, &m.schema.emplace_back()); });
        break;
      case 3:
        m.num_rows = r.ReadI64();
        break;
      case 4:
        ReadNestedList(r, type, CompactType::kStruct,
                       [&] { ReadRowGroup(r, &m.row_groups.emplace_back()); });
        break;
      case 6:
        m.created_by = std::string(r.ReadBinary());
        break;
      default:
        r.Skip(type);
    }
  });
  if (!r.ok()) return r.status().WithContext("Parquet footer");
  return m;
}

Result<PageHeader> DecodePageHeader(std::string_view bytes, size_t* header_size) {
  R r(bytes);
  PageHeader h;
  ReadStruct(r, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        h.type_value = r.ReadI32();
        break;
      case 2:
        h.uncompressed_page_size = r.ReadI32();
        break;
      case 3:
        h.compressed_page_size = r.ReadI32();
        break;
      case 5:
        ReadDataPageHeader(r, type, &h.data_page);
        break;
      case 7:
        ReadDictionaryPageHeader(r, type, &h.dictionary_page);
        break;
      case 8:
        ReadDataPageHeaderV2(r, type, &h.data_page_v2);
        break;
      default:
        r.Skip(type);
    }
  });
  if (!r.ok()) return r.status().WithContext("Parquet page header");
  *header_size = r.position();
  return h;
}

}  // namespace stocktake::report::parquet
