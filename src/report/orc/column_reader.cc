#include "report/orc/column_reader.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "report/orc/orc_rle.h"

namespace stocktake::report::orc {
namespace {

// ORC spec, "Timestamp Columns": seconds are counted from 2015-01-01 00:00:00 in the writer's time
// zone (1420070400 is that moment in UTC).
constexpr int64_t kOrcEpochSeconds = 1420070400;

const char* StreamName(StreamKind kind) {
  switch (kind) {
    case StreamKind::kPresent:
      return "PRESENT";
    case StreamKind::kData:
      return "DATA";
    case StreamKind::kLength:
      return "LENGTH";
    case StreamKind::kDictionaryData:
      return "DICTIONARY_DATA";
    case StreamKind::kSecondary:
      return "SECONDARY";
    default:
      return "stream";
  }
}

bool IsV2(const ColumnEncoding& encoding) {
  return encoding.kind == EncodingKind::kDirectV2 || encoding.kind == EncodingKind::kDictionaryV2;
}

// Owns the column's streams and its PRESENT decoder.
class ColumnBase : public ColumnReader {
 public:
  ColumnBase(uint32_t column, const StripeContext& stripe) : column_(column), stripe_(stripe) {}

  Status Init() {
    auto present = stripe_.stream(column_, StreamKind::kPresent);
    if (present) {
      present_stream_ = MakeStream(*present, StreamKind::kPresent);
      present_ = std::make_unique<BooleanDecoder>(present_stream_.get());
    }
    return Status::OK();
  }

  Status Next(Cell* cell) final {
    if (present_) {
      bool is_present;
      RETURN_IF_ERROR(present_->Next(&is_present));
      if (!is_present) {
        cell->SetNull();
        return Status::OK();
      }
    }
    return NextValue(cell);
  }

 protected:
  virtual Status NextValue(Cell* cell) = 0;

  std::unique_ptr<InputStream> MakeStream(std::string_view bytes, StreamKind kind) {
    return std::make_unique<InputStream>(
        bytes, stripe_.compression, stripe_.block_size,
        "column " + std::to_string(column_) + " " + StreamName(kind));
  }
  // A stream the encoding needs. Writers may leave out empty streams (a column whose values are
  // all null in the stripe), so a missing one reads as empty: reading a value from it fails.
  Result<std::unique_ptr<InputStream>> RequiredStream(StreamKind kind) {
    return MakeStream(stripe_.stream(column_, kind).value_or(std::string_view()), kind);
  }

  uint32_t column_;
  StripeContext stripe_;

 private:
  std::unique_ptr<InputStream> present_stream_;
  std::unique_ptr<BooleanDecoder> present_;
};

class BooleanColumn final : public ColumnBase {
 public:
  using ColumnBase::ColumnBase;
  Status Open() {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    data_ = std::make_unique<BooleanDecoder>(data_stream_.get());
    return Init();
  }
  Status NextValue(Cell* cell) override {
    bool v;
    RETURN_IF_ERROR(data_->Next(&v));
    cell->SetBool(v);
    return Status::OK();
  }

 private:
  std::unique_ptr<InputStream> data_stream_;
  std::unique_ptr<BooleanDecoder> data_;
};

class ByteColumn final : public ColumnBase {  // tinyint: byte RLE
 public:
  using ColumnBase::ColumnBase;
  Status Open() {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    data_ = std::make_unique<ByteRleDecoder>(data_stream_.get());
    return Init();
  }
  Status NextValue(Cell* cell) override {
    uint8_t v = 0;
    RETURN_IF_ERROR(data_->Next(&v));
    cell->SetInt(static_cast<int8_t>(v));
    return Status::OK();
  }

 private:
  std::unique_ptr<InputStream> data_stream_;
  std::unique_ptr<ByteRleDecoder> data_;
};

class IntegerColumn final : public ColumnBase {  // smallint, int, bigint: signed RLE
 public:
  using ColumnBase::ColumnBase;
  Status Open(const ColumnEncoding& encoding) {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    data_ = NewIntDecoder(data_stream_.get(), IsV2(encoding), /*is_signed=*/true);
    return Init();
  }
  Status NextValue(Cell* cell) override {
    int64_t v;
    RETURN_IF_ERROR(data_->Next(&v));
    cell->SetInt(v);
    return Status::OK();
  }

