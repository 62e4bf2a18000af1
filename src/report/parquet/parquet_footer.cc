// Field ids and types below are those of apache/parquet-format parquet.thrift.
#include "report/parquet/parquet_footer.h"

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

// Calls on_element() for each element of a list whose header comes next.
template <typename F>
void ReadList(R& r, CompactType expected, F&& on_element) {
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

void ReadTimeUnit(R& r, TimeUnit* unit) {
  // union TimeUnit { 1: MILLIS, 2: MICROS, 3: NANOS } of empty structs.
  ReadStruct(r, [&](int16_t id, CompactType type) {
    if (id == 1) *unit = TimeUnit::kMillis;
    if (id == 2) *unit = TimeUnit::kMicros;
    if (id == 3) *unit = TimeUnit::kNanos;
    r.Skip(type);
  });
}

void ReadLogicalType(R& r, SchemaElement* e) {
  ReadStruct(r, [&](int16_t id, CompactType type) {
    if ((id == 1 || id == 4 || id == 12) && type == CompactType::kStruct) {
      e->logical_string = true;  // STRING, ENUM, JSON: UTF-8 text
      r.Skip(type);
    } else if (id == 8 && type == CompactType::kStruct) {
      // struct TimestampType { 1: required bool isAdjustedToUTC; 2: required TimeUnit unit }
      ReadStruct(r, [&](int16_t tid, CompactType ttype) {
        if (tid == 1 && (ttype == CompactType::kBoolTrue || ttype == CompactType::kBoolFalse)) {
          e->timestamp_utc = r.ReadBool(ttype);
        } else if (tid == 2 && ttype == CompactType::kStruct) {
          ReadTimeUnit(r, &e->timestamp_unit);
        } else {
          r.Skip(ttype);
        }
      });
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
        if (type == CompactType::kStruct) {
          ReadLogicalType(r, e);
        } else {
          r.Skip(type);
        }
        break;
      default:
        r.Skip(type);
    }
  });
}

void ReadColumnMetaData(R& r, ColumnMetaData* c) {
  ReadStruct(r, [&](int16_t id, CompactType type) {
    switch (id) {
      case 1:
        c->type = static_cast<PhysicalType>(r.ReadI32());
        break;
      case 3:
        if (type != CompactType::kList) {
          r.Skip(type);
          break;
        }
        ReadList(r, CompactType::kBinary, [&] { c->path_in_schema.emplace_back(r.ReadBinary()); });
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
    if (id == 1 && type == CompactType::kList) {
      ReadList(r, CompactType::kStruct, [&] {
        ColumnMetaData& c = g->columns.emplace_back();
        // struct ColumnChunk { 1: file_path, 2: file_offset, 3: meta_data, ... }
        ReadStruct(r, [&](int16_t cid, CompactType ctype) {
          if (cid == 3 && ctype == CompactType::kStruct) {
            ReadColumnMetaData(r, &c);
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
        if (type != CompactType::kList) {
          r.Skip(type);
          break;
        }
        ReadList(r, CompactType::kStruct, [&] { ReadSchemaElement(r, &m.schema.emplace_back()); });
        break;
      case 3:
        m.num_rows = r.ReadI64();
        break;
      case 4:
        if (type != CompactType::kList) {
          r.Skip(type);
          break;
        }
        ReadList(r, CompactType::kStruct, [&] { ReadRowGroup(r, &m.row_groups.emplace_back()); });
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
        if (type != CompactType::kStruct) {
          r.Skip(type);
          break;
        }
        ReadStruct(r, [&](int16_t did, CompactType dtype) {
          switch (did) {
            case 1:
              h.data_page.num_values = r.ReadI32();
              break;
            case 2:
              h.data_page.encoding = static_cast<Encoding>(r.ReadI32());
              break;
            case 3:
              h.data_page.definition_level_encoding = static_cast<Encoding>(r.ReadI32());
              break;
            case 4:
              h.data_page.repetition_level_encoding = static_cast<Encoding>(r.ReadI32());
              break;
            default:
              r.Skip(dtype);
          }
        });
        break;
      case 7:
        if (type != CompactType::kStruct) {
          r.Skip(type);
          break;
        }
        ReadStruct(r, [&](int16_t did, CompactType dtype) {
          switch (did) {
            case 1:
              h.dictionary_page.num_values = r.ReadI32();
              break;
            case 2:
              h.dictionary_page.encoding = static_cast<Encoding>(r.ReadI32());
              break;
            default:
              r.Skip(dtype);
          }
        });
        break;
      case 8:
        if (type != CompactType::kStruct) {
          r.Skip(type);
          break;
        }
        ReadStruct(r, [&](int16_t did, CompactType dtype) {
          DataPageHeaderV2& v2 = h.data_page_v2;
          switch (did) {
            case 1:
              v2.num_values = r.ReadI32();
              break;
            case 2:
              v2.num_nulls = r.ReadI32();
              break;
            case 3:
              v2.num_rows = r.ReadI32();
              break;
            case 4:
              v2.encoding = static_cast<Encoding>(r.ReadI32());
              break;
            case 5:
              v2.definition_levels_byte_length = r.ReadI32();
              break;
            case 6:
              v2.repetition_levels_byte_length = r.ReadI32();
              break;
            case 7:
              v2.is_compressed = r.ReadBool(dtype);
              break;
            default:
              r.Skip(dtype);
          }
        });
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
