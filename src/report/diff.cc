#include "report/diff.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/exit_code.h"
#include "report/row_format.h"
#include "report/typed_reader.h"

namespace stocktake::report {
namespace {

using inventory::FieldId;

// A row reduced to what the diff needs.
struct Record {
  std::string key;
  std::string version;       // "" when identity is the key alone
  std::vector<Cell> values;  // the compared columns, in Plan::names order
};

// Column positions of one report.
struct Side {
  size_t key = 0;
  std::optional<size_t> version, latest, marker;
  std::vector<size_t> compared;
  bool current_only = false;
};

struct Plan {
  bool by_version = false;
  std::vector<std::string> names;  // compared column names
  Side sides[2];
};

Plan MakePlan(const ReportSchema& old_schema, const ReportSchema& new_schema) {
  Plan plan;
  const ReportSchema* schemas[2] = {&old_schema, &new_schema};
  bool versions[2] = {old_schema.IndexOf(FieldId::kVersionId).has_value(),
                      new_schema.IndexOf(FieldId::kVersionId).has_value()};
  plan.by_version = versions[0] && versions[1];
  std::vector<FieldId> fields = {FieldId::kSize, FieldId::kETag, FieldId::kLastModifiedDate,
                                 FieldId::kStorageClass};
  if (plan.by_version) {
    fields.push_back(FieldId::kIsLatest);
    fields.push_back(FieldId::kIsDeleteMarker);
  }
  for (int s = 0; s < 2; ++s) {
    Side& side = plan.sides[s];
    side.key = *schemas[s]->IndexOf(FieldId::kKey);
    side.version = schemas[s]->IndexOf(FieldId::kVersionId);
    side.latest = schemas[s]->IndexOf(FieldId::kIsLatest);
    side.marker = schemas[s]->IndexOf(FieldId::kIsDeleteMarker);
    side.current_only = versions[s] && !plan.by_version;
  }
  for (FieldId id : fields) {
    auto a = old_schema.IndexOf(id), b = new_schema.IndexOf(id);
    if (!a || !b) continue;
    plan.names.emplace_back(inventory::GetField(id).column_name);
    plan.sides[0].compared.push_back(*a);
    plan.sides[1].compared.push_back(*b);
  }
  return plan;
}

bool CellsEqual(const Cell& a, const Cell& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case CellKind::kNull:
      return true;
    case CellKind::kBool:
    case CellKind::kInt:
      return a.int_value == b.int_value;
    case CellKind::kTimestamp:
      return a.EpochMillis() == b.EpochMillis();
    case CellKind::kDouble:
      return a.double_value == b.double_value;
    case CellKind::kString:
    case CellKind::kBinary:
      return a.string_value == b.string_value;
  }
  return false;
}

const Status& Unsorted() {
  static const Status* status = new Status(Status::FailedPrecondition("report is not sorted"));
  return *status;
}

// The records of one report in key order: its files ordered by their first key, each read in
// order; FailedPrecondition (Unsorted) as soon as a key goes backwards.
class SortedRecords {
 public:
  SortedRecords(Report* report, const Side& side, bool by_version)
      : report_(report), side_(side), by_version_(by_version) {}

  Status Init() {
    std::vector<std::pair<std::string, size_t>> firsts;
    Row row;
    for (size_t i = 0; i < report_->manifest().files.size(); ++i) {
      ASSIGN_OR_RETURN(auto reader, OpenTypedFile(report_, i));
      ASSIGN_OR_RETURN(bool any, reader->Next(&row));
      if (any) firsts.emplace_back(row[side_.key].string_value, i);
    }
    std::stable_sort(firsts.begin(), firsts.end());
    for (const auto& f : firsts) order_.push_back(f.second);
    return Status::OK();
  }

