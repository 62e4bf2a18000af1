#include "s3/policy/variables.h"

namespace stocktake::s3::policy {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void AppendLiteral(std::string* out, std::string_view value, bool escape) {
  for (char c : value) {
    if (escape && (c == '*' || c == '?' || c == '\\')) out->push_back('\\');
    out->push_back(c);
  }
}

// The value of the variable body between "${" and "}" (e.g. "aws:username, 'guest'").
std::optional<std::string> Resolve(std::string_view body, const VariableLookup& lookup) {
  if (body == "*" || body == "?" || body == "$") return std::string(body);
  std::string_view key = body;
  std::optional<std::string_view> fallback;
  if (size_t comma = body.find(','); comma != std::string_view::npos) {
    key = body.substr(0, comma);
    std::string_view rest = Trim(body.substr(comma + 1));
    if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'') {
      fallback = rest.substr(1, rest.size() - 2);
    }
  }
  key = Trim(key);
  if (std::optional<std::string> value = lookup(key); value.has_value()) return value;
  if (fallback.has_value()) return std::string(*fallback);
  return std::nullopt;
}

}  // namespace

bool HasPolicyVariable(std::string_view text) { return text.find("${") != std::string_view::npos; }

std::optional<std::string> ExpandPolicyVariables(std::string_view text,
                                                 const VariableLookup& lookup,
                                                 bool escape_wildcards) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("${", pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open + 2);
    if (close == std::string_view::npos) {
      // No (complete) variable left: the rest is plain text, wildcards included.
      for (char c : text.substr(pos)) {
        if (escape_wildcards && c == '\\') out.push_back('\\');
        out.push_back(c);
      }
      break;
    }
    for (char c : text.substr(pos, open - pos)) {
      if (escape_wildcards && c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    std::optional<std::string> value = Resolve(text.substr(open + 2, close - open - 2), lookup);
    if (!value.has_value()) return std::nullopt;
    AppendLiteral(&out, *value, escape_wildcards);
    pos = close + 1;
  }
  return out;
}

}  // namespace stocktake::s3::policy
