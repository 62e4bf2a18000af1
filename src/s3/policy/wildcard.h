// IAM wildcard matching: "*" matches any run of characters (including none, and including "/"),
// "?" matches exactly one character; every other character matches itself. Used for Action,
// Resource, StringLike and the six components of ArnLike (IAM User Guide, "IAM JSON policy
// elements: Resource" and "Condition operators"). Matching never recurses and runs in
// O(|pattern| * |text|) time at worst, so untrusted patterns cannot blow the stack.
#pragma once

#include <string_view>

namespace stocktake::s3::policy {

struct WildcardOptions {
  // ASCII case folding (Action names are case-insensitive; resources and values are not).
  bool ignore_case = false;
  // A backslash makes the next character literal. Set only for patterns produced by
  // ExpandPolicyVariables(escape_wildcards=true), where ${*} and ${?} stand for literal
  // characters.
  bool backslash_escapes = false;
};

bool WildcardMatch(std::string_view pattern, std::string_view text, WildcardOptions options = {});

// Whether `text` contains "*" or "?".
bool HasWildcard(std::string_view text);

// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace stocktake::s3::policy