  // The records of the next key; false at the end.
  Result<bool> NextGroup(std::vector<Record>* group) {
    group->clear();
    if (!have_pending_) {
      ASSIGN_OR_RETURN(have_pending_, NextRecord(&pending_));
      if (!have_pending_) return false;
    }
    group->push_back(std::move(pending_));
    while (true) {
      ASSIGN_OR_RETURN(have_pending_, NextRecord(&pending_));
      if (!have_pending_ || pending_.key != group->front().key) break;
      group->push_back(std::move(pending_));
    }
    return true;
  }

  // The next record in file order (no order check), for the in-memory fallback.
  Result<bool> NextAny(Record* record) {
    check_order_ = false;
    return NextRecord(record);
  }

  void UseManifestOrder() {
    order_.clear();
    for (size_t i = 0; i < report_->manifest().files.size(); ++i) order_.push_back(i);
    next_ = 0;
    reader_.reset();
  }

 private:
  Result<bool> NextRecord(Record* record) {
    while (true) {
      if (reader_ == nullptr) {
        if (next_ >= order_.size()) return false;
        ASSIGN_OR_RETURN(reader_, OpenTypedFile(report_, order_[next_++]));
      }
      ASSIGN_OR_RETURN(bool more, reader_->Next(&row_));
      if (!more) {
        reader_.reset();
        continue;
      }
      const std::string& key = row_[side_.key].string_value;
      if (check_order_) {
        if (started_ && key < last_key_) return Unsorted();
        last_key_ = key;
        started_ = true;
      }
      if (side_.current_only) {
        bool latest = !side_.latest || row_[*side_.latest].int_value != 0;
        bool marker = side_.marker && row_[*side_.marker].kind == CellKind::kBool &&
                      row_[*side_.marker].int_value != 0;
        if (!latest || marker) continue;
      }
      record->key = key;
      record->version = by_version_ && side_.version ? row_[*side_.version].string_value : "";
      record->values.resize(side_.compared.size());
      for (size_t i = 0; i < side_.compared.size(); ++i) {
        record->values[i] = row_[side_.compared[i]];
      }
      return true;
    }
  }

  Report* report_;
  Side side_;
  bool by_version_;
  std::vector<size_t> order_;
  size_t next_ = 0;
  std::unique_ptr<TypedFileReader> reader_;
  Row row_;
  bool check_order_ = true;
  bool started_ = false;
  std::string last_key_;
  Record pending_;
  bool have_pending_ = false;
};

struct Counts {
  uint64_t added = 0, removed = 0, changed = 0, unchanged = 0;
};

// Formats changes as text or JSON lines.
class ChangeFormatter {
 public:
  ChangeFormatter(const Plan& plan, bool jsonl) : plan_(plan), jsonl_(jsonl) {}

  // The line for a change, or "" for an unchanged pair. `old_r`/`new_r` may be null.
  std::string Line(const Record* old_r, const Record* new_r) const {
    const Record& any = old_r ? *old_r : *new_r;
    const char* kind = !old_r ? "added" : !new_r ? "removed" : "changed";
    std::vector<size_t> differing;
    if (old_r && new_r) {
      for (size_t i = 0; i < plan_.names.size(); ++i) {
        if (!CellsEqual(old_r->values[i], new_r->values[i])) differing.push_back(i);
      }
      if (differing.empty()) return "";
    }
    std::string line;
    if (jsonl_) {
      line = "{\"change\": \"" + std::string(kind) + "\", \"key\": ";
      AppendJsonString(&line, any.key);
      if (plan_.by_version) {
        line += ", \"version_id\": ";
        AppendJsonString(&line, any.version);
      }
      if (old_r) line += ", \"old\": " + Values(*old_r);
      if (new_r) line += ", \"new\": " + Values(*new_r);
      if (old_r && new_r) {
        line += ", \"fields\": [";
        for (size_t i = 0; i < differing.size(); ++i) {
          if (i > 0) line += ", ";
          AppendJsonString(&line, plan_.names[differing[i]]);
        }
        line += "]";
      }
      return line + "}\n";
    }
    line = std::string(kind) + std::string(9 - std::string_view(kind).size(), ' ') + any.key;
    if (plan_.by_version) line += "  version " + (any.version.empty() ? "null" : any.version);
    line += "  ";
    if (old_r && new_r) {
      for (size_t i = 0; i < differing.size(); ++i) {
        size_t c = differing[i];
        if (i > 0) line += "; ";
        line += plan_.names[c] + ": " + Text(old_r->values[c]) + " -> " + Text(new_r->values[c]);
      }
    } else {
      for (size_t i = 0; i < plan_.names.size(); ++i) {
        if (i > 0) line += " ";
        line += plan_.names[i] + "=" + Text(any.values[i]);
      }
    }
    return line + "\n";
  }

