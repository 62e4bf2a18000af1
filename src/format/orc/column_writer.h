// Column writers: one per ORC column id, as Apache ORC's ColumnWriter.hh. Each owns its streams
// (compressed in memory until the stripe is written), its encoders, and its statistics at three
// levels: row group (row index entries), stripe (file Metadata) and file (Footer).
//
// Life cycle, driven by OrcWriter:
//   Write(values, n)*            values within the current row group (no call crosses a row
//                                group boundary: the driver calls StartNextRowGroup() there)
//   StartNextRowGroup()          closes a row group (ORC spec v1 "Indexes": one entry per
//                                rowIndexStride rows) and records where the next one starts
//   FinishStripe(&out)           closes the last group, flushes encoders, fills streams, encoding,
//                                row index and stripe statistics; the buffers stay valid until
//   ResetStripe()                which starts the next stripe.
//
// Row index positions of a column are the PRESENT stream's (only if the stripe has a PRESENT
// stream) followed by the data streams', in the order the reader consumes them.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/orc/byte_rle.h"
#include "format/orc/compression_stream.h"
#include "format/orc/orc_proto.h"
#include "format/orc/rle_v2.h"
#include "format/orc/statistics.h"
#include "format/row_batch.h"
#include "format/schema.h"

namespace stocktake::format::orc {

struct WriterContext {
  DeflateCompressor* compressor;  // not owned
  size_t compression_block_size;
  io::BlockPool* pool;  // not owned: the blocks of every stream's compressed output
};

// What a column contributes to one stripe. The pointed-to streams belong to the column writer.
struct StripeColumn {
  struct Stream {
    StreamKind kind;
    const io::BlockBuffer* bytes;
  };
  std::vector<Stream> streams;  // data streams, in file order
  ColumnEncodingInfo encoding;
  std::string row_index;   // encoded RowIndex, uncompressed
  std::string statistics;  // encoded ColumnStatistics of the stripe

  void Clear() {
    streams.clear();
    encoding = {};
    row_index.clear();
    statistics.clear();
  }
};

class ColumnWriter {
 public:
  virtual ~ColumnWriter() = default;

  // Appends `n` values of this column (all in the current row group). The struct column gets
  // values == nullptr.
  virtual void Write(const Value* values, size_t n) = 0;

  void StartNextRowGroup();
  void FinishStripe(StripeColumn* out);
  void ResetStripe();

  // Bytes this column holds for the current stripe (encoded, compressed or pending).
  uint64_t EstimatedBytes() const;

  uint32_t column_id() const { return column_id_; }
  const ColumnStatistics& file_statistics() const { return file_stats_; }

 protected:
  ColumnWriter(uint32_t column_id, StatsKind kind, bool nullable, const WriterContext& context);

  // Call once from the subclass constructor, after its encoders exist: records the positions of
  // row group 0.
  void StartFirstRowGroup() { RecordStartPositions(); }

  // Encodes the PRESENT bits of `values` and counts nulls into the row group statistics.
  // Returns the number of non-null values.
  size_t WritePresent(const Value* values, size_t n);

  // Appends the data streams' positions for the start of row group `group`.
  virtual void RecordDataPositions(size_t group, std::vector<uint64_t>* positions) = 0;
  // Flushes the data encoders and lists the data streams and the encoding in `out`. May fill in
  // data positions of row groups (see data_positions()) that were not known while writing.
  virtual void FinishData(StripeColumn* out) = 0;
  virtual void ResetData() = 0;
  virtual uint64_t DataEstimatedBytes() const = 0;

  std::vector<uint64_t>* data_positions(size_t group) { return &groups_[group].data_positions; }
  size_t current_group() const { return current_group_; }

  const WriterContext context_;
  ColumnStatistics group_stats_;

 private:
  struct RowGroup {
    std::vector<uint64_t> present_positions;
    std::vector<uint64_t> data_positions;
    std::string statistics;  // encoded ColumnStatistics of the group
  };
  void RecordStartPositions();
  void CloseRowGroup();

  uint32_t column_id_;
  bool nullable_;
  CompressedStream present_stream_;
  BooleanEncoder present_;
  bool stripe_has_nulls_ = false;
  std::vector<RowGroup> groups_;  // reused across stripes; [0, current_group_] are live
  size_t current_group_ = 0;
  std::vector<uint64_t> positions_;  // scratch
  ColumnStatistics stripe_stats_;
  ColumnStatistics file_stats_;
};

// Creates the writer of one top-level column of the report.
std::unique_ptr<ColumnWriter> NewColumnWriter(uint32_t column_id, ColumnType type,
                                              const WriterContext& context);
// The root struct column (column id 0): statistics and row index only, no streams.
std::unique_ptr<ColumnWriter> NewStructColumnWriter(const WriterContext& context);

}  // namespace stocktake::format::orc
