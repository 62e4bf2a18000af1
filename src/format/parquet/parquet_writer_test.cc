// ParquetWriter: file structure, footer contents, row-group/page layout, statistics and the
// ReportWriter life cycle. Values are checked by independent readers in
// tests/readers/parquet_reader_test.cc; here the footer is decoded with the test-only
// CompactReader and page headers are walked to check offsets and sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "format/parquet/testing/thrift_compact_test_util.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

using parquet::testing::CompactReader;
using parquet::testing::TValue;

Schema SixColumns() {
  return {
      {"Bucket", "bucket", ColumnType::kString, true, false},
      {"Key", "key", ColumnType::kString, true, true},
      {"Size", "size", ColumnType::kInt64, false, false},
      {"LastModifiedDate", "last_modified_date", ColumnType::kTimestampMillis, false, false},
      {"StorageClass", "storage_class", ColumnType::kString, false, false},
      {"IsLatest", "is_latest", ColumnType::kBoolean, false, false},
  };
}

std::string KeyFor(int64_t row) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "data/2024/part-%09lld.bin", static_cast<long long>(row));
  return buf;
}

void FillBatch(RowBatch* batch, int64_t first_row, size_t rows) {
  batch->Clear();
  static const char* kClasses[] = {"STANDARD", "GLACIER", "STANDARD_IA"};
  for (size_t i = 0; i < rows; ++i) {
    const int64_t r = first_row + static_cast<int64_t>(i);
    batch->mutable_column(0).push_back(Value::String("bucket-1"));
    batch->mutable_column(1).push_back(Value::String(batch->CopyString(KeyFor(r))));
    batch->mutable_column(2).push_back(r % 10 == 0 ? Value::Null() : Value::Int(r * 37 % 100000));
    batch->mutable_column(3).push_back(Value::Int(1700000000000 + r));
    batch->mutable_column(4).push_back(r % 7 == 0 ? Value::Null() : Value::String(kClasses[r % 3]));
    batch->mutable_column(5).push_back(Value::Bool(r % 2 == 0));
  }
}

struct ParsedFile {
  TValue footer;
  size_t footer_start = 0;
};

uint32_t LoadLE32(const std::string& s, size_t pos) {
  uint32_t v;
  std::memcpy(&v, s.data() + pos, 4);
  return v;
}