 private:
  static std::string Text(const Cell& cell) { return cell.is_null() ? "(none)" : CellText(cell); }
  std::string Values(const Record& r) const {
    std::string out = "{";
    for (size_t i = 0; i < plan_.names.size(); ++i) {
      if (i > 0) out += ", ";
      AppendJsonString(&out, plan_.names[i]);
      out += ": ";
      AppendJsonCell(&out, r.values[i]);
    }
    return out + "}";
  }

  const Plan& plan_;
  bool jsonl_;
};

// Streams the changes into `sink`; Unsorted() when a report is not in key order.
Status StreamingDiff(SortedRecords* old_records, SortedRecords* new_records,
                     const ChangeFormatter& formatter, Counts* counts, FILE* sink) {
  std::vector<Record> og, ng;
  ASSIGN_OR_RETURN(bool have_old, old_records->NextGroup(&og));
  ASSIGN_OR_RETURN(bool have_new, new_records->NextGroup(&ng));
  auto emit = [&](const Record* o, const Record* n) {
    std::string line = formatter.Line(o, n);
    if (!o)
      ++counts->added;
    else if (!n)
      ++counts->removed;
    else if (line.empty())
      ++counts->unchanged;
    else
      ++counts->changed;
    if (!line.empty()) std::fwrite(line.data(), 1, line.size(), sink);
  };
  while (have_old || have_new) {
    int cmp = !have_old ? 1 : !have_new ? -1 : og.front().key.compare(ng.front().key);
    if (cmp < 0) {
      for (const Record& r : og) emit(&r, nullptr);
    } else if (cmp > 0) {
      for (const Record& r : ng) emit(nullptr, &r);
    } else {
      // Same key: match the versions (a handful per key).
      std::vector<bool> matched(og.size(), false);
      for (const Record& n : ng) {
        const Record* o = nullptr;
        for (size_t i = 0; i < og.size(); ++i) {
          if (!matched[i] && og[i].version == n.version) {
            matched[i] = true;
            o = &og[i];
            break;
          }
        }
        emit(o, &n);
      }
      for (size_t i = 0; i < og.size(); ++i) {
        if (!matched[i]) emit(&og[i], nullptr);
      }
    }
    if (cmp <= 0) {
      ASSIGN_OR_RETURN(have_old, old_records->NextGroup(&og));
    }
    if (cmp >= 0) {
      ASSIGN_OR_RETURN(have_new, new_records->NextGroup(&ng));
    }
  }
  return Status::OK();
}

// The fallback for unsorted reports: the old report in a hash map.
Status InMemoryDiff(SortedRecords* old_records, SortedRecords* new_records,
                    const ChangeFormatter& formatter, uint64_t max_rows, Counts* counts,
                    std::vector<std::pair<std::string, std::string>>* lines) {
  old_records->UseManifestOrder();
  new_records->UseManifestOrder();
  std::unordered_map<std::string, Record> old_by_id;
  auto id_of = [](const Record& r) { return r.key + std::string(1, '\0') + r.version; };
  Record r;
  while (true) {
    ASSIGN_OR_RETURN(bool more, old_records->NextAny(&r));
    if (!more) break;
    if (old_by_id.size() >= max_rows) {
      return Status::ResourceExhausted(
          "the reports are not sorted by key and the old one has more than " +
          std::to_string(max_rows) + " rows; raise --max-rows-in-memory");
    }
    std::string id = id_of(r);
    old_by_id[id] = std::move(r);
  }
  auto emit = [&](const Record* o, const Record* n) {
    std::string line = formatter.Line(o, n);
    if (!o)
      ++counts->added;
    else if (!n)
      ++counts->removed;
    else if (line.empty())
      ++counts->unchanged;
    else
      ++counts->changed;
    const Record& any = o ? *o : *n;
    if (!line.empty()) lines->emplace_back(any.key + std::string(1, '\0') + any.version, line);
  };
  while (true) {
    ASSIGN_OR_RETURN(bool more, new_records->NextAny(&r));
    if (!more) break;
    auto it = old_by_id.find(id_of(r));
    if (it == old_by_id.end()) {
      emit(nullptr, &r);
    } else {
      emit(&it->second, &r);
      old_by_id.erase(it);
    }
  }
  for (const auto& [id, o] : old_by_id) emit(&o, nullptr);
  std::stable_sort(lines->begin(), lines->end());
  return Status::OK();
}

}  // namespace

