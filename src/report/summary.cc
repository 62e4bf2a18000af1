#include "report/summary.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/exit_code.h"
#include "common/time_format.h"
#include "inventory/report_composition.h"
#include "report/row_format.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

using inventory::FieldId;

using inventory::Tally;

constexpr int64_t kDayMs = 86'400'000;
struct AgeBucket {
  const char* label;
  int64_t below_ms;  // the bucket holds ages < below_ms
};
constexpr std::array<AgeBucket, 6> kAgeBuckets = {{
    {"< 1 d", 1 * kDayMs},
    {"< 7 d", 7 * kDayMs},
    {"< 30 d", 30 * kDayMs},
    {"< 90 d", 90 * kDayMs},
    {"< 365 d", 365 * kDayMs},
    {"older", INT64_MAX},
}};

std::string PrefixOf(const std::string& key, int depth) {
  size_t end = std::string::npos;
  size_t from = 0;
  for (int d = 0; d < depth; ++d) {
    size_t slash = key.find('/', from);
    if (slash == std::string::npos) break;
    end = slash;
    from = slash + 1;
  }
  if (end == std::string::npos) return "(no prefix)";
  return key.substr(0, end + 1);
}

void WriteTally(std::ostream* out, const std::string& title, const std::string& label,
                const std::vector<std::pair<std::string, Tally>>& rows) {
  *out << "\n" << title << "\n";
  TextTable table({label, "OBJECTS", "BYTES", "SIZE"}, {false, true, true, true});
  for (const auto& [name, t] : rows) {
    table.AddRow({name, std::to_string(t.objects), std::to_string(t.bytes), HumanBytes(t.bytes)});
  }
  table.Write(out);
}

std::vector<std::pair<std::string, Tally>> SortedByBytes(const std::map<std::string, Tally>& m) {
  std::vector<std::pair<std::string, Tally>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    if (a.second.bytes != b.second.bytes) return a.second.bytes > b.second.bytes;
    return a.second.objects > b.second.objects;
  });
  return v;
}

// One table of the summary; `missing` says why it cannot be shown ("" when it can).
struct Section {
  std::string title;  // table
  std::string key;    // csv section, json member
  std::string label;  // table: the first column's header
  std::vector<std::pair<std::string, Tally>> rows;
  std::string missing;
};

}  // namespace

