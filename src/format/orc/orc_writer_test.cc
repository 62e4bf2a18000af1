// Life-cycle tests of the ORC ReportWriter (sticky errors, Finish/Abandon, file framing). The
// content is checked against Apache ORC's reader in tests/readers/orc_apache_reader_test.cc.
#include <gtest/gtest.h>

#include <algorithm>

#include "format/orc/testing/orc_test_util.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace {

Schema TwoColumns() {
  return {{"Key", "key", ColumnType::kString, true, true},
          {"Size", "size", ColumnType::kInt64, false, false}};
}

RowBatch Batch(size_t rows, size_t first = 0) {
  RowBatch b(2);
  for (size_t i = first; i < first + rows; ++i) {
    b.mutable_column(0).push_back(Value::String(b.CopyString("key-" + std::to_string(i))));
    b.mutable_column(1).push_back(i % 5 == 0 ? Value::Null() : Value::Int(static_cast<int64_t>(i)));
  }
  return b;
}

class FailingStream final : public io::OutputStream {
 public:
  explicit FailingStream(uint64_t fail_after) : fail_after_(fail_after) {}
  Status Write(std::string_view data) override {
    if (bytes_ + data.size() > fail_after_) return Status::IOError("disk full");
    bytes_ += data.size();
    return Status::OK();
  }
  Status Close() override {
    closed_ = true;
    return Status::OK();
  }
  uint64_t bytes_written() const override { return bytes_; }
  bool closed() const { return closed_; }

 private:
  uint64_t fail_after_;
  uint64_t bytes_ = 0;
  bool closed_ = false;
};

TEST(OrcWriterTest, FileIsFramedByMagicAndPostScript) {
  io::MemoryOutputStream out;
  auto writer = NewOrcWriter(TwoColumns(), &out, {});
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Add(Batch(25000)).ok());
  EXPECT_EQ(writer->rows_written(), 25000u);
  EXPECT_GT(writer->EstimatedFileBytes(), 0u);
  ASSERT_TRUE(writer->Finish().ok());
  const std::string& f = out.contents();
  ASSERT_GT(f.size(), 10u);
  EXPECT_EQ(f.substr(0, 3), "ORC");
  // Spec "File Tail": the last byte is the PostScript length; the PostScript ends with its
  // magic field (8000, "ORC") and is not compressed.
  const auto ps_length = static_cast<uint8_t>(f.back());
  ASSERT_LT(ps_length, f.size());
  const std::string ps = f.substr(f.size() - 1 - ps_length, ps_length);
  EXPECT_EQ(ps.substr(ps.size() - 7, 7), std::string("\x82\xf4\x03\x03ORC", 7));
}

TEST(OrcWriterTest, ErrorsAreSticky) {
  FailingStream out(10);  // fails on the first stripe
  WriterOptions options;
  options.row_group_bytes = 1;  // a stripe per Add chunk
  auto writer = NewOrcWriter(TwoColumns(), &out, options);
  const Status first = writer->Add(Batch(10));
  EXPECT_EQ(first.code(), StatusCode::kIOError);
  EXPECT_EQ(writer->Add(Batch(10)).code(), StatusCode::kIOError);
  EXPECT_EQ(writer->Finish().code(), StatusCode::kIOError);
  EXPECT_FALSE(out.closed());
}

TEST(OrcWriterTest, BadBatchesAreRejected) {
  io::MemoryOutputStream out;
  auto writer = NewOrcWriter(TwoColumns(), &out, {});
  RowBatch wrong(3);
  EXPECT_EQ(writer->Add(wrong).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->Finish().code(), StatusCode::kInvalidArgument);  // sticky

  io::MemoryOutputStream out2;
  auto writer2 = NewOrcWriter(TwoColumns(), &out2, {});
  RowBatch ragged(2);
  ragged.mutable_column(0).push_back(Value::String("a"));
  EXPECT_EQ(writer2->Add(ragged).code(), StatusCode::kInvalidArgument);
}

TEST(OrcWriterTest, FinishTwiceAndAbandon) {
  io::MemoryOutputStream out;
  auto writer = NewOrcWriter(TwoColumns(), &out, {});
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(writer->Finish().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->Add(Batch(1)).code(), StatusCode::kFailedPrecondition);

  FailingStream untouched(1 << 20);
  auto abandoned = NewOrcWriter(TwoColumns(), &untouched, {});
  ASSERT_TRUE(abandoned->Add(Batch(100)).ok());
  abandoned->Abandon();
  EXPECT_EQ(abandoned->Add(Batch(1)).code(), StatusCode::kFailedPrecondition);
  abandoned.reset();  // no I/O in the destructor
  EXPECT_EQ(untouched.bytes_written(), 0u);
  EXPECT_FALSE(untouched.closed());
}

TEST(OrcWriterTest, StripesFollowTheSizeTarget) {
  // A small target writes stripes while rows arrive, each bounded by the target plus at most one
  // write chunk; the default target (64 MiB) keeps these 200,000 rows in one stripe until Finish.
  io::MemoryOutputStream small_stripes;
  WriterOptions options;
  options.row_group_bytes = 64 * 1024;
  auto writer = NewOrcWriter(TwoColumns(), &small_stripes, options);
  size_t previous = 0;
  size_t largest_step = 0;
  for (size_t i = 0; i < 200; ++i) {
    ASSERT_TRUE(writer->Add(Batch(1000, i * 1000)).ok());
    largest_step = std::max(largest_step, small_stripes.contents().size() - previous);
    previous = small_stripes.contents().size();
  }
  EXPECT_GT(previous, 0u);
  EXPECT_LT(largest_step, 2u * 64 * 1024);
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_GT(previous, small_stripes.contents().size() / 2);

  io::MemoryOutputStream one_stripe;
  auto writer2 = NewOrcWriter(TwoColumns(), &one_stripe, {});
  for (size_t i = 0; i < 200; ++i) ASSERT_TRUE(writer2->Add(Batch(1000, i * 1000)).ok());
  EXPECT_EQ(one_stripe.contents().size(), 0u);
  EXPECT_GT(writer2->EstimatedFileBytes(), 64u * 1024);
  ASSERT_TRUE(writer2->Finish().ok());
}

}  // namespace
}  // namespace stocktake::format
