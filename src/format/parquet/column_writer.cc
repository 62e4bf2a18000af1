// Column chunk writer: pages, encodings, statistics. See column_writer.h for the encoding policy.
//
// Data page v1 body (parquet-format README "Data Pages", Encodings.md):
//   [definition levels: 4-byte LE length + RLE hybrid, bit width 1]   (optional columns only)
//   values: PLAIN, or RLE_DICTIONARY = 1 byte bit width + RLE hybrid indices (no length prefix)
// No repetition levels: the schema is flat (max repetition level 0).
#include "format/parquet/column_writer.h"

#include <algorithm>
#include <limits>

#include "format/parquet/snappy_codec.h"

namespace stocktake::format::parquet {

Type PhysicalType(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return Type::kByteArray;
    case ColumnType::kBoolean:
      return Type::kBoolean;
    case ColumnType::kInt64:
      return Type::kInt64;
    case ColumnType::kTimestampMillis:
      return Type::kInt64;
  }
  return Type::kByteArray;
}

namespace {

bool SupportsDictionary(Type type) { return type != Type::kBoolean; }

Dictionary::Kind DictionaryKind(Type type) {
  return type == Type::kByteArray ? Dictionary::Kind::kByteArray : Dictionary::Kind::kInt64;
}

}  // namespace

// ---- ValueStats ----

void ColumnWriter::ValueStats::Reset() {
  null_count = 0;
  has_min_max = false;
  min_bytes.clear();
  max_bytes.clear();
}

void ColumnWriter::ValueStats::MergeInts(int64_t lo, int64_t hi) {
  if (!has_min_max) {
    min_int = lo;
    max_int = hi;
    has_min_max = true;
    return;
  }
  min_int = std::min(min_int, lo);
  max_int = std::max(max_int, hi);
}

void ColumnWriter::ValueStats::MergeBytes(std::string_view lo, std::string_view hi) {
  // string_view comparison is memcmp-based: unsigned byte-wise, as TYPE_ORDER wants for UTF8.
  if (!has_min_max) {
    min_bytes.assign(lo);
    max_bytes.assign(hi);
    has_min_max = true;
    return;
  }
  if (lo < std::string_view(min_bytes)) min_bytes.assign(lo);
  if (hi > std::string_view(max_bytes)) max_bytes.assign(hi);
}

void ColumnWriter::ValueStats::Merge(const ValueStats& other, bool byte_array) {
  null_count += other.null_count;
  if (!other.has_min_max) return;
  if (byte_array) {
    MergeBytes(other.min_bytes, other.max_bytes);
  } else {
    MergeInts(other.min_int, other.max_int);
  }
}

// ---- ColumnWriter ----

ColumnWriter::ColumnWriter(const Column& column, uint64_t page_bytes, SharedBuffers* shared)
    : name_(column.column_name),
      physical_type_(PhysicalType(column.type)),
      required_(column.required),
      page_bytes_(page_bytes),
      shared_(*shared),
      dictionary_mode_(SupportsDictionary(physical_type_)),
      dictionary_gave_up_(false),
      dictionary_(DictionaryKind(physical_type_)),
      pages_(&shared->pool) {}

Status ColumnWriter::NullInRequiredColumn() const {
  return Status::InvalidArgument("parquet: null value in required column '" + name_ + "'");
}

Status ColumnWriter::Write(const Value* values, size_t count) {
  switch (physical_type_) {
    case Type::kByteArray:
      return WriteByteArrays(values, count);
    case Type::kInt64:
      return WriteInt64s(values, count);
    case Type::kBoolean:
      return WriteBooleans(values, count);
    default:  // kInt32 and the types the writer never writes (parquet_wire.h lists all)
      break;
  }
  return Status::Internal("parquet: unsupported physical type");
}

// Each Write* loop appends values until the page is full, folds the run's min/max (tracked as
// cheap views or integers) into the page statistics, flushes the page, and goes on.