ParsedFile Parse(const std::string& file) {
  ParsedFile p;
  EXPECT_GE(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  const uint32_t footer_len = LoadLE32(file, file.size() - 8);
  p.footer_start = file.size() - 8 - footer_len;
  CompactReader reader(std::string_view(file).substr(p.footer_start, footer_len));
  p.footer = reader.ReadStruct();
  EXPECT_EQ(reader.position(), footer_len);
  return p;
}

std::string WriteFile(const Schema& schema, const WriterOptions& options, int64_t rows) {
  io::MemoryOutputStream out;
  auto writer = NewParquetWriter(schema, &out, options);
  RowBatch batch(schema.size());
  for (int64_t r = 0; r < rows; r += 1000) {
    FillBatch(&batch, r, static_cast<size_t>(std::min<int64_t>(1000, rows - r)));
    EXPECT_TRUE(writer->Add(batch).ok());
  }
  EXPECT_EQ(writer->rows_written(), static_cast<uint64_t>(rows));
  Status st = writer->Finish();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out.contents();
}

TEST(ParquetWriterTest, EmptyReportIsAValidFile) {
  const std::string file = WriteFile(SixColumns(), WriterOptions(), 0);
  ParsedFile p = Parse(file);
  EXPECT_EQ(p.footer_start, 4u);
  const TValue& f = p.footer;
  EXPECT_EQ(f.at(1).i, 1);  // version
  EXPECT_EQ(f.at(3).i, 0);  // num_rows
  EXPECT_TRUE(f.at(4).list.empty());
  EXPECT_EQ(f.at(6).bin, "stocktake version 0.1.0");
  ASSERT_EQ(f.at(2).list.size(), 7u);
  EXPECT_EQ(f.at(2).list[0].at(4).bin, "s3.inventory");
  EXPECT_EQ(f.at(2).list[0].at(5).i, 6);
  EXPECT_EQ(f.at(7).list.size(), 6u);
}

TEST(ParquetWriterTest, SchemaFollowsTheManifest) {
  ParsedFile p = Parse(WriteFile(SixColumns(), WriterOptions(), 10));
  const auto& schema = p.footer.at(2).list;
  ASSERT_EQ(schema.size(), 7u);
  // name, physical type, repetition, converted type (-1 none)
  struct Expect {
    const char* name;
    int type;
    int repetition;
    int converted;
  };
  const Expect expected[] = {{"bucket", 6, 0, 0},        {"key", 6, 0, 0},
                             {"size", 2, 1, -1},         {"last_modified_date", 2, 1, 9},
                             {"storage_class", 6, 1, 0}, {"is_latest", 0, 1, -1}};
  for (size_t i = 0; i < 6; ++i) {
    const TValue& e = schema[i + 1];
    EXPECT_EQ(e.at(4).bin, expected[i].name);
    EXPECT_EQ(e.at(1).i, expected[i].type) << expected[i].name;
    EXPECT_EQ(e.at(3).i, expected[i].repetition) << expected[i].name;
    if (expected[i].converted < 0) {
      EXPECT_FALSE(e.has(6)) << expected[i].name;
      EXPECT_FALSE(e.has(10)) << expected[i].name;
    } else {
      EXPECT_EQ(e.at(6).i, expected[i].converted) << expected[i].name;
    }
  }
  EXPECT_TRUE(schema[2].at(10).has(1));              // STRING
  EXPECT_EQ(schema[4].at(10).at(8).at(1).i, 1);      // TIMESTAMP isAdjustedToUTC
  EXPECT_TRUE(schema[4].at(10).at(8).at(2).has(1));  // MILLIS
}

TEST(ParquetWriterTest, RowGroupsPagesOffsetsAndStatistics) {
  WriterOptions options;
  options.row_group_bytes = 256 << 10;
  options.page_bytes = 16 << 10;
  const int64_t rows = 60000;
  const std::string file = WriteFile(SixColumns(), options, rows);
  ParsedFile p = Parse(file);
  const auto& groups = p.footer.at(4).list;
  ASSERT_GT(groups.size(), 2u);
  EXPECT_EQ(p.footer.at(3).i, rows);

  int64_t expected_offset = 4;
  int64_t first_row = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    const TValue& rg = groups[g];
    const int64_t num_rows = rg.at(3).i;
    ASSERT_GT(num_rows, 0);
    EXPECT_EQ(rg.at(5).i, expected_offset);  // file_offset of the first page
    EXPECT_EQ(rg.at(7).i, static_cast<int64_t>(g));
    int64_t total_uncompressed = 0, total_compressed = 0;
    const auto& chunks = rg.at(1).list;
    ASSERT_EQ(chunks.size(), 6u);
    for (size_t c = 0; c < chunks.size(); ++c) {
      const TValue& m = chunks[c].at(3);
      EXPECT_EQ(chunks[c].at(2).i, 0);  // deprecated file_offset
      EXPECT_EQ(m.at(4).i, 1);          // SNAPPY
      EXPECT_EQ(m.at(5).i, num_rows);   // num_values (flat: one per row)
      const int64_t start = m.has(11) ? m.at(11).i : m.at(9).i;
      EXPECT_EQ(start, expected_offset);
      // Walk the page headers of the chunk: they tile it exactly.
      int64_t pos = start, values = 0;
      bool first = true;
      while (pos < start + m.at(7).i) {
        CompactReader reader(std::string_view(file).substr(static_cast<size_t>(pos)));
        TValue header = reader.ReadStruct();
        if (first && m.has(11)) {
          EXPECT_EQ(header.at(1).i, 2);  // dictionary page first
        } else {
          EXPECT_EQ(header.at(1).i, 0);
          if (first) {
            EXPECT_EQ(pos, m.at(9).i);
          }
          values += header.at(5).at(1).i;
        }
        first = false;
        pos += static_cast<int64_t>(reader.position()) + header.at(3).i;
      }
      EXPECT_EQ(pos, start + m.at(7).i);
      EXPECT_EQ(values, num_rows);
      expected_offset = pos;
      total_uncompressed += m.at(6).i;
      total_compressed += m.at(7).i;
    }
    EXPECT_EQ(rg.at(2).i, total_uncompressed);
    EXPECT_EQ(rg.at(6).i, total_compressed);

    // key: required, unique, sorted: min/max are the first and last keys of the group.
    const TValue& key_stats = chunks[1].at(3).at(12);
    EXPECT_EQ(key_stats.at(6).bin, KeyFor(first_row));
    EXPECT_EQ(key_stats.at(5).bin, KeyFor(first_row + num_rows - 1));
    EXPECT_EQ(key_stats.at(3).i, 0);
    EXPECT_FALSE(key_stats.has(1));  // no signed-order min/max for strings
    // storage_class: nulls every 7th row.
    int64_t nulls = 0;
    for (int64_t r = first_row; r < first_row + num_rows; ++r) nulls += (r % 7 == 0);
    EXPECT_EQ(chunks[4].at(3).at(12).at(3).i, nulls);
    EXPECT_EQ(chunks[4].at(3).at(12).at(6).bin, "GLACIER");
    EXPECT_EQ(chunks[4].at(3).at(12).at(5).bin, "STANDARD_IA");
    // last_modified_date: INT64 little endian min/max.
    const TValue& ts = chunks[3].at(3).at(12);
    int64_t min_ts, max_ts;
    std::memcpy(&min_ts, ts.at(6).bin.data(), 8);
    std::memcpy(&max_ts, ts.at(5).bin.data(), 8);
    EXPECT_EQ(min_ts, 1700000000000 + first_row);
    EXPECT_EQ(max_ts, 1700000000000 + first_row + num_rows - 1);
    // is_latest: both values present.
    EXPECT_EQ(chunks[5].at(3).at(12).at(6).bin, std::string(1, '\0'));
    EXPECT_EQ(chunks[5].at(3).at(12).at(5).bin, std::string(1, '\1'));

    // Encodings: storage_class is dictionary-only; key falls back to PLAIN.
    auto has_encoding = [](const TValue& meta, int e) {
      for (const TValue& v : meta.at(2).list) {
        if (v.i == e) return true;
      }
      return false;
    };
    EXPECT_TRUE(has_encoding(chunks[4].at(3), 8));
    for (const TValue& s : chunks[4].at(3).at(13).list) {
      if (s.at(1).i == 0) {
        EXPECT_EQ(s.at(2).i, 8) << "storage_class data page not dictionary";
      }
    }
    EXPECT_TRUE(has_encoding(chunks[1].at(3), 0));
    // Unique keys: the first page shows the dictionary does not pay, so none is written.
    EXPECT_FALSE(chunks[1].at(3).has(11)) << "key column has a dictionary page";
    first_row += num_rows;
  }
  EXPECT_EQ(first_row, rows);
  EXPECT_EQ(static_cast<size_t>(expected_offset), p.footer_start);
}

