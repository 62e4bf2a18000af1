#include "report/verify.h"

#include <sstream>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"
#include "common/exit_code.h"
#include "inventory/manifest.h"
#include "report/row_format.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

// Files up to this size are downloaded once and decoded from memory; bigger ones are streamed
// twice (MD5, then rows) to keep memory bounded.
constexpr uint64_t kInMemoryBytes = 64 << 20;

class Verifier {
 public:
  Verifier(const VerifyOptions& options, std::ostream* out, std::ostream* err)
      : options_(options),
        out_(options.output == ListOutput::kTable ? out : &discarded_),
        listing_out_(out),
        err_(err) {}

  int Run() {
    ReportOptions report_options = options_.report;
    report_options.allow_bad_schema = true;
    report_options.verify = false;  // every problem is listed below, not only the first
    auto report = Report::Open(options_.url, report_options);
    if (!report.ok()) {
      Problem(report.status().message());
      Finish();
      return ExitCodeFor(report.status());
    }
    report_ = std::move(*report);
    const inventory::Manifest& m = report_->manifest();
    *out_ << "manifest " << options_.url << "\n"
          << "  source bucket " << m.source_bucket << ", format "
          << format::FileFormatName(m.file_format) << ", " << m.files.size() << " files, "
          << report_->schema().columns.size() << " columns\n";
    for (const std::string& note : report_->schema().notes) *out_ << "  note: " << note << "\n";
    if (!report_->schema_status().ok()) Problem(report_->schema_status().message());
    CheckChecksum();
    uint64_t total_rows = 0, total_bytes = 0;
    for (size_t i = 0; i < m.files.size(); ++i) {
      uint64_t rows = 0;
      CheckFile(i, &rows);
      total_rows += rows;
      total_bytes += m.files[i].size;
    }
    *out_ << "files " << m.files.size() << "\n"
          << "bytes " << total_bytes << "\n"
          << "rows " << total_rows << "\n";
    total_rows_ = total_rows;
    total_bytes_ = total_bytes;
    return Finish();
  }

 private:
  // Messages may quote bytes of a corrupted file: the output stays valid UTF-8.
  void Problem(std::string_view what) {
    problems_.push_back(PrintableUtf8(what));
    *err_ << "problem: " << problems_.back() << "\n";
  }

  int Finish() {
    if (options_.output == ListOutput::kCsv) files_.Write(ListOutput::kCsv, listing_out_);
    if (options_.output == ListOutput::kJson) {
      nlohmann::json doc = {{"manifest", report_ ? report_->url() : options_.url},
                            {"ok", problems_.empty()},
                            {"files", files_.ToJson()},
                            {"rows", total_rows_},
                            {"bytes", total_bytes_},
                            {"problems", problems_}};
      *listing_out_ << doc.dump(2) << "\n";
    }
    if (problems_.empty()) {
      *out_ << "verify: OK\n";
      return kExitOk;
    }
    *err_ << "verify: FAILED with " << problems_.size()
          << (problems_.size() == 1 ? " problem" : " problems") << "; first: " << problems_[0]
          << "\n";
    return kExitVerifyFailed;
  }

  void CheckChecksum() {
    auto checksum = report_->ReadChecksum();
    if (!checksum.ok()) {
      Problem("manifest.checksum: " + checksum.status().message());
      return;
    }
    std::string want = inventory::BuildManifestChecksum(report_->manifest_json());
    if (*checksum == want) {
      *out_ << "  manifest.checksum ok (" << want.substr(0, 32) << ")\n";
      return;
    }
    std::string got = *checksum;
    while (!got.empty() && (got.back() == '\n' || got.back() == '\r' || got.back() == ' ')) {
      got.pop_back();
    }
    if (got == want.substr(0, 32)) {
      Problem("manifest.checksum " + report_->ChecksumLocation() +
              " holds the right MD5 but not followed by exactly one \\n");
    } else {
      Problem("manifest.checksum " + report_->ChecksumLocation() + " is " + got.substr(0, 64) +
              ", MD5 of manifest.json is " + want.substr(0, 32));
    }
  }