Status ColumnWriter::WriteByteArrays(const Value* values, size_t count) {
  size_t i = 0;
  while (i < count) {
    std::string_view lo, hi;
    bool any = false;
    // The previous value and its dictionary index: runs of one value (bucket, sorted data) skip
    // the hash lookup. Reset per page, as a page flush may drop the dictionary.
    std::string_view last;
    uint32_t last_index = 0;
    bool have_last = false;
    while (i < count) {
      const Value& v = values[i++];
      ++page_values_;
      if (!v.present) {
        if (required_) return NullInRequiredColumn();
        PutLevel(false);
        ++page_stats_.null_count;
      } else {
        PutLevel(true);
        const std::string_view s = v.string_value;
        if (!any) {
          lo = hi = s;
          any = true;
        } else if (s < lo) {
          lo = s;
        } else if (s > hi) {
          hi = s;
        }
        if (dictionary_mode_) {
          if (!have_last || s != last) {
            last_index = dictionary_.GetOrInsertBytes(s);
            last = s;
            have_last = true;
            NoteDictionarySize();
          }
          indices_.push_back(last_index);
          page_plain_bytes_ += 4 + s.size();
        } else {
          AppendByteArray(s, &values_);
        }
      }
      if (PageFull()) break;
    }
    if (any) page_stats_.MergeBytes(lo, hi);
    if (PageFull()) RETURN_IF_ERROR(FlushPage());
  }
  return Status::OK();
}

Status ColumnWriter::WriteInt64s(const Value* values, size_t count) {
  size_t i = 0;
  while (i < count) {
    int64_t lo = std::numeric_limits<int64_t>::max();
    int64_t hi = std::numeric_limits<int64_t>::min();
    bool any = false;
    int64_t last = 0;  // previous value and its index, as in WriteByteArrays
    uint32_t last_index = 0;
    bool have_last = false;
    while (i < count) {
      const Value& v = values[i++];
      ++page_values_;
      if (!v.present) {
        if (required_) return NullInRequiredColumn();
        PutLevel(false);
        ++page_stats_.null_count;
      } else {
        PutLevel(true);
        const int64_t x = v.int_value;
        any = true;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        if (dictionary_mode_) {
          if (!have_last || x != last) {
            last_index = dictionary_.GetOrInsertInt64(x);
            last = x;
            have_last = true;
            NoteDictionarySize();
          }
          indices_.push_back(last_index);
          page_plain_bytes_ += 8;
        } else {
          AppendInt64LE(x, &values_);
        }
      }
      if (PageFull()) break;
    }
    if (any) page_stats_.MergeInts(lo, hi);
    if (PageFull()) RETURN_IF_ERROR(FlushPage());
  }
  return Status::OK();
}

Status ColumnWriter::WriteBooleans(const Value* values, size_t count) {
  size_t i = 0;
  while (i < count) {
    int64_t lo = 1, hi = 0;
    bool any = false;
    while (i < count) {
      const Value& v = values[i++];
      ++page_values_;
      if (!v.present) {
        if (required_) return NullInRequiredColumn();
        PutLevel(false);
        ++page_stats_.null_count;
      } else {
        PutLevel(true);
        const bool b = v.int_value != 0;
        any = true;
        lo = std::min<int64_t>(lo, b);
        hi = std::max<int64_t>(hi, b);
        booleans_.Put(b, &values_);
      }
      if (PageFull()) break;
    }
    if (any) page_stats_.MergeInts(lo, hi);
    if (PageFull()) RETURN_IF_ERROR(FlushPage());
  }
  return Status::OK();
}

uint64_t ColumnWriter::EstimatedPageBytes() const {
  uint64_t levels = required_ ? 0 : 4 + def_levels_.EstimatedBytes();
  if (dictionary_mode_) {
    const int width = std::max(1, BitWidth(dictionary_.size()));
    return levels + 1 + (indices_.size() * width + 7) / 8;
  }
  return levels + values_.size() + (booleans_.pending_bits() > 0 ? 1 : 0);
}

uint64_t ColumnWriter::EstimatedUncompressedBytes() const {
  const uint64_t dictionary = dictionary_.size() > 0 ? dictionary_.plain_bytes() : 0;
  return static_cast<uint64_t>(chunk_uncompressed_bytes_) + EstimatedPageBytes() + dictionary;
}

uint64_t ColumnWriter::EstimatedFileBytes() const {
  // Unwritten parts are scaled by the compression ratio seen so far in this column (1 until a
  // page has been compressed).
  const uint64_t dictionary = dictionary_.size() > 0 ? dictionary_.plain_bytes() : 0;
  const double ratio = pages_uncompressed_total_ == 0
                           ? 1.0
                           : static_cast<double>(pages_compressed_total_) /
                                 static_cast<double>(pages_uncompressed_total_);
  return static_cast<uint64_t>(chunk_compressed_bytes_) +
         static_cast<uint64_t>(static_cast<double>(EstimatedPageBytes() + dictionary) * ratio);
}

