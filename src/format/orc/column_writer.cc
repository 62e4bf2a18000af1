#include "format/orc/column_writer.h"

#include <array>

#include "format/orc/string_column_writer.h"

namespace stocktake::format::orc {

ColumnWriter::ColumnWriter(uint32_t column_id, StatsKind kind, bool nullable,
                           const WriterContext& context)
    : context_(context),
      group_stats_(kind),
      column_id_(column_id),
      nullable_(nullable),
      present_stream_(context.compressor, context.compression_block_size, context.pool),
      present_(&present_stream_),
      stripe_stats_(kind),
      file_stats_(kind) {}

size_t ColumnWriter::WritePresent(const Value* values, size_t n) {
  size_t non_null = 0;
  for (size_t i = 0; i < n; ++i) non_null += values[i].present ? 1 : 0;
  if (non_null == n) {
    present_.AddRepeated(true, n);
  } else {
    for (size_t i = 0; i < n; ++i) present_.Add(values[i].present);
    stripe_has_nulls_ = true;
    group_stats_.AddNulls(n - non_null);
  }
  return non_null;
}

void ColumnWriter::RecordStartPositions() {
  if (groups_.size() <= current_group_) groups_.resize(current_group_ + 1);
  RowGroup& g = groups_[current_group_];
  g.present_positions.clear();
  g.data_positions.clear();
  g.statistics.clear();
  if (nullable_) present_.RecordPosition(&g.present_positions);
  RecordDataPositions(current_group_, &g.data_positions);
}

void ColumnWriter::CloseRowGroup() {
  RowGroup& g = groups_[current_group_];
  group_stats_.EncodeTo(&g.statistics);
  stripe_stats_.Merge(group_stats_);
  group_stats_.Reset();
}

void ColumnWriter::StartNextRowGroup() {
  CloseRowGroup();
  ++current_group_;
  RecordStartPositions();
}

void ColumnWriter::FinishStripe(StripeColumn* out) {
  out->Clear();
  CloseRowGroup();
  // PRESENT is left out when every value of the stripe is present (spec: "if the stream is
  // missing, all values are present"); its positions then leave the row index too.
  const bool has_present = nullable_ && stripe_has_nulls_;
  if (has_present) {
    present_.Flush();
    present_stream_.Flush();
    out->streams.push_back({StreamKind::kPresent, &present_stream_.output()});
  }
  FinishData(out);
  for (size_t i = 0; i <= current_group_; ++i) {
    const RowGroup& g = groups_[i];
    positions_.clear();
    if (has_present) {
      positions_.insert(positions_.end(), g.present_positions.begin(), g.present_positions.end());
    }
    positions_.insert(positions_.end(), g.data_positions.begin(), g.data_positions.end());
    AppendRowIndexEntry(&out->row_index, positions_, g.statistics);
  }
  stripe_stats_.EncodeTo(&out->statistics);
  file_stats_.Merge(stripe_stats_);
}

void ColumnWriter::ResetStripe() {
  present_stream_.Reset();
  present_ = BooleanEncoder(&present_stream_);
  stripe_has_nulls_ = false;
  stripe_stats_.Reset();
  group_stats_.Reset();
  current_group_ = 0;
  ResetData();
  RecordStartPositions();
}

uint64_t ColumnWriter::EstimatedBytes() const {
  return present_stream_.EstimatedBytes() + DataEstimatedBytes();
}

namespace {

// Column 0, the struct of all report columns: it has no nulls and no streams of its own; its
// statistics count rows.
class StructColumnWriter final : public ColumnWriter {
 public:
  explicit StructColumnWriter(const WriterContext& context)
      : ColumnWriter(0, StatsKind::kStruct, /*nullable=*/false, context) {
    StartFirstRowGroup();
  }
  void Write(const Value*, size_t n) override { group_stats_.AddRows(n); }