// Counts of (page type, encoding) from a ColumnMetaData's encoding_stats.
int PageCount(const TValue& meta, int page_type, int encoding) {
  int n = 0;
  for (const TValue& s : meta.at(13).list) {
    if (s.at(1).i == page_type && s.at(2).i == encoding) n += static_cast<int>(s.at(3).i);
  }
  return n;
}

TEST(ParquetWriterTest, DictionaryOverflowSwitchesToPlainWithinTheChunk) {
  const Schema schema = {{"Key", "key", ColumnType::kString, true, true},
                         {"Label", "label", ColumnType::kString, false, false}};
  WriterOptions options;
  options.page_bytes = 8 << 10;
  io::MemoryOutputStream out;
  auto writer = NewParquetWriter(schema, &out, options);
  RowBatch batch(2);
  const std::string long_tail(300, 'x');
  for (int r = 0; r < 20000; ++r) {
    batch.mutable_column(0).push_back(Value::String(batch.CopyString("k" + std::to_string(r))));
    // Low cardinality first (the dictionary pays), then unique long values until the dictionary
    // passes kMaxDictionaryBytes (1 MiB).
    const std::string label =
        r < 5000 ? "L" + std::to_string(r % 10) : std::to_string(r) + long_tail;
    batch.mutable_column(1).push_back(Value::String(batch.CopyString(label)));
    if (batch.num_rows() == 1000) {
      ASSERT_TRUE(writer->Add(batch).ok());
      batch.Clear();
    }
  }
  ASSERT_TRUE(writer->Finish().ok());
  ParsedFile p = Parse(out.contents());
  ASSERT_EQ(p.footer.at(4).list.size(), 1u);
  const TValue& label = p.footer.at(4).list[0].at(1).list[1].at(3);
  EXPECT_EQ(PageCount(label, 2, 0), 1);      // one PLAIN dictionary page
  EXPECT_GT(PageCount(label, 0, 8), 0);      // RLE_DICTIONARY data pages
  EXPECT_GT(PageCount(label, 0, 0), 0);      // then PLAIN data pages
  EXPECT_LT(label.at(11).i, label.at(9).i);  // dictionary page before the first data page
  const TValue& key = p.footer.at(4).list[0].at(1).list[0].at(3);
  EXPECT_FALSE(key.has(11));
  EXPECT_EQ(PageCount(key, 0, 8), 0);
}

