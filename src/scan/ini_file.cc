#include "scan/ini_file.h"

namespace stocktake::scan {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

IniFile IniFile::Parse(std::string_view text) {
  IniFile ini;
  std::map<std::string, std::string, std::less<>>* section = nullptr;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      std::string name(Trim(line.substr(1, line.size() - 2)));
      section = &ini.sections_[name];
      continue;
    }
    // Indented lines continue a nested block (e.g. `s3 =` followed by settings): not ours.
    if (indented || section == nullptr) continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(Trim(line.substr(0, eq)));
    if (name.empty()) continue;
    (*section)[name] = std::string(Trim(line.substr(eq + 1)));
  }
  return ini;
}

bool IniFile::HasSection(std::string_view section) const {
  return sections_.find(section) != sections_.end();
}

std::optional<std::string> IniFile::Get(std::string_view section, std::string_view name) const {
  auto s = sections_.find(section);
  if (s == sections_.end()) return std::nullopt;
  auto v = s->second.find(name);
  if (v == s->second.end()) return std::nullopt;
  return v->second;
}

}  // namespace stocktake::scan
