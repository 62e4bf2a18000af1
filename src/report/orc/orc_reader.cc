// ORC data files (ORC spec v1, "File Tail", "Stripes"): "ORC", stripes (index streams, data
// streams, stripe footer), metadata, footer, postscript, and the postscript's length in the last
// byte. The reader reads the tail, then one stripe at a time. The root type is a struct of
// primitive columns (every inventory report, spec §5.3) or a single primitive column.
#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "report/orc/column_reader.h"
#include "report/orc/orc_metadata.h"
#include "report/orc/orc_rle.h"
#include "report/orc/orc_stream.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

using orc::BooleanDecoder;
using orc::CellKindFor;
using orc::ColumnEncoding;
using orc::ColumnReader;
using orc::DecodeFooter;
using orc::DecodePostScript;
using orc::DecodeStripeFooter;
using orc::DecompressAll;
using orc::Footer;
using orc::InputStream;
using orc::NewColumnReader;
using orc::PostScript;
using orc::Stream;
using orc::StreamKind;
using orc::StripeContext;
using orc::StripeFooter;
using orc::StripeInformation;
using orc::Type;
using orc::TypeKind;
using orc::TypeName;

// The tail is read in one request of this size when the file is at least that long (the ORC
// spec suggests 16 KiB); a bigger footer costs a second read.
constexpr uint64_t kTailGuessBytes = 16 << 10;
constexpr uint64_t kMaxSectionBytes = 256 << 20;

class OrcReader final : public RowSource {
 public:
  explicit OrcReader(ByteSource* source) : source_(source) {}

  Status Open() {
    ASSIGN_OR_RETURN(file_size_, source_->Size());
    if (file_size_ < 4) return Error("too short to be an ORC file");
    std::string tail;
    uint64_t tail_size = std::min(file_size_, kTailGuessBytes);
    RETURN_IF_ERROR(source_->ReadAt(file_size_ - tail_size, tail_size, &tail));
    auto ps_length = static_cast<uint8_t>(tail.back());
    if (ps_length == 0 || ps_length + 1u > tail_size) return Error("bad postscript length");
    auto ps = DecodePostScript(std::string_view(tail).substr(tail_size - 1 - ps_length, ps_length));
    if (!ps.ok()) return Error(ps.status().message());
    postscript_ = *ps;
    if (postscript_.magic != "ORC") return Error("no ORC magic in the postscript");
    if (postscript_.compression_block_size == 0 ||
        postscript_.compression_block_size > kMaxSectionBytes) {
      return Error("bad compression block size");
    }
    uint64_t footer_length = postscript_.footer_length;
    if (footer_length > kMaxSectionBytes || footer_length + ps_length + 1 > file_size_) {
      return Error("footer length out of range");
    }
    std::string footer_raw;
    uint64_t footer_start = file_size_ - 1 - ps_length - footer_length;
    if (footer_length + ps_length + 1 <= tail_size) {
      footer_raw = tail.substr(tail_size - 1 - ps_length - footer_length, footer_length);
    } else {
      RETURN_IF_ERROR(source_->ReadAt(footer_start, footer_length, &footer_raw));
    }
    std::string footer_bytes;
    Status st = DecompressAll(footer_raw, postscript_.compression,
                              postscript_.compression_block_size, "footer", &footer_bytes);
    if (!st.ok()) return Error(st.message());
    auto footer = DecodeFooter(footer_bytes);
    if (!footer.ok()) return Error(footer.status().message());
    footer_ = std::move(*footer);
    return DescribeSchema();
  }

  const std::vector<SourceColumn>& columns() const override { return columns_; }
  std::optional<uint64_t> declared_rows() const override { return footer_.number_of_rows; }

  Result<bool> Next(Row* row) override {
    while (rows_left_in_stripe_ == 0) {
      if (next_stripe_ >= footer_.stripes.size()) return false;
      Status st = LoadStripe(next_stripe_++);
      if (!st.ok()) return Error(st.message());
    }
    --rows_left_in_stripe_;
    row->resize(columns_.size());
    if (root_present_) {
      bool present;
      Status st = root_present_->Next(&present);
      if (!st.ok()) return Error(st.message());
      if (!present) {  // a null row: its children have no values for it
        for (Cell& cell : *row) cell.SetNull();
        return true;
      }
    }
    for (size_t i = 0; i < readers_.size(); ++i) {
      Status st = readers_[i]->Next(&(*row)[i]);
      if (!st.ok()) return Error(st.message());
    }
    return true;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::Corruption(source_->name() + ": " + std::string(what));
  }

