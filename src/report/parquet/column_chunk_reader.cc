#include "report/parquet/column_chunk_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "report/decompress.h"
#include "report/parquet/delta_decoder.h"
#include "report/parquet/rle_decoder.h"

namespace stocktake::report::parquet {
namespace {

// Upper bound on one decompressed page: far above what writers produce (parquet-mr and DuckDB
// default to 1 MiB pages), low enough that a corrupt header cannot exhaust memory.
constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
// Values in one page, nulls included: writers use pages of thousands to a few hundred thousand
// values; RLE levels could otherwise make a tiny corrupt page claim billions.
constexpr int32_t kMaxPageValues = 1 << 24;

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian hosts only (x86-64, aarch64), as the rest of Stocktake
}
uint64_t LoadLe64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// INT96 timestamps (legacy Impala/Hive): 8 bytes of nanoseconds within the day, then a 4-byte
// Julian day number; Julian day 2440588 is 1970-01-01.
int64_t Int96ToEpochNanos(const char* p) {
  int64_t nanos_of_day = static_cast<int64_t>(LoadLe64(p));
  int64_t julian_day = static_cast<int32_t>(LoadLe32(p + 8));
  return (julian_day - 2440588) * 86'400'000'000'000 + nanos_of_day;
}

}  // namespace

