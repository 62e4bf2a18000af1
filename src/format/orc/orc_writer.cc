// The ORC report writer (ORC specification v1, file version 0.12), structured as Apache ORC's
// c++/src/Writer.cc: Add() feeds the column writers and writes a stripe when the buffered size
// reaches the target; Finish() writes the last stripe, then the file tail in its fixed order:
// Metadata (stripe statistics) -> Footer -> PostScript -> 1-byte PostScript length.
//
// File layout (spec "File Tail", "Stripes"):
//   "ORC" | stripe* | Metadata | Footer | PostScript | psLen
//   stripe = ROW_INDEX streams of every column | data streams of every column | StripeFooter
// Everything but the PostScript and its length byte is ZLIB-compressed in chunks.
//
// Type: struct<c1:t1,...> over the report columns: column 0 is the struct, column i + 1 is
// report column i (string -> STRING, boolean -> BOOLEAN, bigint -> LONG, timestamp -> TIMESTAMP).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "format/orc/column_writer.h"
#include "format/orc/compression_stream.h"
#include "format/orc/orc_proto.h"
#include "format/report_writer.h"

namespace stocktake::format {
namespace orc {
namespace {

// On-disk and compatibility constants; changing any of them changes the files.
constexpr char kMagic[] = "ORC";  // spec "File Tail": the file starts with it
constexpr uint64_t kHeaderLength = 3;
constexpr uint32_t kRowIndexStride = 10000;  // rows per row group (spec "Indexes")
constexpr size_t kCompressionBlockSize = 256 * 1024;
constexpr uint32_t kFileVersionMajor = 0;   // PostScript.version [0, 12] = Hive 0.12,
constexpr uint32_t kFileVersionMinor = 12;  // the ORC v1 format with RLE v2
// PostScript.writer_version: writers other than ORC Java number their versions from 6
// ("ORC-135": timestamp statistics are UTC), as orc_proto.proto asks.
constexpr uint32_t kWriterVersion = 6;
// Footer.writer: Stocktake has no registered writer code (0 Java, 1 C++, 2 Presto, 3 Scritchley Go,
// 4 Trino, 5 CUDF are taken), so it uses an unregistered one rather than impersonate another
// writer's bug history. Apache ORC's readers treat unknown writers as "future" (all fixes in).
constexpr uint32_t kWriterId = 0x5354;  // "ST"
constexpr char kWriterTimezone[] = "UTC";
// Deflate level (igzip): 1 keeps the writer well above its throughput target; columnar RLE has
// already removed most redundancy (see compression_stream.h).
constexpr int kDeflateLevel = 1;
// Rows handed to the column writers per call: bounds how far a stripe can overshoot its target
// between two size checks.
constexpr size_t kMaxRowsPerWrite = 1024;

TypeKind OrcTypeKind(ColumnType type) {
  switch (type) {
    case ColumnType::kString:
      return TypeKind::kString;
    case ColumnType::kBoolean:
      return TypeKind::kBoolean;
    case ColumnType::kInt64:
      return TypeKind::kLong;
    case ColumnType::kTimestampMillis:
      return TypeKind::kTimestamp;
  }
  return TypeKind::kString;
}

class OrcWriter final : public ReportWriter {
 public:
  OrcWriter(const Schema& schema, io::OutputStream* out, const WriterOptions& options)
      : schema_(schema),
        out_(out),
        options_(options),
        compressor_(kDeflateLevel),
        context_{&compressor_, kCompressionBlockSize, &pool_} {
    columns_.push_back(NewStructColumnWriter(context_));
    for (size_t i = 0; i < schema_.size(); ++i) {
      columns_.push_back(NewColumnWriter(static_cast<uint32_t>(i + 1), schema_[i].type, context_));
    }
    stripe_columns_.resize(columns_.size());
    status_ = compressor_.status();
  }