void ColumnWriter::FillStatistics(const ValueStats& stats, Statistics* out) const {
  out->null_count = stats.null_count;
  out->has_min_max = stats.has_min_max;
  out->min_value.clear();
  out->max_value.clear();
  // The deprecated min/max are signed-order; only INT64 and BOOLEAN agree with TYPE_ORDER.
  out->write_deprecated_min_max = physical_type_ != Type::kByteArray;
  if (!stats.has_min_max) return;
  switch (physical_type_) {
    case Type::kByteArray:
      out->min_value.assign(stats.min_bytes);
      out->max_value.assign(stats.max_bytes);
      break;
    case Type::kInt64:
    case Type::kInt32:
      AppendInt64LE(stats.min_int, &out->min_value);
      AppendInt64LE(stats.max_int, &out->max_value);
      break;
    case Type::kBoolean:
      // PLAIN BOOLEAN of one value: one byte, the value in the least significant bit.
      out->min_value.push_back(static_cast<char>(stats.min_int));
      out->max_value.push_back(static_cast<char>(stats.max_int));
      break;
    default:  // the writer writes no other physical type
      break;
  }
}

Result<std::string_view> ColumnWriter::EncodePage(PageHeader* header, std::string_view body) {
  ASSIGN_OR_RETURN(const std::string_view compressed,
                   SnappyCompress(body, &shared_.compressed_page));
  constexpr size_t kMaxPageBytes = std::numeric_limits<int32_t>::max();  // i32 page sizes
  if (body.size() > kMaxPageBytes || compressed.size() > kMaxPageBytes) {
    return Status::InvalidArgument("parquet: page of column '" + name_ + "' exceeds 2 GiB");
  }
  header->uncompressed_page_size = static_cast<int32_t>(body.size());
  header->compressed_page_size = static_cast<int32_t>(compressed.size());
  header_.clear();
  SerializePageHeader(*header, &header_);
  chunk_uncompressed_bytes_ += static_cast<int64_t>(header_.size() + body.size());
  chunk_compressed_bytes_ += static_cast<int64_t>(header_.size() + compressed.size());
  pages_uncompressed_total_ += body.size();
  pages_compressed_total_ += compressed.size();
  return compressed;
}

bool ColumnWriter::DictionaryPays() const {
  // Dictionary page plus bit-packed indices against the PLAIN values they replace.
  const int width = std::max(1, BitWidth(dictionary_.size() - 1));
  const uint64_t index_bytes = 1 + (indices_.size() * width + 7) / 8;
  return dictionary_.plain_bytes() + index_bytes < page_plain_bytes_;
}

void ColumnWriter::DictionaryToPlain() {
  // Only the open page used the dictionary: re-encode its values as PLAIN and drop it. A
  // verdict from a reasonably large sample also holds for the writer's later chunks.
  if (indices_.size() >= kMinValuesToGiveUpDictionary) dictionary_gave_up_ = true;
  values_.clear();
  for (uint32_t index : indices_) values_.append(dictionary_.plain_entry(index));
  indices_.clear();
  DropDictionary();
  dictionary_mode_ = false;
}

void ColumnWriter::DropDictionary() {
  // A trial on near-unique values fills the dictionary to its limits (a few MiB with its hash
  // table); once the column has given up on it for the file, that memory has no further use.
  if (dictionary_gave_up_) {
    dictionary_.Release();
  } else {
    dictionary_.Clear();
  }
}

