// Condition operators: reading their names, validating their values, and deciding one condition
// against the request's values of its key. Semantics from the IAM User Guide, "IAM JSON policy
// elements: Condition operators" and "Set operators for multivalued context keys":
//   - a key absent from the request makes a condition false, except for negated operators
//     (StringNotEquals, NotIpAddress, ArnNotLike, ...) which are then true;
//   - "...IfExists": true when the key is absent, otherwise the plain operator;
//   - "Null": "true" holds when the key is absent, "false" when it is present;
//   - "ForAllValues:": true when every request value matches some policy value (true for an
//     absent key); with a negated operator, when every request value matches none;
//   - "ForAnyValue:": true when some request value matches some policy value (false for an
//     absent key); with a negated operator, when some request value matches none.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "s3/policy/policy.h"
#include "s3/policy/variables.h"

namespace stocktake::s3::policy {

struct OperatorName {
  ConditionOp op;
  SetQualifier qualifier;
  bool if_exists;
};

// Reads "ForAnyValue:StringLikeIfExists". Names are case-sensitive, as AWS's. nullopt for an
// unknown operator (and for "NullIfExists" or a set-qualified "Null", which mean nothing).
std::optional<OperatorName> ParseOperatorName(std::string_view name);

// "StringEquals", ... (the bare operator).
std::string_view ConditionOpName(ConditionOp op);

// StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals, DateNotEquals,
// NotIpAddress, ArnNotEquals, ArnNotLike.
bool IsNegatedOp(ConditionOp op);

// Whether the operator supports policy variables in its values (String* and Arn*).
bool SupportsPolicyVariables(ConditionOp op);

// The MalformedPolicy message for a value the operator cannot read (an IP range for IpAddress,
// a number for Numeric*, a date for Date*, "true"/"false" for Bool and Null), or nullopt.
std::optional<std::string> ConditionValueError(const Condition& condition);

// Whether `condition` holds for a request whose values of condition.key are `request_values`
// (empty: the key is absent). `variables` resolves ${...} in String*/Arn* values when `version`
// is 2012-10-17.
bool ConditionHolds(const Condition& condition, std::span<const std::string> request_values,
                    PolicyVersion version, const VariableLookup& variables);

}  // namespace stocktake::s3::policy
