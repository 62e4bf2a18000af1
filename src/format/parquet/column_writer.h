// ColumnWriter: builds one column's chunk of the current row group — definition levels, values
// (dictionary or PLAIN encoded), Snappy-compressed data pages (v1) and min/max/null statistics —
// and writes it out when the row group ends. One per schema column, owned by the ParquetWriter;
// state persists across row groups only for the dictionary decision (see below).
//
// Encoding (Encodings.md): BYTE_ARRAY and INT64 columns start each chunk dictionary-encoded
// (PLAIN dictionary page + RLE_DICTIONARY data pages). The chunk falls back to PLAIN data pages —
// parquet-mr style, within the same chunk, after the dictionary-encoded pages already written —
// when the dictionary exceeds kMaxDictionaryBytes / kMaxDictionaryEntries. Before that, the
// chunk's first page decides early: if dictionary + indices are no smaller than the PLAIN values
// (near-unique data: keys, ETags), that page is re-encoded PLAIN and no dictionary is written.
// A column that gave up starts later chunks in PLAIN directly. BOOLEAN is always PLAIN.
//
// Not thread-safe. Buffers (pages, dictionary, scratch) are reused across pages and chunks, so
// steady-state writing allocates nothing per value. The finished pages of a chunk, the bulk of a
// row group, live in fixed-size blocks (io::BlockBuffer) shared by the columns of a file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "format/parquet/dictionary.h"
#include "format/parquet/parquet_metadata.h"
#include "format/parquet/plain_encoding.h"
#include "format/parquet/rle_encoder.h"
#include "format/row_batch.h"
#include "format/schema.h"
#include "io/block_buffer.h"
#include "io/output_stream.h"

namespace stocktake::format::parquet {

// Limits. Dictionary limits follow the spec's "if the dictionary grows too big, whether in size or
// number of distinct values, the encoding will fall back to the plain encoding".
inline constexpr uint64_t kMaxDictionaryBytes = 1ull << 20;  // PLAIN size of the dictionary page
inline constexpr uint32_t kMaxDictionaryEntries = 1u << 17;
// A page also ends after this many values (levels included), whatever its byte size, so that
// highly compressible pages (long RLE runs) stay small for readers.
inline constexpr int32_t kMaxValuesPerPage = 1 << 17;

// A column gives up dictionary encoding for the rest of the file (not just the chunk) only when
// the first page that showed it does not pay held at least this many values.
inline constexpr size_t kMinValuesToGiveUpDictionary = 1024;

// Parquet physical type of a report column (schema.h).
Type PhysicalType(ColumnType type);

// What the column writers of one file share: the pool their chunks' finished pages are kept in
// (a row group's blocks are reused by the next one, whichever columns they served), and the
// scratch a page is built and compressed in (columns flush one page at a time; one scratch
// instead of one per column saves a page and a compressed page per column).
struct SharedBuffers {
  io::BlockPool pool;
  std::string page_body;
  std::string compressed_page;
};

class ColumnWriter {
 public:
  // `shared` outlives the writer.
  ColumnWriter(const Column& column, uint64_t page_bytes, SharedBuffers* shared);
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  // Appends `count` values to the chunk. InvalidArgument on a null in a required column.
  Status Write(const Value* values, size_t count);

  // Encoded, uncompressed bytes of the chunk so far (row group sizing).
  uint64_t EstimatedUncompressedBytes() const;
  // Bytes the chunk would take in the file if finished now (approximate).
  uint64_t EstimatedFileBytes() const;

  // Ends the chunk: flushes the open page, writes the dictionary page (if any) then the data
  // pages to `out`, whose first byte lands at file offset `chunk_offset`, and describes the chunk
  // in `chunk`. The writer is then empty and ready for the next row group.
  Status FinishChunk(int64_t chunk_offset, io::OutputStream* out, ColumnChunk* chunk);

 private:
  // Min/max/null count of a page or chunk, in the column's type order (signed for INT64 and
  // BOOLEAN; unsigned byte-wise for BYTE_ARRAY, ColumnOrder TYPE_ORDER).
  struct ValueStats {
    int64_t null_count = 0;
    bool has_min_max = false;
    int64_t min_int = 0, max_int = 0;
    std::string min_bytes, max_bytes;
    void Reset();
    void MergeInts(int64_t lo, int64_t hi);
    void MergeBytes(std::string_view lo, std::string_view hi);
    void Merge(const ValueStats& other, bool byte_array);
  };

  Status WriteByteArrays(const Value* values, size_t count);
  Status WriteInt64s(const Value* values, size_t count);
  Status WriteBooleans(const Value* values, size_t count);
  Status NullInRequiredColumn() const;

  void PutLevel(bool present) {
    if (!required_) def_levels_.Put(present ? 1 : 0);
  }
  uint64_t EstimatedPageBytes() const;
  bool PageFull() const {
    return page_values_ >= kMaxValuesPerPage || (dictionary_mode_ && dictionary_full_) ||
           EstimatedPageBytes() >= page_bytes_;
  }
  void NoteDictionarySize() {
    if (dictionary_.plain_bytes() > kMaxDictionaryBytes ||
        dictionary_.size() >= kMaxDictionaryEntries) {
      dictionary_full_ = true;
    }
  }
  bool DictionaryPays() const;
  void DictionaryToPlain();
  void DropDictionary();
  Status FlushPage();
  // Compresses `body` and serializes `header` for it into header_; counts chunk sizes. Returns
  // the compressed body (in the shared scratch); the page is header_ + that.
  Result<std::string_view> EncodePage(PageHeader* header, std::string_view body);
  void FillStatistics(const ValueStats& stats, Statistics* out) const;
  void ResetChunk();

  // Column description.
  const std::string name_;
  const Type physical_type_;
  const bool required_;
  const uint64_t page_bytes_;
  SharedBuffers& shared_;

  // Encoding state.
  bool dictionary_mode_;          // current page appends dictionary indices
  bool dictionary_gave_up_;       // sticky: later chunks start PLAIN
  bool dictionary_full_ = false;  // fall back to PLAIN after the open page
  Dictionary dictionary_;

  // Open page.
  RleEncoder def_levels_{1};
  std::vector<uint32_t> indices_;  // dictionary indices of the non-null values
  std::string values_;             // PLAIN-encoded non-null values
  BooleanPacker booleans_;
  int32_t page_values_ = 0;        // including nulls
  uint64_t page_plain_bytes_ = 0;  // PLAIN size of the page's values, for the dictionary check
  ValueStats page_stats_;

  // Finished pages of the chunk and its totals.
  io::BlockBuffer pages_;
  int64_t chunk_values_ = 0;
  int64_t chunk_uncompressed_bytes_ = 0;
  int64_t chunk_compressed_bytes_ = 0;
  int32_t dictionary_data_pages_ = 0;
  int32_t plain_data_pages_ = 0;
  ValueStats chunk_stats_;
  // Page bodies before/after compression over the writer's life, for size estimates.
  uint64_t pages_uncompressed_total_ = 0;
  uint64_t pages_compressed_total_ = 0;

  // Scratch, reused.
  RleEncoder index_encoder_{1};
  std::string header_;
  Statistics page_statistics_;
};

}  // namespace stocktake::format::parquet