Status ColumnWriter::FlushPage() {
  if (page_values_ == 0) return Status::OK();
  // Decide early, on the chunk's first page, whether dictionary encoding pays (it does not for
  // near-unique data such as keys and ETags); if not, this page and the rest of the chunk are
  // PLAIN and no dictionary page is written.
  if (dictionary_mode_ && dictionary_data_pages_ == 0 && !indices_.empty() && !DictionaryPays()) {
    DictionaryToPlain();
  }

  std::string& body = shared_.page_body;
  body.clear();
  if (!required_) {
    const std::string& levels = def_levels_.Finish();
    AppendUint32LE(static_cast<uint32_t>(levels.size()), &body);
    body.append(levels);
  }
  // A dictionary-mode page with only nulls has no indices; it is written as an empty PLAIN page.
  const bool dictionary_page = dictionary_mode_ && !indices_.empty();
  if (dictionary_page) {
    const int width = std::max(1, BitWidth(dictionary_.size() - 1));
    body.push_back(static_cast<char>(width));
    index_encoder_.Reset(width);
    for (uint32_t index : indices_) index_encoder_.Put(index);
    body.append(index_encoder_.Finish());
  } else {
    booleans_.Flush(&values_);
    body.append(values_);
  }

  FillStatistics(page_stats_, &page_statistics_);
  PageHeader header;
  header.type = PageType::kDataPage;
  header.data.num_values = page_values_;
  header.data.encoding = dictionary_page ? Encoding::kRleDictionary : Encoding::kPlain;
  header.data.definition_level_encoding = Encoding::kRle;
  header.data.repetition_level_encoding = Encoding::kRle;
  header.data.statistics = &page_statistics_;
  ASSIGN_OR_RETURN(const std::string_view compressed, EncodePage(&header, body));
  pages_.Append(header_);
  pages_.Append(compressed);

  if (dictionary_page) {
    ++dictionary_data_pages_;
  } else {
    ++plain_data_pages_;
  }
  chunk_values_ += page_values_;
  chunk_stats_.Merge(page_stats_, physical_type_ == Type::kByteArray);

  if (dictionary_mode_ && dictionary_full_) {
    // Later pages of this chunk are PLAIN; the dictionary page still serves the pages above.
    dictionary_mode_ = false;
    dictionary_gave_up_ = true;
  }
  def_levels_.Reset(1);
  indices_.clear();
  values_.clear();
  page_values_ = 0;
  page_plain_bytes_ = 0;
  page_stats_.Reset();
  return Status::OK();
}

Status ColumnWriter::FinishChunk(int64_t chunk_offset, io::OutputStream* out, ColumnChunk* chunk) {
  RETURN_IF_ERROR(FlushPage());
  ColumnMetaData& meta = chunk->meta_data;
  chunk->file_offset = 0;
  meta = ColumnMetaData();
  meta.type = physical_type_;
  meta.path_in_schema = name_;
  meta.codec = CompressionCodec::kSnappy;
  meta.num_values = chunk_values_;

  int64_t position = chunk_offset;
  if (dictionary_data_pages_ > 0) {
    // The dictionary page goes first in the chunk (Encodings.md), written now that it is final.
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.dictionary.num_values = static_cast<int32_t>(dictionary_.size());
    header.dictionary.encoding = Encoding::kPlain;
    header.dictionary.is_sorted = false;
    ASSIGN_OR_RETURN(const std::string_view compressed,
                     EncodePage(&header, dictionary_.plain_encoded()));
    RETURN_IF_ERROR(out->Write(header_));
    RETURN_IF_ERROR(out->Write(compressed));
    meta.dictionary_page_offset = position;
    position += static_cast<int64_t>(header_.size() + compressed.size());
    meta.encoding_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    meta.encoding_stats.push_back(
        {PageType::kDataPage, Encoding::kRleDictionary, dictionary_data_pages_});
  }
  if (plain_data_pages_ > 0) {
    meta.encoding_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_data_pages_});
  }
  meta.data_page_offset = position;
  RETURN_IF_ERROR(pages_.WriteTo(out));

  // Encodings used anywhere in the chunk: values, dictionary page, definition levels.
  if (plain_data_pages_ > 0 || dictionary_data_pages_ > 0)
    meta.encodings.push_back(Encoding::kPlain);
  if (!required_) meta.encodings.push_back(Encoding::kRle);
  if (dictionary_data_pages_ > 0) meta.encodings.push_back(Encoding::kRleDictionary);

  meta.total_uncompressed_size = chunk_uncompressed_bytes_;
  meta.total_compressed_size = chunk_compressed_bytes_;
  FillStatistics(chunk_stats_, &meta.statistics);
  ResetChunk();
  return Status::OK();
}

void ColumnWriter::ResetChunk() {
  pages_.Clear();
  DropDictionary();
  chunk_values_ = 0;
  chunk_uncompressed_bytes_ = 0;
  chunk_compressed_bytes_ = 0;
  dictionary_data_pages_ = 0;
  plain_data_pages_ = 0;
  chunk_stats_.Reset();
  dictionary_full_ = false;
  dictionary_mode_ = SupportsDictionary(physical_type_) && !dictionary_gave_up_;
}

}  // namespace stocktake::format::parquet