 protected:
  void RecordDataPositions(size_t, std::vector<uint64_t>*) override {}
  void FinishData(StripeColumn* out) override { out->encoding.kind = EncodingKind::kDirect; }
  void ResetData() override {}
  uint64_t DataEstimatedBytes() const override { return 0; }
};

// bigint: DATA = signed RLE v2 (encoding DIRECT_V2).
class Int64ColumnWriter final : public ColumnWriter {
 public:
  Int64ColumnWriter(uint32_t column_id, const WriterContext& context)
      : ColumnWriter(column_id, StatsKind::kInt64, true, context),
        data_stream_(context.compressor, context.compression_block_size, context.pool),
        data_(&data_stream_, /*is_signed=*/true) {
    StartFirstRowGroup();
  }

  void Write(const Value* values, size_t n) override {
    WritePresent(values, n);
    for (size_t i = 0; i < n; ++i) {
      if (!values[i].present) continue;
      data_.Add(values[i].int_value);
      group_stats_.AddInt(values[i].int_value);
    }
  }

 protected:
  void RecordDataPositions(size_t, std::vector<uint64_t>* positions) override {
    data_.RecordPosition(positions);
  }
  void FinishData(StripeColumn* out) override {
    data_.Flush();
    data_stream_.Flush();
    out->streams.push_back({StreamKind::kData, &data_stream_.output()});
    out->encoding.kind = EncodingKind::kDirectV2;
  }
  void ResetData() override { data_stream_.Reset(); }
  uint64_t DataEstimatedBytes() const override {
    return data_stream_.EstimatedBytes() + data_.BufferedBytes();
  }

 private:
  CompressedStream data_stream_;
  RleV2Encoder data_;
};

// boolean: DATA = boolean RLE (encoding DIRECT).
class BooleanColumnWriter final : public ColumnWriter {
 public:
  BooleanColumnWriter(uint32_t column_id, const WriterContext& context)
      : ColumnWriter(column_id, StatsKind::kBoolean, true, context),
        data_stream_(context.compressor, context.compression_block_size, context.pool),
        data_(&data_stream_) {
    StartFirstRowGroup();
  }

  void Write(const Value* values, size_t n) override {
    WritePresent(values, n);
    for (size_t i = 0; i < n; ++i) {
      if (!values[i].present) continue;
      const bool v = values[i].int_value != 0;
      data_.Add(v);
      group_stats_.AddBoolean(v);
    }
  }

 protected:
  void RecordDataPositions(size_t, std::vector<uint64_t>* positions) override {
    data_.RecordPosition(positions);
  }
  void FinishData(StripeColumn* out) override {
    data_.Flush();
    data_stream_.Flush();
    out->streams.push_back({StreamKind::kData, &data_stream_.output()});
    out->encoding.kind = EncodingKind::kDirect;
  }
  void ResetData() override {
    data_stream_.Reset();
    data_ = BooleanEncoder(&data_stream_);
  }
  uint64_t DataEstimatedBytes() const override { return data_stream_.EstimatedBytes() + 1; }

 private:
  CompressedStream data_stream_;
  BooleanEncoder data_;
};

// Seconds from the Unix epoch to 2015-01-01 00:00:00 UTC: ORC timestamps count seconds from that
// instant in the writer's time zone (spec v1, "Timestamp Columns"), and the writer time zone of
// every stripe is UTC. On-disk constant: do not change.
constexpr int64_t kOrcEpochSeconds = 1420070400;

// The SECONDARY encoding of a nanosecond value (spec v1, "Timestamp Columns"): when it has at least
// two trailing decimal zeros, they are dropped and (count - 1) goes in the low 3 bits (count
// capped at 8); otherwise the value is shifted left by 3.
constexpr uint64_t EncodeNanos(int64_t nanos) {
  if (nanos == 0) return 0;
  if (nanos % 100 != 0) return static_cast<uint64_t>(nanos) << 3;
  nanos /= 100;
  uint64_t zeros = 1;  // two zeros removed so far
  while (nanos % 10 == 0 && zeros < 7) {
    nanos /= 10;
    ++zeros;
  }
  return (static_cast<uint64_t>(nanos) << 3) | zeros;
}

constexpr std::array<uint64_t, 1000> MakeMillisNanosTable() {
  std::array<uint64_t, 1000> t{};
  for (int64_t ms = 0; ms < 1000; ++ms) t[static_cast<size_t>(ms)] = EncodeNanos(ms * 1000000);
  return t;
}
constexpr std::array<uint64_t, 1000> kMillisNanos = MakeMillisNanosTable();
static_assert(EncodeNanos(123000000) == ((123u << 3) | 5));  // spec: 6 zeros dropped -> 5
static_assert(EncodeNanos(500000000) == ((5u << 3) | 7));    // 8 zeros dropped, the cap

// timestamp: DATA = signed RLE v2 of seconds since 2015-01-01 UTC, SECONDARY = unsigned RLE v2 of
// encoded nanos (encoding DIRECT_V2). Values are epoch milliseconds (UTC instants).
class TimestampColumnWriter final : public ColumnWriter {
 public:
  TimestampColumnWriter(uint32_t column_id, const WriterContext& context)
      : ColumnWriter(column_id, StatsKind::kTimestamp, true, context),
        seconds_stream_(context.compressor, context.compression_block_size, context.pool),
        nanos_stream_(context.compressor, context.compression_block_size, context.pool),
        seconds_(&seconds_stream_, /*is_signed=*/true),
        nanos_(&nanos_stream_, /*is_signed=*/false) {
    StartFirstRowGroup();
  }

