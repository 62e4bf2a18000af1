#include "scan/checkpoint.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "common/encoding.h"
#include "io/file.h"

namespace stocktake::scan {
namespace {

using nlohmann::json;

constexpr int kJournalVersion = 1;

Status CheckIdentity(const json& j, const ScanIdentity& want, const std::string& path) {
  ASSIGN_OR_RETURN(ScanIdentity got, ParseIdentity(j));
  if (got == want) return Status::OK();
  auto diff = [](const char* what, const std::string& a, const std::string& b) {
    return a == b ? std::string() : std::string(what) + " '" + a + "' (now '" + b + "') ";
  };
  return Status::InvalidArgument(
      "checkpoint " + path +
      " belongs to another scan: " + diff("source", got.source, want.source) +
      diff("destination", got.destination, want.destination) +
      diff("format", got.format, want.format) + diff("versions", got.versions, want.versions) +
      diff("fields", got.fields, want.fields) + diff("id", got.id, want.id) +
      "- rerun with the same arguments, or delete it to start over");
}

// False when not even the header made it to disk (a crash right at the start).
Result<bool> Replay(const std::string& path, const std::string& text, const ScanIdentity& identity,
                    CheckpointState* state) {
  std::map<uint64_t, PartitionRecord> partitions;
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    bool last_line = end == std::string::npos;
    // A line without its newline was torn by a crash while appending: Open() cuts it off.
    if (last_line) break;
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Corruption("checkpoint " + path + ": unreadable line: " + line);
    }
    std::string event = j.value("event", "");
    if (first) {
      if (event != "scan" || j.value("version", 0) != kJournalVersion) {
        return Status::Corruption("checkpoint " + path + " is not a scan checkpoint");
      }
      RETURN_IF_ERROR(CheckIdentity(j, identity, path));
      state->scan_start_ms = j.value("scan_start_ms", int64_t{0});
      first = false;
      continue;
    }
    if (event == "plan") {
      for (const json& p : j.value("partitions", json::array())) {
        PartitionRecord r;
        r.id = p.value("id", uint64_t{0});
        ASSIGN_OR_RETURN(r.range.lo, ParseBoundJson(p.value("lo", json(nullptr))));
        ASSIGN_OR_RETURN(r.range.hi, ParseBoundJson(p.value("hi", json(nullptr))));
        partitions[r.id] = std::move(r);
      }
      state->planned = true;
    } else if (event == "split") {
      auto it = partitions.find(j.value("id", uint64_t{0}));
      if (it == partitions.end()) return Status::Corruption("checkpoint: split of unknown id");
      ASSIGN_OR_RETURN(std::string at, DecodeKey(j.value("at", json(""))));
      PartitionRecord upper;
      upper.id = j.value("new_id", uint64_t{0});
      upper.range.lo = at;
      upper.range.hi = it->second.range.hi;
      it->second.range.hi = at;
      partitions[upper.id] = std::move(upper);
    } else if (event == "done") {
      auto it = partitions.find(j.value("id", uint64_t{0}));
      if (it == partitions.end()) return Status::Corruption("checkpoint: done of unknown id");
      it->second.done = true;
      it->second.rows = j.value("rows", uint64_t{0});
      it->second.spool_bytes = j.value("bytes", uint64_t{0});
    } else if (event == "scan_start") {
      state->scan_start_ms = j.value("scan_start_ms", int64_t{0});
    } else if (event == "publishing") {
      state->publishing_keys.clear();
      for (const json& k : j.value("keys", json::array())) {
        ASSIGN_OR_RETURN(std::string key, DecodeKey(k));
        state->publishing_keys.push_back(std::move(key));
      }
    }
  }
  if (first) return false;
  for (auto& [id, p] : partitions) state->partitions.push_back(std::move(p));
  return true;
}

}  // namespace

std::string EncodeKey(std::string_view key) { return FormEncodeKeepSlash(key); }

Result<std::string> DecodeKey(const json& j) {
  if (!j.is_string())
    return Status::Corruption("expected a percent-encoded string, got " + j.dump());
  auto s = PercentDecode(j.get<std::string>(), /*plus_is_space=*/true);
  if (!s) return Status::Corruption("bad percent-encoding: " + j.get<std::string>());
  return *s;
}

json BoundJson(const std::optional<std::string>& bound) {
  return bound ? json(EncodeKey(*bound)) : json(nullptr);
}

Result<std::optional<std::string>> ParseBoundJson(const json& j) {
  if (j.is_null()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string s, DecodeKey(j));
  return std::optional<std::string>(std::move(s));
}

