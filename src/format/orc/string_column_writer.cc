#include "format/orc/string_column_writer.h"

#include <string_view>
#include <vector>

#include "format/orc/string_dictionary.h"

namespace stocktake::format::orc {
namespace {

class StringColumnWriter final : public ColumnWriter {
 public:
  StringColumnWriter(uint32_t column_id, const WriterContext& context)
      : ColumnWriter(column_id, StatsKind::kString, true, context),
        data_stream_(context.compressor, context.compression_block_size, context.pool),
        length_stream_(context.compressor, context.compression_block_size, context.pool),
        dictionary_stream_(context.compressor, context.compression_block_size, context.pool),
        lengths_(&length_stream_, /*is_signed=*/false),
        ids_rle_(&data_stream_, /*is_signed=*/false) {
    StartFirstRowGroup();
  }

  void Write(const Value* values, size_t n) override {
    WritePresent(values, n);
    // Statistics are folded over the call and copied once (see ColumnStatistics::AddStrings).
    std::string_view min_value;
    std::string_view max_value;
    uint64_t count = 0;
    uint64_t total_length = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!values[i].present) continue;
      const std::string_view s = values[i].string_value;
      if (direct_) {
        data_stream_.Write(s.data(), s.size());
        lengths_.Add(static_cast<int64_t>(s.size()));
      } else {
        ids_.push_back(dictionary_.Insert(s));
      }
      if (count == 0) {
        min_value = max_value = s;
      } else if (s < min_value) {
        min_value = s;
      } else if (s > max_value) {
        max_value = s;
      }
      ++count;
      total_length += s.size();
    }
    group_stats_.AddStrings(count, min_value, max_value, total_length);
    if (!direct_ && !early_checked_ && ids_.size() >= kEarlyCheckValues) {
      early_checked_ = true;
      if (TooManyDistinct()) SwitchToDirect();
    }
  }

 protected:
  void RecordDataPositions(size_t group, std::vector<uint64_t>* positions) override {
    if (direct_) {
      RecordDirectPositions(positions);
      return;
    }
    // Dictionary mode: the ids are encoded at the stripe end, so remember where the group starts.
    if (group_value_starts_.size() <= group) group_value_starts_.resize(group + 1);
    group_value_starts_[group] = ids_.size();
  }

  void FinishData(StripeColumn* out) override {
    // A stripe without values keeps an empty dictionary, as Apache ORC's writer does: its C++
    // reader cannot skip over only-null rows of a DIRECT string column after a seek.
    if (!direct_ && TooManyDistinct()) SwitchToDirect();
    if (direct_) {
      lengths_.Flush();
      data_stream_.Flush();
      length_stream_.Flush();
      out->streams.push_back({StreamKind::kData, &data_stream_.output()});
      out->streams.push_back({StreamKind::kLength, &length_stream_.output()});
      out->encoding.kind = EncodingKind::kDirectV2;
      return;
    }
    // The dictionary is written sorted, as Apache ORC's writers do; ids are remapped to ranks.
    dictionary_.SortedIds(&sorted_ids_);
    rank_.resize(sorted_ids_.size());
    for (size_t r = 0; r < sorted_ids_.size(); ++r)
      rank_[sorted_ids_[r]] = static_cast<uint32_t>(r);
    for (uint32_t id : sorted_ids_) {
      const std::string_view s = dictionary_.Get(id);
      dictionary_stream_.Write(s.data(), s.size());
      lengths_.Add(static_cast<int64_t>(s.size()));
    }
    Replay([this](std::vector<uint64_t>* positions) { ids_rle_.RecordPosition(positions); },
           [this](uint32_t id) { ids_rle_.Add(rank_[id]); });
    ids_rle_.Flush();
    lengths_.Flush();
    data_stream_.Flush();
    length_stream_.Flush();
    dictionary_stream_.Flush();
    out->streams.push_back({StreamKind::kData, &data_stream_.output()});
    out->streams.push_back({StreamKind::kLength, &length_stream_.output()});
    out->streams.push_back({StreamKind::kDictionaryData, &dictionary_stream_.output()});
    out->encoding.kind = EncodingKind::kDictionaryV2;
    out->encoding.dictionary_size = static_cast<uint32_t>(dictionary_.size());
  }

  void ResetData() override {
    data_stream_.Reset();
    length_stream_.Reset();
    dictionary_stream_.Reset();
    dictionary_.Clear();
    ids_.clear();
    group_value_starts_.clear();
    direct_ = false;
    early_checked_ = false;
  }

  uint64_t DataEstimatedBytes() const override {
    return data_stream_.EstimatedBytes() + length_stream_.EstimatedBytes() +
           dictionary_stream_.EstimatedBytes() + lengths_.BufferedBytes() + dictionary_.bytes() +
           ids_.size() * sizeof(uint32_t);
  }

 private:
  bool TooManyDistinct() const {
    return static_cast<double>(dictionary_.size()) >
           kMaxDictionaryRatio * static_cast<double>(ids_.size());
  }

  void RecordDirectPositions(std::vector<uint64_t>* positions) {
    // Reader order for DIRECT_V2 strings: DATA (the bytes), then LENGTH.
    data_stream_.RecordPosition(positions);
    lengths_.RecordPosition(positions);
  }

  // Calls record(positions of group g) where each row group of the stripe starts, and emit(id)
  // for every buffered value, in order.
  template <typename Record, typename Emit>
  void Replay(Record record, Emit emit) {
    const size_t groups = current_group() + 1;
    size_t g = 0;
    for (size_t i = 0; i < ids_.size(); ++i) {
      while (g < groups && group_value_starts_[g] == i) record(data_positions(g++));
      emit(ids_[i]);
    }
    while (g < groups) record(data_positions(g++));
  }

  // Leaves dictionary mode for the rest of the stripe: the buffered values go to the direct
  // streams, with the positions of the row groups they cover.
  void SwitchToDirect() {
    direct_ = true;
    Replay([this](std::vector<uint64_t>* positions) { RecordDirectPositions(positions); },
           [this](uint32_t id) {
             const std::string_view s = dictionary_.Get(id);
             data_stream_.Write(s.data(), s.size());
             lengths_.Add(static_cast<int64_t>(s.size()));
           });
    ids_.clear();
    dictionary_.Clear();
  }

  CompressedStream data_stream_;
  CompressedStream length_stream_;
  CompressedStream dictionary_stream_;
  RleV2Encoder lengths_;  // LENGTH: value lengths (direct) or dictionary entry lengths
  RleV2Encoder ids_rle_;  // DATA in dictionary mode
  bool direct_ = false;
  bool early_checked_ = false;
  StringDictionary dictionary_;
  std::vector<uint32_t> ids_;                 // dictionary mode: one id per non-null value
  std::vector<uint64_t> group_value_starts_;  // dictionary mode: first value of each row group
  std::vector<uint32_t> sorted_ids_;
  std::vector<uint32_t> rank_;
};

}  // namespace

std::unique_ptr<ColumnWriter> NewStringColumnWriter(uint32_t column_id,
                                                    const WriterContext& context) {
  return std::make_unique<StringColumnWriter>(column_id, context);
}

}  // namespace stocktake::format::orc