  void Write(const Value* values, size_t n) override {
    WritePresent(values, n);
    for (size_t i = 0; i < n; ++i) {
      if (!values[i].present) continue;
      const int64_t ms = values[i].int_value;
      group_stats_.AddTimestampMillis(ms);
      int64_t seconds = ms / 1000;
      int64_t millis = ms % 1000;
      if (millis < 0) {  // floor division: the nanos part is always in [0, 1e9)
        millis += 1000;
        seconds -= 1;
      }
      // Before 1970 with a fraction, Apache ORC's readers (Java and C++) subtract one second
      // from the stored seconds (they expect Java's truncating division), so store one more, as
      // their writers do. Instants in (-1 s, 0) cannot be represented for those readers; S3
      // dates never fall there.
      if (seconds < 0 && millis != 0) seconds += 1;
      seconds_.Add(seconds - kOrcEpochSeconds);
      nanos_.Add(static_cast<int64_t>(kMillisNanos[static_cast<size_t>(millis)]));
    }
  }

 protected:
  void RecordDataPositions(size_t, std::vector<uint64_t>* positions) override {
    seconds_.RecordPosition(positions);
    nanos_.RecordPosition(positions);
  }
  void FinishData(StripeColumn* out) override {
    seconds_.Flush();
    nanos_.Flush();
    seconds_stream_.Flush();
    nanos_stream_.Flush();
    out->streams.push_back({StreamKind::kData, &seconds_stream_.output()});
    out->streams.push_back({StreamKind::kSecondary, &nanos_stream_.output()});
    out->encoding.kind = EncodingKind::kDirectV2;
  }
  void ResetData() override {
    seconds_stream_.Reset();
    nanos_stream_.Reset();
  }
  uint64_t DataEstimatedBytes() const override {
    return seconds_stream_.EstimatedBytes() + nanos_stream_.EstimatedBytes() +
           seconds_.BufferedBytes() + nanos_.BufferedBytes();
  }

 private:
  CompressedStream seconds_stream_;
  CompressedStream nanos_stream_;
  RleV2Encoder seconds_;
  RleV2Encoder nanos_;
};

}  // namespace

std::unique_ptr<ColumnWriter> NewColumnWriter(uint32_t column_id, ColumnType type,
                                              const WriterContext& context) {
  switch (type) {
    case ColumnType::kString:
      return NewStringColumnWriter(column_id, context);
    case ColumnType::kBoolean:
      return std::make_unique<BooleanColumnWriter>(column_id, context);
    case ColumnType::kInt64:
      return std::make_unique<Int64ColumnWriter>(column_id, context);
    case ColumnType::kTimestampMillis:
      return std::make_unique<TimestampColumnWriter>(column_id, context);
  }
  return nullptr;
}

std::unique_ptr<ColumnWriter> NewStructColumnWriter(const WriterContext& context) {
  return std::make_unique<StructColumnWriter>(context);
}

}  // namespace stocktake::format::orc