int RunSummary(const SummaryOptions& options, std::ostream* out, std::ostream* err) {
  auto opened = Report::Open(options.url, options.report);
  if (!opened.ok()) {
    *err << "stocktake report summary: " << opened.status().message() << "\n";
    return ExitCodeFor(opened.status());
  }
  Report* report = opened->get();
  const ReportSchema& schema = report->schema();
  auto key_col = schema.IndexOf(FieldId::kKey);
  auto size_col = schema.IndexOf(FieldId::kSize);
  auto class_col = schema.IndexOf(FieldId::kStorageClass);
  auto encryption_col = schema.IndexOf(FieldId::kEncryptionStatus);
  auto modified_col = schema.IndexOf(FieldId::kLastModifiedDate);
  auto marker_col = schema.IndexOf(FieldId::kIsDeleteMarker);
  auto latest_col = schema.IndexOf(FieldId::kIsLatest);
  int64_t created_ms = report->manifest().creation_timestamp_ms;

  uint64_t rows = 0, delete_markers = 0;
  Tally total, current, noncurrent;
  std::map<std::string, Tally> by_class, by_encryption, by_prefix;
  std::array<Tally, kAgeBuckets.size()> by_age{};

  ReportScanner scanner(report);
  Row row;
  while (true) {
    auto more = scanner.Next(&row);
    if (!more.ok()) {
      *err << "stocktake report summary: " << more.status().message() << "\n";
      return ExitCodeFor(more.status());
    }
    if (!*more) break;
    ++rows;
    if (marker_col && row[*marker_col].kind == CellKind::kBool && row[*marker_col].int_value) {
      ++delete_markers;
      continue;
    }
    uint64_t size = 0;
    if (size_col && row[*size_col].kind == CellKind::kInt && row[*size_col].int_value > 0) {
      size = static_cast<uint64_t>(row[*size_col].int_value);
    }
    bool is_noncurrent =
        latest_col && row[*latest_col].kind == CellKind::kBool && !row[*latest_col].int_value;
    (is_noncurrent ? noncurrent : current).Add(size);
    total.Add(size);
    auto label = [&row](std::optional<size_t> col) {
      return row[*col].is_null() || row[*col].string_value.empty() ? std::string("(none)")
                                                                   : row[*col].string_value;
    };
    if (class_col) by_class[label(class_col)].Add(size);
    if (encryption_col) by_encryption[label(encryption_col)].Add(size);
    by_prefix[PrefixOf(row[*key_col].string_value, options.depth)].Add(size);
    if (modified_col && row[*modified_col].kind == CellKind::kTimestamp) {
      int64_t age;
      if (__builtin_sub_overflow(created_ms, row[*modified_col].EpochMillis(), &age)) {
        age = INT64_MAX - 1;  // a corrupt date: counted as "older"
      }
      for (size_t b = 0; b < kAgeBuckets.size(); ++b) {
        if (age < kAgeBuckets[b].below_ms) {
          by_age[b].Add(size);
          break;
        }
      }
    }
  }

  const inventory::Manifest& m = report->manifest();
  std::vector<Section> sections;
  // An All-versions report (IsLatest, IsDeleteMarker) separates what is current from the
  // versions kept behind it and the delete markers.
  bool versioned = latest_col.has_value();
  std::vector<std::pair<std::string, Tally>> totals;
  if (versioned) {
    totals = {{"current objects", current},
              {"noncurrent versions", noncurrent},
              {"delete markers", Tally{delete_markers, 0}},
              {"all versions", total}};
  } else {
    totals = {{"objects", total}};
  }
  sections.push_back({"Totals", "total", "WHAT", totals, ""});
  sections.push_back({"By storage class", "by_storage_class", "STORAGE CLASS",
                      SortedByBytes(by_class),
                      class_col ? "" : "the report has no StorageClass column"});
  sections.push_back({"By encryption status", "by_encryption_status", "ENCRYPTION",
                      SortedByBytes(by_encryption),
                      encryption_col ? "" : "the report has no EncryptionStatus column"});
  auto prefixes = SortedByBytes(by_prefix);
  size_t shown = std::min<size_t>(prefixes.size(), static_cast<size_t>(std::max(options.top, 0)));
  std::string prefix_title = "Top prefixes (depth " + std::to_string(options.depth) + ", " +
                             std::to_string(shown) + " of " + std::to_string(prefixes.size()) + ")";
  prefixes.resize(shown);
  sections.push_back({prefix_title, "top_prefixes", "PREFIX", prefixes, ""});
  std::vector<std::pair<std::string, Tally>> ages;
  for (size_t b = 0; b < kAgeBuckets.size(); ++b)
    ages.emplace_back(kAgeBuckets[b].label, by_age[b]);
  sections.push_back({"By age at " + FormatIso8601Millis(created_ms), "by_age", "AGE", ages,
                      modified_col ? "" : "the report has no LastModifiedDate column"});

  switch (options.output) {
    case ListOutput::kTable: {
      TextTable head({"REPORT", report->url()});
      head.AddRow({"source bucket", m.source_bucket});
      head.AddRow({"created", FormatIso8601Millis(created_ms)});
      head.AddRow({"format", std::string(format::FileFormatName(m.file_format)) + ", " +
                                 std::to_string(m.files.size()) + " files"});
      head.AddRow({"rows", std::to_string(rows)});
      if (versioned) {
        head.AddRow({"current objects",
                     std::to_string(current.objects) + " (" + HumanBytes(current.bytes) + ")"});
        head.AddRow({"noncurrent versions", std::to_string(noncurrent.objects) + " (" +
                                                HumanBytes(noncurrent.bytes) + ")"});
        head.AddRow({"delete markers", std::to_string(delete_markers)});
      } else {
        head.AddRow({"objects", std::to_string(total.objects)});
      }
      head.AddRow({"bytes", std::to_string(total.bytes) + " (" + HumanBytes(total.bytes) + ")"});
      head.Write(out);
      for (size_t i = 1; i < sections.size(); ++i) {
        const Section& s = sections[i];
        if (!s.missing.empty()) {
          *out << "\n" << s.title << ": " << s.missing << "\n";
        } else {
          WriteTally(out, s.title, s.label, s.rows);
        }
      }
      break;
    }
    case ListOutput::kCsv: {
      Listing listing({{"section"},
                       {"name"},
                       {"objects", ListField::Kind::kCount},
                       {"bytes", ListField::Kind::kBytes}});
      for (const Section& s : sections) {
        for (const auto& [name, t] : s.rows) {
          listing.Add({s.key, name, std::to_string(t.objects), std::to_string(t.bytes)});
        }
      }
      listing.Write(ListOutput::kCsv, out);
      break;
    }
    case ListOutput::kJson: {
      nlohmann::json doc = {{"report", report->url()},
                            {"source_bucket", m.source_bucket},
                            {"created", FormatIso8601Millis(created_ms)},
                            {"format", format::FileFormatName(m.file_format)},
                            {"files", m.files.size()},
                            {"rows", rows}};
      for (const Section& s : sections) {
        if (!s.missing.empty()) {
          doc[s.key] = nullptr;
          continue;
        }
        Listing listing(
            {{"name"}, {"objects", ListField::Kind::kCount}, {"bytes", ListField::Kind::kBytes}});
        for (const auto& [name, t] : s.rows) {
          listing.Add({name, std::to_string(t.objects), std::to_string(t.bytes)});
        }
        doc[s.key] = listing.ToJson();
      }
      *out << doc.dump(2) << "\n";
      break;
    }
  }
  return out->good() ? kExitOk : kExitFailure;
}

}  // namespace stocktake::report