void SetTimestampCell(int64_t value, TimeUnit unit, Cell* cell) {
  int64_t per_second = unit == TimeUnit::kMillis   ? 1000
                       : unit == TimeUnit::kMicros ? 1'000'000
                                                   : 1'000'000'000;
  int64_t seconds = value / per_second, rest = value % per_second;
  if (rest < 0) rest += per_second, seconds -= 1;
  cell->SetTimestamp(seconds, static_cast<int32_t>(rest * (1'000'000'000 / per_second)));
}

ColumnChunkReader::ColumnChunkReader(const LeafColumn* column, Codec codec, int32_t codec_value,
                                     std::string chunk)
    : column_(column), codec_(codec), codec_value_(codec_value), chunk_(std::move(chunk)) {}

Status ColumnChunkReader::Error(std::string_view what) const {
  return Status::Corruption("column " + column_->name + ": " + std::string(what));
}

Status ColumnChunkReader::Decompress(std::string_view in, size_t uncompressed_size,
                                     std::string* out) {
  // Compression.md: SNAPPY is the raw block format, GZIP is RFC 1952.
  switch (codec_) {
    case Codec::kUncompressed:
      if (in.size() != uncompressed_size) return Error("uncompressed page size mismatch");
      out->assign(in);
      return Status::OK();
    case Codec::kSnappy: {
      Status st = SnappyUncompress(in, uncompressed_size, out);
      if (!st.ok()) return Error(st.message());
      if (out->size() != uncompressed_size) return Error("snappy page size mismatch");
      return Status::OK();
    }
    case Codec::kGzip: {
      Status st = GunzipExact(in, uncompressed_size, out);
      if (!st.ok()) return Error(st.message());
      return Status::OK();
    }
  }
  return Error("unsupported compression codec " + std::to_string(codec_value_) +
               " (supported: UNCOMPRESSED, SNAPPY, GZIP)");
}

Status ColumnChunkReader::DecodePlain(std::string_view data, size_t count,
                                      std::vector<int64_t>* ints, std::vector<double>* doubles,
                                      std::vector<std::string_view>* bytes) const {
  // Encodings.md, "Plain (PLAIN = 0)".
  auto need = [&](size_t n) -> Status {
    if (data.size() < n) return Error("PLAIN values end early");
    return Status::OK();
  };
  switch (column_->type) {
    case PhysicalType::kBoolean: {  // bit-packed, least significant bit first
      RETURN_IF_ERROR(need((count + 7) / 8));
      for (size_t i = 0; i < count; ++i) {
        ints->push_back((static_cast<uint8_t>(data[i / 8]) >> (i % 8)) & 1);
      }
      return Status::OK();
    }
    case PhysicalType::kInt32:
      RETURN_IF_ERROR(need(count * 4));
      for (size_t i = 0; i < count; ++i) {
        ints->push_back(static_cast<int32_t>(LoadLe32(data.data() + 4 * i)));
      }
      return Status::OK();
    case PhysicalType::kInt64:
      RETURN_IF_ERROR(need(count * 8));
      for (size_t i = 0; i < count; ++i) {
        ints->push_back(static_cast<int64_t>(LoadLe64(data.data() + 8 * i)));
      }
      return Status::OK();
    case PhysicalType::kInt96:
      RETURN_IF_ERROR(need(count * 12));
      for (size_t i = 0; i < count; ++i) ints->push_back(Int96ToEpochNanos(data.data() + 12 * i));
      return Status::OK();
    case PhysicalType::kFloat:
      RETURN_IF_ERROR(need(count * 4));
      for (size_t i = 0; i < count; ++i) {
        float f;
        std::memcpy(&f, data.data() + 4 * i, 4);
        doubles->push_back(f);
      }
      return Status::OK();
    case PhysicalType::kDouble:
      RETURN_IF_ERROR(need(count * 8));
      for (size_t i = 0; i < count; ++i) {
        double d;
        std::memcpy(&d, data.data() + 8 * i, 8);
        doubles->push_back(d);
      }
      return Status::OK();
    case PhysicalType::kByteArray: {  // 4-byte little-endian length, then the bytes
      size_t pos = 0;
      for (size_t i = 0; i < count; ++i) {
        if (data.size() - pos < 4) return Error("PLAIN byte array length past the end");
        uint32_t length = LoadLe32(data.data() + pos);
        pos += 4;
        if (data.size() - pos < length) return Error("PLAIN byte array past the end");
        bytes->push_back(data.substr(pos, length));
        pos += length;
      }
      return Status::OK();
    }
    case PhysicalType::kFixedLenByteArray: {
      size_t width = static_cast<size_t>(column_->type_length);
      RETURN_IF_ERROR(need(count * width));
      for (size_t i = 0; i < count; ++i) bytes->push_back(data.substr(i * width, width));
      return Status::OK();
    }
  }
  return Error("unknown physical type");
}

Status ColumnChunkReader::ReadDictionary(const PageHeader& header, std::string_view body) {
  if (has_dictionary_) return Error("second dictionary page in a column chunk");
  Encoding encoding = header.dictionary_page.encoding;
  // Encodings.md: dictionary pages are PLAIN (PLAIN_DICTIONARY in files of format 1.0).
  if (encoding != Encoding::kPlain && encoding != Encoding::kPlainDictionary) {
    return Error("dictionary page encoding " + std::to_string(static_cast<int>(encoding)));
  }
  if (header.dictionary_page.num_values < 0 || header.dictionary_page.num_values > kMaxPageValues) {
    return Error("dictionary size out of range");
  }
  RETURN_IF_ERROR(
      Decompress(body, static_cast<size_t>(header.uncompressed_page_size), &dict_buffer_));
  has_dictionary_ = true;
  return DecodePlain(dict_buffer_, static_cast<size_t>(header.dictionary_page.num_values),
                     &dict_ints_, &dict_doubles_, &dict_bytes_);
}

Status ColumnChunkReader::DecodeLevels(std::string_view data, int32_t num_values) {
  defined_.clear();
  if (column_->max_definition_level == 0) return Status::OK();
  // Levels of a column whose max level is 1 take 1 bit each.
  RleBitPackedDecoder decoder(data, 1);
  for (int32_t i = 0; i < num_values; ++i) {
    uint32_t level;
    if (!decoder.Next(&level)) {
      return decoder.status().ok() ? Error("definition levels end early")
                                   : Error(decoder.status().message());
    }
    defined_.push_back(level == 1 ? 1 : 0);
  }
  return Status::OK();
}

Status ColumnChunkReader::DecodeValues(Encoding encoding, std::string_view data, size_t count) {
  ints_.clear();
  doubles_.clear();
  bytes_.clear();
  switch (encoding) {
    case Encoding::kPlain:
      return DecodePlain(data, count, &ints_, &doubles_, &bytes_);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      // Encodings.md, "Dictionary Encoding": one byte of bit width, then RLE/bit-packed indices.
      if (!has_dictionary_) return Error("dictionary-encoded page without a dictionary page");
      if (count == 0) return Status::OK();
      if (data.empty()) return Error("dictionary indices missing");
      int bit_width = static_cast<uint8_t>(data[0]);
      if (bit_width > 32) return Error("dictionary index bit width " + std::to_string(bit_width));
      RleBitPackedDecoder decoder(data.substr(1), bit_width);
      size_t dict_size = dict_ints_.size() + dict_doubles_.size() + dict_bytes_.size();
      for (size_t i = 0; i < count; ++i) {
        uint32_t index;
        if (!decoder.Next(&index)) {
          return decoder.status().ok() ? Error("dictionary indices end early")
                                       : Error(decoder.status().message());
        }
        if (index >= dict_size) return Error("dictionary index out of range");
        if (!dict_ints_.empty()) ints_.push_back(dict_ints_[index]);
        if (!dict_doubles_.empty()) doubles_.push_back(dict_doubles_[index]);
        if (!dict_bytes_.empty()) bytes_.push_back(dict_bytes_[index]);
      }
      return Status::OK();
    }
    case Encoding::kRle: {
      // Encodings.md: RLE booleans carry a 4-byte little-endian length prefix.
      if (column_->type != PhysicalType::kBoolean)
        return Error("RLE values on a non-boolean column");
      if (data.size() < 4) return Error("RLE boolean length missing");
      uint32_t length = LoadLe32(data.data());
      if (length > data.size() - 4) return Error("RLE boolean data past the end");
      RleBitPackedDecoder decoder(data.substr(4, length), 1);
      for (size_t i = 0; i < count; ++i) {
        uint32_t v;
        if (!decoder.Next(&v)) return Error("RLE booleans end early");
        ints_.push_back(v);
      }
      return Status::OK();
    }
    case Encoding::kDeltaBinaryPacked: {
      if (column_->type != PhysicalType::kInt32 && column_->type != PhysicalType::kInt64) {
        return Error("DELTA_BINARY_PACKED values on a non-integer column");
      }
      size_t consumed = 0;
      Status st = DecodeDeltaBinaryPacked(data, count, column_->type == PhysicalType::kInt32,
                                          &ints_, &consumed);
      return st.ok() ? st : Error(st.message());
    }
    case Encoding::kDeltaLengthByteArray: {
      if (column_->type != PhysicalType::kByteArray) {
        return Error("DELTA_LENGTH_BYTE_ARRAY values on a non-byte-array column");
      }
      Status st = DecodeDeltaLengthByteArray(data, count, &bytes_);
      return st.ok() ? st : Error(st.message());
    }
    case Encoding::kDeltaByteArray: {
      if (column_->type != PhysicalType::kByteArray &&
          column_->type != PhysicalType::kFixedLenByteArray) {
        return Error("DELTA_BYTE_ARRAY values on a non-byte-array column");
      }
      Status st = DecodeDeltaByteArray(data, count, &delta_storage_, &bytes_);
      return st.ok() ? st : Error(st.message());
    }
    case Encoding::kByteStreamSplit: {
      // Encodings.md: byte k of every value, for k = 0..K-1, stream after stream. Gathered back
      // into PLAIN order, then decoded as PLAIN.
      size_t width =
          column_->type == PhysicalType::kFloat || column_->type == PhysicalType::kInt32    ? 4
          : column_->type == PhysicalType::kDouble || column_->type == PhysicalType::kInt64 ? 8
          : column_->type == PhysicalType::kFixedLenByteArray
              ? static_cast<size_t>(column_->type_length)
              : 0;
      if (width == 0) return Error("BYTE_STREAM_SPLIT values on an unsupported column type");
      if (data.size() < count * width) return Error("BYTE_STREAM_SPLIT values end early");
      delta_storage_.resize(count * width);
      for (size_t i = 0; i < count; ++i) {
        for (size_t k = 0; k < width; ++k) delta_storage_[i * width + k] = data[k * count + i];
      }
      return DecodePlain(delta_storage_, count, &ints_, &doubles_, &bytes_);
    }
    default:
      return Error("unsupported value encoding " + std::to_string(static_cast<int>(encoding)) +
                   " (supported: PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE, "
                   "DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, "
                   "BYTE_STREAM_SPLIT)");
  }
}

Status ColumnChunkReader::LoadPage() {
  while (true) {
    if (pos_ >= chunk_.size()) return Error("column chunk has fewer values than the row group");
    size_t header_size = 0;
    ASSIGN_OR_RETURN(PageHeader header,
                     DecodePageHeader(std::string_view(chunk_).substr(pos_), &header_size));
    pos_ += header_size;
    if (header.compressed_page_size < 0 || header.uncompressed_page_size < 0 ||
        header.uncompressed_page_size > kMaxPageBytes ||
        static_cast<size_t>(header.compressed_page_size) > chunk_.size() - pos_) {
      return Error("page sizes out of range");
    }
    std::string_view body(chunk_.data() + pos_, static_cast<size_t>(header.compressed_page_size));
    pos_ += body.size();
    auto uncompressed = static_cast<size_t>(header.uncompressed_page_size);

    switch (header.type()) {
      case PageType::kDictionaryPage:
        RETURN_IF_ERROR(ReadDictionary(header, body));
        continue;
      case PageType::kIndexPage:
        continue;
      case PageType::kDataPage: {
        const DataPageHeader& h = header.data_page;
        if (h.num_values < 0 || h.num_values > kMaxPageValues) {
          return Error("page value count " + std::to_string(h.num_values) + " out of range");
        }
        RETURN_IF_ERROR(Decompress(body, uncompressed, &page_buffer_));
        std::string_view data = page_buffer_;
        // README "Data Pages": repetition levels (none here), definition levels, values; in v1
        // RLE levels are prefixed by their 4-byte length.
        if (column_->max_definition_level > 0) {
          if (h.definition_level_encoding != Encoding::kRle) {
            return Error("definition level encoding " +
                         std::to_string(static_cast<int>(h.definition_level_encoding)) +
                         " (supported: RLE)");
          }
          if (data.size() < 4) return Error("definition levels missing");
          uint32_t length = LoadLe32(data.data());
          if (length > data.size() - 4) return Error("definition levels past the end");
          RETURN_IF_ERROR(DecodeLevels(data.substr(4, length), h.num_values));
          data.remove_prefix(4 + length);
        }
        size_t present = static_cast<size_t>(h.num_values);
        if (!defined_.empty())
          present = static_cast<size_t>(std::count(defined_.begin(), defined_.end(), 1));
        RETURN_IF_ERROR(DecodeValues(h.encoding, data, present));
        page_values_ = static_cast<size_t>(h.num_values);
        break;
      }
      case PageType::kDataPageV2: {
        const DataPageHeaderV2& h = header.data_page_v2;
        if (h.num_values < 0 || h.num_values > kMaxPageValues || h.num_nulls < 0 ||
            h.num_nulls > h.num_values || h.definition_levels_byte_length < 0 ||
            h.repetition_levels_byte_length < 0) {
          return Error("bad data page v2 header");
        }
        // Levels come first, uncompressed and without length prefixes; then the values,
        // compressed when is_compressed (parquet.thrift DataPageHeaderV2).
        size_t rep = static_cast<size_t>(h.repetition_levels_byte_length);
        size_t def = static_cast<size_t>(h.definition_levels_byte_length);
        if (rep + def > body.size() || rep + def > uncompressed) {
          return Error("data page v2 levels past the end");
        }
        if (rep != 0) return Error("repetition levels in a flat column");
        RETURN_IF_ERROR(DecodeLevels(body.substr(rep, def), h.num_values));
        std::string_view values = body.substr(rep + def);
        if (h.is_compressed && codec_ != Codec::kUncompressed) {
          RETURN_IF_ERROR(Decompress(values, uncompressed - rep - def, &page_buffer_));
        } else {
          page_buffer_.assign(values);
        }
        RETURN_IF_ERROR(DecodeValues(h.encoding, page_buffer_,
                                     static_cast<size_t>(h.num_values - h.num_nulls)));
        page_values_ = static_cast<size_t>(h.num_values);
        break;
      }
      default:
        return Error("unknown page type " + std::to_string(header.type_value));
    }
    page_index_ = 0;
    value_index_ = 0;
    if (page_values_ > 0) return Status::OK();
  }
}

Status ColumnChunkReader::Next(Cell* cell) {
  if (page_index_ >= page_values_) RETURN_IF_ERROR(LoadPage());
  size_t i = page_index_++;
  if (!defined_.empty() && defined_[i] == 0) {
    cell->SetNull();
    return Status::OK();
  }
  size_t v = value_index_++;
  switch (column_->kind) {
    case CellKind::kBool:
      if (v >= ints_.size()) break;
      cell->SetBool(ints_[v] != 0);
      return Status::OK();
    case CellKind::kInt:
      if (v >= ints_.size()) break;
      cell->SetInt(ints_[v]);
      return Status::OK();
    case CellKind::kTimestamp:
      if (v >= ints_.size()) break;
      SetTimestampCell(
          ints_[v],
          column_->type == PhysicalType::kInt96 ? TimeUnit::kNanos : column_->timestamp_unit, cell);
      return Status::OK();
    case CellKind::kDouble:
      if (v >= doubles_.size()) break;
      cell->SetDouble(doubles_[v]);
      return Status::OK();
    case CellKind::kString:
      if (v >= bytes_.size()) break;
      cell->SetString(bytes_[v]);
      return Status::OK();
    case CellKind::kBinary:
      if (v >= bytes_.size()) break;
      cell->SetBinary(bytes_[v]);
      return Status::OK();
    case CellKind::kNull:
      return Error("unsupported column type");
  }
  return Error("fewer values than definition levels");
}

}  // namespace stocktake::report::parquet
