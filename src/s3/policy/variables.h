// IAM policy variables ("IAM policy elements: Variables and tags"): in a "2012-10-17" policy,
// "${key}" in a Resource or in a String*/Arn* condition value is replaced by the request's
// single value of `key`; "${key, 'default'}" supplies a default; "${*}", "${?}" and "${$}"
// stand for the literal characters "*", "?" and "$". "2008-10-17" policies take "${" literally.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace stocktake::s3::policy {

// The single value of a condition key in the request, or nullopt when it is absent (or has
// several values, which a variable cannot stand for).
using VariableLookup = std::function<std::optional<std::string>(std::string_view key)>;

// Whether `text` contains "${".
bool HasPolicyVariable(std::string_view text);

// Expands every variable of `text`. Returns nullopt when a variable has no value and no default:
// the element then matches nothing, as AWS documents for a missing key. An unterminated "${" is
// kept literally.
//
// With `escape_wildcards`, the result is a pattern for WildcardMatch(backslash_escapes = true):
// "*" and "?" written in `text` stay wildcards, while substituted values and ${*} ${?} are
// literal (escaped with "\"), and backslashes of `text` are escaped too.
std::optional<std::string> ExpandPolicyVariables(std::string_view text,
                                                 const VariableLookup& lookup,
                                                 bool escape_wildcards);

}  // namespace stocktake::s3::policy