  // Checks files[index] and prints its line; *rows is what could be decoded.
  void CheckFile(size_t index, uint64_t* rows) {
    const inventory::ManifestFile& entry = report_->manifest().files[index];
    size_t problems_before = problems_.size();
    CheckFileContents(index, rows);
    bool ok = problems_.size() == problems_before;
    *out_ << "  " << (ok ? "ok  " : "BAD ") << entry.key << "  " << entry.size << " bytes  "
          << *rows << " rows\n";
    files_.Add({entry.key, std::to_string(entry.size), std::to_string(*rows), ok ? "ok" : "bad"});
  }

  void CheckFileContents(size_t index, uint64_t* rows) {
    const inventory::ManifestFile& entry = report_->manifest().files[index];
    std::string label = "files[" + std::to_string(index) + "] " + entry.key;
    auto source = report_->OpenFile(index);
    if (!source.ok()) {
      Problem(label + ": " + source.status().message());
      return;
    }
    auto size = (*source)->Size();
    if (!size.ok()) {
      Problem(label + ": " + size.status().message());
      return;
    }
    if (*size != entry.size) {
      Problem(label + ": size is " + std::to_string(*size) + " bytes, manifest says " +
              std::to_string(entry.size));
    }
    // MD5 over the bytes as stored (the gzip bytes for CSV, spec §6.1).
    Digest md5(Digest::Algorithm::kMd5);
    std::unique_ptr<ByteSource> data = std::move(*source);
    if (*size <= kInMemoryBytes) {
      std::string bytes;
      Status st = data->ReadAt(0, *size, &bytes);
      if (!st.ok()) {
        Problem(label + ": " + st.message());
        return;
      }
      md5.Update(bytes);
      data = OpenMemory(data->name(), std::move(bytes));
    } else {
      SequentialReader reader(data.get());
      std::string chunk;
      while (true) {
        Status st = reader.Next(&chunk);
        if (!st.ok()) {
          Problem(label + ": " + st.message());
          return;
        }
        if (chunk.empty()) break;
        md5.Update(chunk);
      }
    }
    std::string md5_hex = HexLower(md5.Finish());
    if (md5_hex != entry.md5_hex) {
      Problem(label + ": MD5 is " + md5_hex + ", manifest says " + entry.md5_hex);
    }
    // Schema and values (not without a schema to check them against).
    if (!report_->schema_status().ok()) return;
    auto reader = TypedFileReader::Open(report_->schema(), std::move(data));
    if (!reader.ok()) {
      Problem(label + ": " + reader.status().message());
      return;
    }
    Row row;
    while (true) {
      auto more = (*reader)->Next(&row);
      *rows = (*reader)->rows_read();
      if (!more.ok()) {
        Problem(label + ": " + more.status().message());
        return;
      }
      if (!*more) break;
    }
    auto declared = (*reader)->declared_rows();
    if (declared && *declared != *rows) {
      Problem(label + ": footer declares " + std::to_string(*declared) + " rows, " +
              std::to_string(*rows) + " decoded");
    }
  }

  const VerifyOptions& options_;
  std::ostringstream discarded_;  // the text findings, when another --output is asked for
  std::ostream* out_;
  std::ostream* listing_out_;
  std::ostream* err_;
  Listing files_{
      {{"key"}, {"size", ListField::Kind::kBytes}, {"rows", ListField::Kind::kCount}, {"status"}}};
  uint64_t total_rows_ = 0, total_bytes_ = 0;
  std::unique_ptr<Report> report_;
  std::vector<std::string> problems_;
};

}  // namespace

int RunVerify(const VerifyOptions& options, std::ostream* out, std::ostream* err) {
  return Verifier(options, out, err).Run();
}

}  // namespace stocktake::report