int RunDiff(const DiffOptions& options, std::ostream* out, std::ostream* err) {
  auto fail = [&](const Status& st) {
    *err << "stocktake report diff: " << st.message() << "\n";
    return ExitCodeFor(st);
  };
  auto old_report = Report::Open(options.old_url, options.report);
  if (!old_report.ok()) return fail(old_report.status());
  auto new_report = Report::Open(options.new_url, options.report);
  if (!new_report.ok()) return fail(new_report.status());
  Plan plan = MakePlan((*old_report)->schema(), (*new_report)->schema());
  ChangeFormatter formatter(plan, options.jsonl);
  SortedRecords old_records(old_report->get(), plan.sides[0], plan.by_version);
  SortedRecords new_records(new_report->get(), plan.sides[1], plan.by_version);
  Status st = old_records.Init();
  if (st.ok()) st = new_records.Init();
  if (!st.ok()) return fail(st);

  Counts counts;
  std::unique_ptr<FILE, int (*)(FILE*)> spool(std::tmpfile(), &std::fclose);
  if (!spool) return fail(Status::IOError("cannot create a temporary file"));
  st = StreamingDiff(&old_records, &new_records, formatter, &counts, spool.get());
  std::vector<std::pair<std::string, std::string>> sorted_lines;
  bool in_memory = false;
  if (st.code() == StatusCode::kFailedPrecondition) {
    counts = Counts();
    in_memory = true;
    st = InMemoryDiff(&old_records, &new_records, formatter, options.max_rows_in_memory, &counts,
                      &sorted_lines);
  }
  if (!st.ok()) return fail(st);

  if (!options.summary_only) {
    if (in_memory) {
      for (const auto& [id, line] : sorted_lines) *out << line;
    } else {
      std::rewind(spool.get());
      char buffer[1 << 16];
      size_t n;
      while ((n = std::fread(buffer, 1, sizeof(buffer), spool.get())) > 0) out->write(buffer, n);
    }
  }
  if (options.jsonl) {
    if (options.summary_only) {
      *out << "{\"added\": " << counts.added << ", \"removed\": " << counts.removed
           << ", \"changed\": " << counts.changed << ", \"unchanged\": " << counts.unchanged
           << "}\n";
    }
  } else {
    *out << counts.added << " added, " << counts.removed << " removed, " << counts.changed
         << " changed, " << counts.unchanged << " unchanged"
         << (in_memory ? " (reports not sorted by key: compared in memory)" : "") << "\n";
  }
  out->flush();
  if (!out->good()) return kExitFailure;
  return counts.added + counts.removed + counts.changed == 0 ? kExitOk : kExitDifferences;
}

}  // namespace stocktake::report