  Status Add(const RowBatch& batch) override {
    RETURN_IF_ERROR(CheckWritable());
    if (batch.num_columns() != schema_.size()) {
      return status_ =
                 Status::InvalidArgument("orc: batch has " + std::to_string(batch.num_columns()) +
                                         " columns, schema has " + std::to_string(schema_.size()));
    }
    const size_t rows = batch.num_rows();
    for (size_t c = 0; c < schema_.size(); ++c) {
      if (batch.column(c).size() != rows) {
        return status_ = Status::InvalidArgument("orc: batch columns differ in length");
      }
    }
    size_t row = 0;
    while (row < rows) {
      // Row groups start lazily, so a stripe never ends with an empty one.
      if (group_rows_ == kRowIndexStride) {
        for (auto& column : columns_) column->StartNextRowGroup();
        group_rows_ = 0;
      }
      const size_t n =
          std::min({rows - row, size_t{kRowIndexStride} - group_rows_, kMaxRowsPerWrite});
      columns_[0]->Write(nullptr, n);
      for (size_t c = 0; c < schema_.size(); ++c) {
        columns_[c + 1]->Write(batch.column(c).data() + row, n);
      }
      row += n;
      group_rows_ += n;
      stripe_rows_ += n;
      if (StripeBytes() >= options_.row_group_bytes) RETURN_IF_ERROR(status_ = WriteStripe());
    }
    return Status::OK();
  }

  Status Finish() override {
    RETURN_IF_ERROR(CheckWritable());
    finished_ = true;
    if (stripe_rows_ > 0) RETURN_IF_ERROR(status_ = WriteStripe());
    return status_ = WriteTail();
  }

  void Abandon() override { finished_ = true; }

  uint64_t rows_written() const override { return rows_in_stripes_ + stripe_rows_; }

  uint64_t EstimatedFileBytes() const override { return offset_ + StripeBytes(); }

 private:
  Status CheckWritable() const {
    if (!status_.ok()) return status_;
    if (finished_) return Status::FailedPrecondition("orc: writer already finished or abandoned");
    return Status::OK();
  }

  // What the current stripe holds in memory: compressed streams, pending chunks, dictionaries and
  // dictionary ids (as Apache ORC's writers compare their buffered size with the stripe size).
  uint64_t StripeBytes() const {
    uint64_t bytes = 0;
    for (const auto& column : columns_) bytes += column->EstimatedBytes();
    return bytes;
  }

  Status Write(std::string_view data) {
    RETURN_IF_ERROR(out_->Write(data));
    offset_ += data.size();
    return Status::OK();
  }

  // Writes the buffered rows as one stripe (spec "Stripes"): index streams, data streams, footer.
  Status WriteStripe() {
    for (size_t c = 0; c < columns_.size(); ++c) columns_[c]->FinishStripe(&stripe_columns_[c]);

    if (offset_ == 0) RETURN_IF_ERROR(Write(std::string_view(kMagic, kHeaderLength)));
    StripeInfo info;
    info.offset = offset_;
    info.number_of_rows = stripe_rows_;
    stream_infos_.clear();
    encodings_.clear();
    stripe_statistics_.clear();
    for (size_t c = 0; c < columns_.size(); ++c) {
      const StripeColumn& sc = stripe_columns_[c];
      compressed_.clear();
      CompressedStream::CompressAll(&compressor_, kCompressionBlockSize, sc.row_index,
                                    &compressed_);
      RETURN_IF_ERROR(Write(compressed_));
      info.index_length += compressed_.size();
      stream_infos_.push_back(
          {StreamKind::kRowIndex, static_cast<uint32_t>(c), compressed_.size()});
      encodings_.push_back(sc.encoding);
      stripe_statistics_.push_back(sc.statistics);
    }
    for (size_t c = 0; c < columns_.size(); ++c) {
      for (const StripeColumn::Stream& s : stripe_columns_[c].streams) {
        RETURN_IF_ERROR(s.bytes->WriteTo(out_));
        offset_ += s.bytes->size();
        info.data_length += s.bytes->size();
        stream_infos_.push_back({s.kind, static_cast<uint32_t>(c), s.bytes->size()});
      }
    }
    compressed_.clear();
    CompressedStream::CompressAll(&compressor_, kCompressionBlockSize,
                                  EncodeStripeFooter(stream_infos_, encodings_, kWriterTimezone),
                                  &compressed_);
    RETURN_IF_ERROR(Write(compressed_));
    info.footer_length = compressed_.size();
    RETURN_IF_ERROR(compressor_.status());

    stripes_.push_back(info);
    AppendStripeStatistics(&metadata_, stripe_statistics_);
    rows_in_stripes_ += stripe_rows_;
    stripe_rows_ = 0;
    group_rows_ = 0;
    for (auto& column : columns_) column->ResetStripe();
    return Status::OK();
  }