json IdentityJson(const ScanIdentity& id) {
  return json{{"source", EncodeKey(id.source)},
              {"destination", EncodeKey(id.destination)},
              {"format", id.format},
              {"versions", id.versions},
              {"fields", id.fields},
              {"id", id.id}};
}

Result<ScanIdentity> ParseIdentity(const json& j) {
  ScanIdentity id;
  ASSIGN_OR_RETURN(id.source, DecodeKey(j.value("source", json(""))));
  ASSIGN_OR_RETURN(id.destination, DecodeKey(j.value("destination", json(""))));
  id.format = j.value("format", "");
  id.versions = j.value("versions", "");
  id.fields = j.value("fields", "");
  id.id = j.value("id", "");
  return id;
}

Result<std::unique_ptr<Checkpoint>> Checkpoint::Open(const std::string& path,
                                                     const ScanIdentity& identity,
                                                     int64_t scan_start_ms, CheckpointState* state,
                                                     bool* resumed) {
  *state = CheckpointState{};
  state->scan_start_ms = scan_start_ms;
  *resumed = false;
  if (path.empty()) return std::unique_ptr<Checkpoint>(new Checkpoint("", -1));
  auto existing = io::ReadFile(path);
  if (existing.ok() && !existing->empty()) {
    if (!existing->starts_with("{\"")) {
      return Status::InvalidArgument(path + " exists and is not a scan checkpoint");
    }
    ASSIGN_OR_RETURN(*resumed, Replay(path, *existing, identity, state));
    if (!*resumed) state->scan_start_ms = scan_start_ms;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("open " + path + ": " + std::strerror(errno));
  std::unique_ptr<Checkpoint> checkpoint(new Checkpoint(path, fd));
  if (!*resumed) {
    if (::ftruncate(fd, 0) != 0) return Status::IOError("truncate " + path);
    json header = IdentityJson(identity);
    header["event"] = "scan";
    header["version"] = kJournalVersion;
    header["scan_start_ms"] = scan_start_ms;
    RETURN_IF_ERROR(checkpoint->Append(header.dump()));
  } else if (existing.ok() && existing->back() != '\n') {
    size_t keep = existing->rfind('\n') + 1;  // npos + 1 == 0
    if (::ftruncate(fd, static_cast<off_t>(keep)) != 0) {
      return Status::IOError("truncate " + path + ": " + std::strerror(errno));
    }
  }
  return checkpoint;
}

Checkpoint::~Checkpoint() {
  if (fd_ >= 0) ::close(fd_);
}

Status Checkpoint::Append(const std::string& line) {
  if (fd_ < 0) return Status::OK();
  std::lock_guard lock(mu_);
  std::string data = line + "\n";
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("write " + path_ + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fdatasync(fd_) != 0) return Status::IOError("fsync " + path_ + ": " + std::strerror(errno));
  return Status::OK();
}

Status Checkpoint::RecordPlan(const std::vector<PartitionRecord>& partitions) {
  json list = json::array();
  for (const PartitionRecord& p : partitions) {
    list.push_back({{"id", p.id}, {"lo", BoundJson(p.range.lo)}, {"hi", BoundJson(p.range.hi)}});
  }
  return Append(json{{"event", "plan"}, {"partitions", list}}.dump());
}

Status Checkpoint::RecordSplit(uint64_t id, uint64_t new_id, const std::string& at) {
  return Append(
      json{{"event", "split"}, {"id", id}, {"new_id", new_id}, {"at", EncodeKey(at)}}.dump());
}

Status Checkpoint::RecordDone(uint64_t id, uint64_t rows, uint64_t spool_bytes) {
  return Append(json{{"event", "done"}, {"id", id}, {"rows", rows}, {"bytes", spool_bytes}}.dump());
}

Status Checkpoint::RecordPublishing(const std::vector<std::string>& keys) {
  json list = json::array();
  for (const std::string& k : keys) list.push_back(EncodeKey(k));
  return Append(json{{"event", "publishing"}, {"keys", list}}.dump());
}

Status Checkpoint::RecordScanStart(int64_t scan_start_ms) {
  return Append(json{{"event", "scan_start"}, {"scan_start_ms", scan_start_ms}}.dump());
}

Status Checkpoint::Remove() {
  if (fd_ < 0) return Status::OK();
  ::close(fd_);
  fd_ = -1;
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return Status::IOError("remove " + path_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace stocktake::scan