 private:
  std::unique_ptr<InputStream> data_stream_;
  std::unique_ptr<IntDecoder> data_;
};

class FloatingColumn final : public ColumnBase {  // IEEE 754, little-endian, 4 or 8 bytes
 public:
  FloatingColumn(uint32_t column, const StripeContext& stripe, bool is_double)
      : ColumnBase(column, stripe), double_(is_double) {}
  Status Open() {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    return Init();
  }
  Status NextValue(Cell* cell) override {
    buffer_.clear();
    RETURN_IF_ERROR(data_stream_->Read(double_ ? 8 : 4, &buffer_));
    if (double_) {
      double d;
      std::memcpy(&d, buffer_.data(), 8);
      cell->SetDouble(d);
    } else {
      float f;
      std::memcpy(&f, buffer_.data(), 4);
      cell->SetDouble(f);
    }
    return Status::OK();
  }

 private:
  bool double_;
  std::unique_ptr<InputStream> data_stream_;
  std::string buffer_;
};

class StringDirectColumn final : public ColumnBase {  // DATA bytes + LENGTH (unsigned RLE)
 public:
  StringDirectColumn(uint32_t column, const StripeContext& stripe, bool binary)
      : ColumnBase(column, stripe), binary_(binary) {}
  Status Open(const ColumnEncoding& encoding) {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    ASSIGN_OR_RETURN(length_stream_, RequiredStream(StreamKind::kLength));
    lengths_ = NewIntDecoder(length_stream_.get(), IsV2(encoding), /*is_signed=*/false);
    return Init();
  }
  Status NextValue(Cell* cell) override {
    int64_t length;
    RETURN_IF_ERROR(lengths_->Next(&length));
    if (length < 0) return data_stream_->Fail("negative string length");
    cell->kind = binary_ ? CellKind::kBinary : CellKind::kString;
    cell->string_value.clear();
    return data_stream_->Read(static_cast<uint64_t>(length), &cell->string_value);
  }

 private:
  bool binary_;
  std::unique_ptr<InputStream> data_stream_, length_stream_;
  std::unique_ptr<IntDecoder> lengths_;
};

// DICTIONARY: DATA holds indexes (unsigned RLE) into the dictionary, whose entries are
// DICTIONARY_DATA bytes cut by LENGTH (dictionary_size lengths).
class StringDictionaryColumn final : public ColumnBase {
 public:
  using ColumnBase::ColumnBase;
  Status Open(const ColumnEncoding& encoding) {
    ASSIGN_OR_RETURN(data_stream_, RequiredStream(StreamKind::kData));
    indexes_ = NewIntDecoder(data_stream_.get(), IsV2(encoding), /*is_signed=*/false);
    // The dictionary is read whole: it is needed for any row of the stripe.
    ASSIGN_OR_RETURN(auto length_stream, RequiredStream(StreamKind::kLength));
    auto lengths = NewIntDecoder(length_stream.get(), IsV2(encoding), /*is_signed=*/false);
    if (encoding.dictionary_size > stripe_.rows) {
      return Status::Corruption("column " + std::to_string(column_) + ": dictionary of " +
                                std::to_string(encoding.dictionary_size) + " entries for " +
                                std::to_string(stripe_.rows) + " rows");
    }
    uint64_t total = 0;
    offsets_.push_back(0);
    for (uint32_t i = 0; i < encoding.dictionary_size; ++i) {
      int64_t length;
      RETURN_IF_ERROR(lengths->Next(&length));
      if (length < 0) return length_stream->Fail("negative dictionary entry length");
      total += static_cast<uint64_t>(length);
      offsets_.push_back(total);
    }
    auto dictionary_bytes = stripe_.stream(column_, StreamKind::kDictionaryData);
    if (dictionary_bytes) {
      auto dictionary = MakeStream(*dictionary_bytes, StreamKind::kDictionaryData);
      RETURN_IF_ERROR(dictionary->Read(total, &dictionary_));
    } else if (total != 0) {
      return Status::Corruption("column " + std::to_string(column_) +
                                " has no DICTIONARY_DATA stream");
    }
    return Init();
  }
  Status NextValue(Cell* cell) override {
    int64_t index;
    RETURN_IF_ERROR(indexes_->Next(&index));
    if (index < 0 || static_cast<uint64_t>(index) + 1 >= offsets_.size()) {
      return data_stream_->Fail("dictionary index out of range");
    }
    size_t i = static_cast<size_t>(index);
    cell->SetString(
        std::string_view(dictionary_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]));
    return Status::OK();
  }