TEST(ParquetWriterTest, EstimatedFileBytesTracksTheFile) {
  io::MemoryOutputStream out;
  WriterOptions options;
  options.page_bytes = 64 << 10;
  auto writer = NewParquetWriter(SixColumns(), &out, options);
  const uint64_t empty = writer->EstimatedFileBytes();
  RowBatch batch(6);
  for (int64_t r = 0; r < 50000; r += 1000) {
    FillBatch(&batch, r, 1000);
    ASSERT_TRUE(writer->Add(batch).ok());
  }
  const uint64_t estimate = writer->EstimatedFileBytes();
  EXPECT_GT(estimate, empty);
  ASSERT_TRUE(writer->Finish().ok());
  const double ratio = static_cast<double>(estimate) / static_cast<double>(out.contents().size());
  EXPECT_GT(ratio, 0.7);
  EXPECT_LT(ratio, 1.5);
}

TEST(ParquetWriterTest, NullInRequiredColumnIsStickyError) {
  io::MemoryOutputStream out;
  auto writer = NewParquetWriter(SixColumns(), &out, WriterOptions());
  RowBatch batch(6);
  FillBatch(&batch, 0, 10);
  batch.mutable_column(1)[5] = Value::Null();
  Status st = writer->Add(batch);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("key"), std::string::npos);
  FillBatch(&batch, 0, 10);
  EXPECT_EQ(writer->Add(batch).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Finish().code(), StatusCode::kInvalidArgument);
}

TEST(ParquetWriterTest, BatchShapeIsChecked) {
  io::MemoryOutputStream out;
  auto writer = NewParquetWriter(SixColumns(), &out, WriterOptions());
  RowBatch batch(5);
  EXPECT_EQ(writer->Add(batch).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Finish().code(), StatusCode::kInvalidArgument);

  io::MemoryOutputStream out2;
  auto writer2 = NewParquetWriter(SixColumns(), &out2, WriterOptions());
  RowBatch ragged(6);
  FillBatch(&ragged, 0, 3);
  ragged.mutable_column(2).pop_back();
  EXPECT_EQ(writer2->Add(ragged).code(), StatusCode::kInvalidArgument);
}

TEST(ParquetWriterTest, LifeCycle) {
  {
    // The destructor does no I/O: buffered rows are simply dropped.
    io::MemoryOutputStream out;
    {
      auto writer = NewParquetWriter(SixColumns(), &out, WriterOptions());
      RowBatch batch(6);
      FillBatch(&batch, 0, 100);
      ASSERT_TRUE(writer->Add(batch).ok());
    }
    EXPECT_TRUE(out.contents().empty());
  }
  {
    io::MemoryOutputStream out;
    auto writer = NewParquetWriter(SixColumns(), &out, WriterOptions());
    writer->Abandon();
    RowBatch batch(6);
    FillBatch(&batch, 0, 1);
    EXPECT_EQ(writer->Add(batch).code(), StatusCode::kAborted);
    EXPECT_EQ(writer->Finish().code(), StatusCode::kAborted);
    EXPECT_TRUE(out.contents().empty());
  }
  {
    io::MemoryOutputStream out;
    auto writer = NewParquetWriter(SixColumns(), &out, WriterOptions());
    ASSERT_TRUE(writer->Finish().ok());
    RowBatch batch(6);
    EXPECT_EQ(writer->Add(batch).code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(writer->Finish().code(), StatusCode::kFailedPrecondition);
  }
  {
    io::MemoryOutputStream out;
    auto writer = NewParquetWriter({}, &out, WriterOptions());
    EXPECT_EQ(writer->Finish().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace stocktake::format