  // Metadata, Footer, PostScript, PostScript length (spec "File Tail").
  Status WriteTail() {
    if (offset_ == 0) RETURN_IF_ERROR(Write(std::string_view(kMagic, kHeaderLength)));
    PostScriptInfo ps;
    ps.compression = CompressionKind::kZlib;
    ps.compression_block_size = kCompressionBlockSize;
    ps.version_major = kFileVersionMajor;
    ps.version_minor = kFileVersionMinor;
    ps.writer_version = kWriterVersion;

    compressed_.clear();
    CompressedStream::CompressAll(&compressor_, kCompressionBlockSize, metadata_, &compressed_);
    ps.metadata_length = compressed_.size();
    const uint64_t content_end = offset_;
    RETURN_IF_ERROR(Write(compressed_));

    FooterInfo footer;
    footer.header_length = kHeaderLength;
    footer.content_length = content_end - kHeaderLength;
    footer.stripes = stripes_;
    TypeInfo root{TypeKind::kStruct, {}, {}};
    for (size_t i = 0; i < schema_.size(); ++i) {
      root.subtypes.push_back(static_cast<uint32_t>(i + 1));
      root.field_names.push_back(schema_[i].column_name);
    }
    footer.types.push_back(std::move(root));
    for (const Column& column : schema_) footer.types.push_back({OrcTypeKind(column.type), {}, {}});
    footer.number_of_rows = rows_in_stripes_;
    for (const auto& column : columns_)
      footer.statistics.push_back(column->file_statistics().Encode());
    footer.row_index_stride = kRowIndexStride;
    footer.writer = kWriterId;
    footer.software_version = options_.created_by;

    compressed_.clear();
    CompressedStream::CompressAll(&compressor_, kCompressionBlockSize, EncodeFooter(footer),
                                  &compressed_);
    ps.footer_length = compressed_.size();
    RETURN_IF_ERROR(Write(compressed_));
    RETURN_IF_ERROR(compressor_.status());

    std::string postscript = EncodePostScript(ps);
    if (postscript.size() > 255) return Status::Internal("orc: postscript longer than 255 bytes");
    postscript.push_back(static_cast<char>(postscript.size()));
    RETURN_IF_ERROR(Write(postscript));
    return out_->Close();
  }

  const Schema schema_;
  io::OutputStream* out_;
  const WriterOptions options_;
  DeflateCompressor compressor_;
  io::BlockPool pool_;  // before the column writers, whose streams use it
  WriterContext context_;
  std::vector<std::unique_ptr<ColumnWriter>> columns_;  // [0] is the root struct
  std::vector<StripeColumn> stripe_columns_;
  Status status_;
  bool finished_ = false;
  uint64_t offset_ = 0;  // bytes written to out_; the "ORC" header goes out with the first stripe
  uint64_t stripe_rows_ = 0;
  uint64_t group_rows_ = 0;
  uint64_t rows_in_stripes_ = 0;
  std::vector<StripeInfo> stripes_;
  std::string metadata_;  // encoded Metadata, one StripeStatistics per stripe
  // Scratch reused stripe after stripe.
  std::string compressed_;
  std::vector<StreamInfo> stream_infos_;
  std::vector<ColumnEncodingInfo> encodings_;
  std::vector<std::string> stripe_statistics_;
};

}  // namespace
}  // namespace orc

std::unique_ptr<ReportWriter> NewOrcWriter(const Schema& schema, io::OutputStream* out,
                                           const WriterOptions& options) {
  return std::make_unique<orc::OrcWriter>(schema, out, options);
}

}  // namespace stocktake::format