  Status DescribeSchema() {
    const auto& types = footer_.types;
    if (types.empty()) return Error("no types in the footer");
    // Types are a pre-order list; 0 is the root (ORC spec, "Type Information").
    if (types[0].kind == TypeKind::kStruct) {
      if (types[0].field_names.size() != types[0].subtypes.size()) {
        return Error("struct field names and subtypes differ in number");
      }
      for (size_t i = 0; i < types[0].subtypes.size(); ++i) {
        uint64_t id = types[0].subtypes[i];
        if (id >= types.size()) return Error("subtype out of range");
        AddColumn(static_cast<uint32_t>(id), types[0].field_names[i]);
      }
    } else {
      AddColumn(0, "");
    }
    for (size_t i = 0; i < column_ids_.size(); ++i) {
      if (!CellKindFor(types[column_ids_[i]].kind)) {
        return Error("column " + columns_[i].name + " has type " + TypeName(types[column_ids_[i]]) +
                     " (not supported)");
      }
    }
    return Status::OK();
  }

  void AddColumn(uint32_t id, const std::string& name) {
    const Type& type = footer_.types[id];
    SourceColumn column;
    column.name = name;
    column.kind = CellKindFor(type.kind).value_or(CellKind::kNull);
    column.type_text = TypeName(type);
    columns_.push_back(std::move(column));
    column_ids_.push_back(id);
  }

  Status LoadStripe(size_t index) {
    const StripeInformation& info = footer_.stripes[index];
    uint64_t length = info.index_length + info.data_length + info.footer_length;
    if (info.offset > file_size_ || length > file_size_ - info.offset || length > (4ull << 30) ||
        info.footer_length > length) {
      return Status::Corruption("stripe " + std::to_string(index) + " is outside the file");
    }
    readers_.clear();
    root_present_.reset();
    root_present_stream_.reset();
    RETURN_IF_ERROR(source_->ReadAt(info.offset, length, &stripe_));
    std::string footer_bytes;
    std::string_view raw_footer = std::string_view(stripe_).substr(length - info.footer_length);
    RETURN_IF_ERROR(DecompressAll(raw_footer, postscript_.compression,
                                  postscript_.compression_block_size, "stripe footer",
                                  &footer_bytes));
    ASSIGN_OR_RETURN(StripeFooter footer, DecodeStripeFooter(footer_bytes));
    // Streams lie back to back from the start of the stripe, in stripe footer order.
    streams_.clear();
    uint64_t offset = 0;
    uint64_t body = info.index_length + info.data_length;
    for (const Stream& s : footer.streams) {
      if (s.length > body - offset) return Status::Corruption("stream past the stripe's data");
      streams_[{s.column, static_cast<uint32_t>(s.kind)}] =
          std::string_view(stripe_).substr(offset, s.length);
      offset += s.length;
    }
    StripeContext context;
    context.compression = postscript_.compression;
    context.block_size = postscript_.compression_block_size;
    context.rows = info.number_of_rows;
    auto zone = writer_zones_.find(footer.writer_timezone);
    if (zone == writer_zones_.end()) {
      ASSIGN_OR_RETURN(auto loaded, orc::TimeZone::Load(footer.writer_timezone));
      zone = writer_zones_.emplace(footer.writer_timezone, std::move(loaded)).first;
    }
    context.writer_zone = zone->second.get();
    context.stream = [this](uint32_t column, StreamKind kind) -> std::optional<std::string_view> {
      auto it = streams_.find({column, static_cast<uint32_t>(kind)});
      if (it == streams_.end()) return std::nullopt;
      return it->second;
    };
    auto encoding_of = [&](uint32_t column) {
      return column < footer.columns.size() ? footer.columns[column] : ColumnEncoding{};
    };
    for (uint32_t id : column_ids_) {
      ASSIGN_OR_RETURN(auto reader,
                       NewColumnReader(footer_.types[id], id, encoding_of(id), context));
      readers_.push_back(std::move(reader));
    }
    if (footer_.types[0].kind == TypeKind::kStruct) {
      if (auto present = context.stream(0, StreamKind::kPresent)) {
        root_present_stream_ =
            std::make_unique<InputStream>(*present, postscript_.compression,
                                          postscript_.compression_block_size, "column 0 PRESENT");
        root_present_ = std::make_unique<BooleanDecoder>(root_present_stream_.get());
      }
    }
    rows_left_in_stripe_ = info.number_of_rows;
    return Status::OK();
  }

  ByteSource* source_;
  uint64_t file_size_ = 0;
  PostScript postscript_;
  Footer footer_;
  std::vector<SourceColumn> columns_;
  std::vector<uint32_t> column_ids_;  // type id of each column
  // The current stripe.
  std::string stripe_;
  std::map<std::pair<uint32_t, uint32_t>, std::string_view> streams_;
  std::vector<std::unique_ptr<ColumnReader>> readers_;
  std::map<std::string, std::shared_ptr<const orc::TimeZone>> writer_zones_;
  std::unique_ptr<InputStream> root_present_stream_;
  std::unique_ptr<BooleanDecoder> root_present_;
  size_t next_stripe_ = 0;
  uint64_t rows_left_in_stripe_ = 0;
};

}  // namespace

Result<std::unique_ptr<RowSource>> OpenOrc(ByteSource* source) {
  auto reader = std::make_unique<OrcReader>(source);
  RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<RowSource>(std::move(reader));
}

}  // namespace stocktake::report
