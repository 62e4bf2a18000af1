// The INI dialect of the AWS shared files (~/.aws/credentials, ~/.aws/config): `[section]` headers,
// `name = value` lines, `#` and `;` comment lines. Names are case-sensitive as the AWS CLI treats
// them; surrounding blanks are trimmed. Nested (indented) sub-sections such as `s3 =` blocks are
// kept as plain names with empty values and their indented lines ignored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake::scan {

class IniFile {
 public:
  // Parses `text`; lines that are neither sections, comments nor `name = value` are ignored (the
  // AWS CLI is as lenient).
  static IniFile Parse(std::string_view text);

  bool HasSection(std::string_view section) const;
  std::optional<std::string> Get(std::string_view section, std::string_view name) const;

 private:
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> sections_;
};

}  // namespace stocktake::scan