 private:
  std::unique_ptr<InputStream> data_stream_;
  std::unique_ptr<IntDecoder> indexes_;
  std::string dictionary_;
  std::vector<uint64_t> offsets_;
};

// DATA: signed seconds since the ORC epoch; SECONDARY: nanoseconds with trailing zeros removed
// and their count - 1 in the low 3 bits ("1000 nanoseconds would be serialized as 0x0a").
//
// An ORC `timestamp` is a wall-clock value without a zone: the reader returns the wall-clock time
// the writer stored, as Apache ORC's tools print it, read as UTC. For Stocktake's writer
// (writer_timezone "UTC") and AWS's reports (values in UTC, spec §5.3) that is the instant
// itself. `timestamp with local time zone` values are instants counted from 2015-01-01 UTC.
class TimestampColumn final : public ColumnBase {
 public:
  TimestampColumn(uint32_t column, const StripeContext& stripe, bool instant)
      : ColumnBase(column, stripe),
        zone_(instant ? TimeZone::Utc().get() : stripe.writer_zone),
        epoch_(kOrcEpochSeconds - zone_->OffsetAt(kOrcEpochSeconds)) {}
  Status Open(const ColumnEncoding& encoding) {
    ASSIGN_OR_RETURN(seconds_stream_, RequiredStream(StreamKind::kData));
    ASSIGN_OR_RETURN(nanos_stream_, RequiredStream(StreamKind::kSecondary));
    seconds_ = NewIntDecoder(seconds_stream_.get(), IsV2(encoding), /*is_signed=*/true);
    nanos_ = NewIntDecoder(nanos_stream_.get(), IsV2(encoding), /*is_signed=*/false);
    return Init();
  }
  Status NextValue(Cell* cell) override {
    int64_t seconds, encoded;
    RETURN_IF_ERROR(seconds_->Next(&seconds));
    RETURN_IF_ERROR(nanos_->Next(&encoded));
    auto raw = static_cast<uint64_t>(encoded);
    uint64_t zeros = raw & 7;
    uint64_t nanos = raw >> 3;
    if (zeros != 0) {
      for (uint64_t i = 0; i <= zeros; ++i) nanos *= 10;
    }
    if (nanos > 999'999'999) return nanos_stream_->Fail("nanoseconds out of range");
    int64_t instant, wall_clock;
    if (__builtin_add_overflow(seconds, epoch_, &instant) || instant == INT64_MIN) {
      return seconds_stream_->Fail("timestamp out of range");
    }
    // Writers that truncated negative times toward zero stored one second too many; Apache ORC's
    // readers take it back when the nanoseconds show a fraction of at least a millisecond.
    if (instant < 0 && nanos > 999'999) instant -= 1;
    if (__builtin_add_overflow(instant, zone_->OffsetAt(instant), &wall_clock)) {
      return seconds_stream_->Fail("timestamp out of range");
    }
    cell->SetTimestamp(wall_clock, static_cast<int32_t>(nanos));
    return Status::OK();
  }

 private:
  const TimeZone* zone_;
  int64_t epoch_;  // 2015-01-01 00:00:00 in the zone, as UTC seconds
  std::unique_ptr<InputStream> seconds_stream_, nanos_stream_;
  std::unique_ptr<IntDecoder> seconds_, nanos_;
};

}  // namespace

std::optional<CellKind> CellKindFor(TypeKind kind) {
  switch (kind) {
    case TypeKind::kBoolean:
      return CellKind::kBool;
    case TypeKind::kByte:
    case TypeKind::kShort:
    case TypeKind::kInt:
    case TypeKind::kLong:
      return CellKind::kInt;
    case TypeKind::kFloat:
    case TypeKind::kDouble:
      return CellKind::kDouble;
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
      return CellKind::kString;
    case TypeKind::kBinary:
      return CellKind::kBinary;
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampInstant:
      return CellKind::kTimestamp;
    default:
      return std::nullopt;
  }
}

std::string TypeName(const Type& type) {
  switch (type.kind) {
    case TypeKind::kBoolean:
      return "boolean";
    case TypeKind::kByte:
      return "tinyint";
    case TypeKind::kShort:
      return "smallint";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kLong:
      return "bigint";
    case TypeKind::kFloat:
      return "float";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kString:
      return "string";
    case TypeKind::kBinary:
      return "binary";
    case TypeKind::kTimestamp:
      return "timestamp";
    case TypeKind::kList:
      return "array";
    case TypeKind::kMap:
      return "map";
    case TypeKind::kStruct:
      return "struct";
    case TypeKind::kUnion:
      return "uniontype";
    case TypeKind::kDecimal:
      return "decimal";
    case TypeKind::kDate:
      return "date";
    case TypeKind::kVarchar:
      return "varchar";
    case TypeKind::kChar:
      return "char";
    case TypeKind::kTimestampInstant:
      return "timestamp with local time zone";
  }
  return "type " + std::to_string(static_cast<uint32_t>(type.kind));
}

Result<std::unique_ptr<ColumnReader>> NewColumnReader(const Type& type, uint32_t column,
                                                      const ColumnEncoding& encoding,
                                                      const StripeContext& stripe) {
  bool dictionary =
      encoding.kind == EncodingKind::kDictionary || encoding.kind == EncodingKind::kDictionaryV2;
  switch (type.kind) {
    case TypeKind::kBoolean: {
      auto r = std::make_unique<BooleanColumn>(column, stripe);
      RETURN_IF_ERROR(r->Open());
      return std::unique_ptr<ColumnReader>(std::move(r));
    }
    case TypeKind::kByte: {
      auto r = std::make_unique<ByteColumn>(column, stripe);
      RETURN_IF_ERROR(r->Open());
      return std::unique_ptr<ColumnReader>(std::move(r));
    }
    case TypeKind::kShort:
    case TypeKind::kInt:
    case TypeKind::kLong: {
      auto r = std::make_unique<IntegerColumn>(column, stripe);
      RETURN_IF_ERROR(r->Open(encoding));
      return std::unique_ptr<ColumnReader>(std::move(r));
    }
    case TypeKind::kFloat:
    case TypeKind::kDouble: {
      auto r = std::make_unique<FloatingColumn>(column, stripe, type.kind == TypeKind::kDouble);
      RETURN_IF_ERROR(r->Open());
      return std::unique_ptr<ColumnReader>(std::move(r));
    }
    case TypeKind::kString:
    case TypeKind::kVarchar:
    case TypeKind::kChar:
    case TypeKind::kBinary:
      if (dictionary && type.kind != TypeKind::kBinary) {
        auto r = std::make_unique<StringDictionaryColumn>(column, stripe);
        RETURN_IF_ERROR(r->Open(encoding));
        return std::unique_ptr<ColumnReader>(std::move(r));
      } else {
        auto r =
            std::make_unique<StringDirectColumn>(column, stripe, type.kind == TypeKind::kBinary);
        RETURN_IF_ERROR(r->Open(encoding));
        return std::unique_ptr<ColumnReader>(std::move(r));
      }
    case TypeKind::kTimestamp:
    case TypeKind::kTimestampInstant: {
      auto r = std::make_unique<TimestampColumn>(column, stripe,
                                                 type.kind == TypeKind::kTimestampInstant);
      RETURN_IF_ERROR(r->Open(encoding));
      return std::unique_ptr<ColumnReader>(std::move(r));
    }
    default:
      return Status::InvalidArgument("ORC column " + std::to_string(column) + " has type " +
                                     TypeName(type) + " (not supported)");
  }
}

}  // namespace stocktake::report::orc
