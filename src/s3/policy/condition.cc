#include "s3/policy/condition.h"

#include <algorithm>

#include "s3/policy/condition_values.h"
#include "s3/policy/policy_errors.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {
namespace {

using Op = ConditionOp;

enum class ValueType { kString, kNumber, kDate, kBool, kBinary, kIp, kArn, kNull };

struct OpInfo {
  std::string_view name;
  Op op;
  ValueType type;
  Op positive;  // the operator this one negates, or itself
};

constexpr OpInfo kOps[] = {
    {"StringEquals", Op::kStringEquals, ValueType::kString, Op::kStringEquals},
    {"StringNotEquals", Op::kStringNotEquals, ValueType::kString, Op::kStringEquals},
    {"StringEqualsIgnoreCase", Op::kStringEqualsIgnoreCase, ValueType::kString,
     Op::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", Op::kStringNotEqualsIgnoreCase, ValueType::kString,
     Op::kStringEqualsIgnoreCase},
    {"StringLike", Op::kStringLike, ValueType::kString, Op::kStringLike},
    {"StringNotLike", Op::kStringNotLike, ValueType::kString, Op::kStringLike},
    {"NumericEquals", Op::kNumericEquals, ValueType::kNumber, Op::kNumericEquals},
    {"NumericNotEquals", Op::kNumericNotEquals, ValueType::kNumber, Op::kNumericEquals},
    {"NumericLessThan", Op::kNumericLessThan, ValueType::kNumber, Op::kNumericLessThan},
    {"NumericLessThanEquals", Op::kNumericLessThanEquals, ValueType::kNumber,
     Op::kNumericLessThanEquals},
    {"NumericGreaterThan", Op::kNumericGreaterThan, ValueType::kNumber, Op::kNumericGreaterThan},
    {"NumericGreaterThanEquals", Op::kNumericGreaterThanEquals, ValueType::kNumber,
     Op::kNumericGreaterThanEquals},
    {"DateEquals", Op::kDateEquals, ValueType::kDate, Op::kDateEquals},
    {"DateNotEquals", Op::kDateNotEquals, ValueType::kDate, Op::kDateEquals},
    {"DateLessThan", Op::kDateLessThan, ValueType::kDate, Op::kDateLessThan},
    {"DateLessThanEquals", Op::kDateLessThanEquals, ValueType::kDate, Op::kDateLessThanEquals},
    {"DateGreaterThan", Op::kDateGreaterThan, ValueType::kDate, Op::kDateGreaterThan},
    {"DateGreaterThanEquals", Op::kDateGreaterThanEquals, ValueType::kDate,
     Op::kDateGreaterThanEquals},
    {"Bool", Op::kBool, ValueType::kBool, Op::kBool},
    {"BinaryEquals", Op::kBinaryEquals, ValueType::kBinary, Op::kBinaryEquals},
    {"IpAddress", Op::kIpAddress, ValueType::kIp, Op::kIpAddress},
    {"NotIpAddress", Op::kNotIpAddress, ValueType::kIp, Op::kIpAddress},
    {"ArnEquals", Op::kArnEquals, ValueType::kArn, Op::kArnEquals},
    {"ArnLike", Op::kArnLike, ValueType::kArn, Op::kArnLike},
    {"ArnNotEquals", Op::kArnNotEquals, ValueType::kArn, Op::kArnEquals},
    {"ArnNotLike", Op::kArnNotLike, ValueType::kArn, Op::kArnLike},
    {"Null", Op::kNull, ValueType::kNull, Op::kNull},
};

const OpInfo& Info(Op op) {
  for (const OpInfo& info : kOps) {
    if (info.op == op) return info;
  }
  return kOps[0];  // unreachable: every enumerator has a row
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Compares one request value with one policy value under a positive operator. `escaped`: the
// policy value came out of ExpandPolicyVariables(escape_wildcards = true).
bool Compare(Op positive, std::string_view policy_value, std::string_view request_value,
             bool escaped) {
  WildcardOptions wildcard{.ignore_case = false, .backslash_escapes = escaped};
  switch (positive) {
    case Op::kStringEquals:
    case Op::kBinaryEquals:
      return policy_value == request_value;
    case Op::kStringEqualsIgnoreCase:
      return EqualsIgnoreCase(policy_value, request_value);
    case Op::kStringLike:
      return WildcardMatch(policy_value, request_value, wildcard);
    case Op::kArnEquals:
    case Op::kArnLike:
      return ArnMatch(policy_value, request_value, wildcard);
    case Op::kBool: {
      std::optional<bool> p = ParseConditionBool(policy_value);
      std::optional<bool> r = ParseConditionBool(request_value);
      return p.has_value() && r.has_value() && *p == *r;
    }
    case Op::kIpAddress: {
      std::optional<IpRange> range = ParseIpRange(policy_value);
      std::optional<IpRange> address = ParseIpRange(request_value);
      return range.has_value() && address.has_value() && IpInRange(*address, *range);
    }
    case Op::kNumericEquals:
    case Op::kNumericLessThan:
    case Op::kNumericLessThanEquals:
    case Op::kNumericGreaterThan:
    case Op::kNumericGreaterThanEquals: {
      std::optional<double> p = ParseConditionNumber(policy_value);
      std::optional<double> r = ParseConditionNumber(request_value);
      if (!p.has_value() || !r.has_value()) return false;
      if (positive == Op::kNumericEquals) return *r == *p;
      if (positive == Op::kNumericLessThan) return *r < *p;
      if (positive == Op::kNumericLessThanEquals) return *r <= *p;
      if (positive == Op::kNumericGreaterThan) return *r > *p;
      return *r >= *p;
    }
    case Op::kDateEquals:
    case Op::kDateLessThan:
    case Op::kDateLessThanEquals:
    case Op::kDateGreaterThan:
    case Op::kDateGreaterThanEquals: {
      std::optional<int64_t> p = ParseConditionDate(policy_value);
      std::optional<int64_t> r = ParseConditionDate(request_value);
      if (!p.has_value() || !r.has_value()) return false;
      if (positive == Op::kDateEquals) return *r == *p;
      if (positive == Op::kDateLessThan) return *r < *p;
      if (positive == Op::kDateLessThanEquals) return *r <= *p;
      if (positive == Op::kDateGreaterThan) return *r > *p;
      return *r >= *p;
    }
    default:
      return false;  // negated and Null operators never reach here
  }
}

}  // namespace

std::optional<OperatorName> ParseOperatorName(std::string_view name) {
  OperatorName out{Op::kStringEquals, SetQualifier::kNone, false};
  if (StartsWith(name, "ForAllValues:")) {
    out.qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(13);
  } else if (StartsWith(name, "ForAnyValue:")) {
    out.qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(12);
  }
  if (EndsWith(name, "IfExists")) {
    out.if_exists = true;
    name.remove_suffix(8);
  }
  for (const OpInfo& info : kOps) {
    if (info.name != name) continue;
    if (info.op == Op::kNull && (out.if_exists || out.qualifier != SetQualifier::kNone)) {
      return std::nullopt;
    }
    out.op = info.op;
    return out;
  }
  return std::nullopt;
}

std::string_view ConditionOpName(ConditionOp op) { return Info(op).name; }

bool IsNegatedOp(ConditionOp op) { return Info(op).positive != op; }

bool SupportsPolicyVariables(ConditionOp op) {
  ValueType type = Info(op).type;
  return type == ValueType::kString || type == ValueType::kArn;
}

std::optional<std::string> ConditionValueError(const Condition& condition) {
  const OpInfo& info = Info(condition.op);
  for (const std::string& value : condition.values) {
    bool ok = true;
    switch (info.type) {
      case ValueType::kIp:
        if (!ParseIpRange(value).has_value()) return std::string(kMsgInvalidIp);
        break;
      case ValueType::kNumber:
        ok = ParseConditionNumber(value).has_value();
        break;
      case ValueType::kDate:
        ok = ParseConditionDate(value).has_value();
        break;
      case ValueType::kBool:
      case ValueType::kNull:
        ok = ParseConditionBool(value).has_value();
        break;
      default:
        break;
    }
    if (!ok) {
      return std::string(kMsgInvalidConditionValuePrefix) + std::string(info.name);
    }
  }
  return std::nullopt;
}

bool ConditionHolds(const Condition& condition, std::span<const std::string> request_values,
                    PolicyVersion version, const VariableLookup& variables) {
  const bool present = !request_values.empty();
  if (condition.op == Op::kNull) {
    for (const std::string& value : condition.values) {
      std::optional<bool> want_absent = ParseConditionBool(value);
      if (want_absent.has_value() && *want_absent != present) return true;
    }
    return false;
  }
  if (condition.if_exists && !present) return true;

  const OpInfo& info = Info(condition.op);
  const bool negated = info.positive != info.op;
  const bool expand = version == PolicyVersion::k2012_10_17 && SupportsPolicyVariables(info.op);
  const bool wildcards = info.positive == Op::kStringLike || info.type == ValueType::kArn;

  // Policy values with their variables expanded (a value whose variable is missing drops out:
  // it matches nothing).
  std::vector<std::string> expanded;
  std::vector<bool> escaped;
  expanded.reserve(condition.values.size());
  for (const std::string& value : condition.values) {
    if (expand && HasPolicyVariable(value)) {
      std::optional<std::string> e = ExpandPolicyVariables(value, variables, wildcards);
      if (!e.has_value()) continue;
      expanded.push_back(std::move(*e));
      escaped.push_back(wildcards);
    } else {
      expanded.push_back(value);
      escaped.push_back(false);
    }
  }
  auto matches = [&](const std::string& request_value) {
    for (size_t i = 0; i < expanded.size(); ++i) {
      if (Compare(info.positive, expanded[i], request_value, escaped[i])) return true;
    }
    return false;
  };

  switch (condition.qualifier) {
    case SetQualifier::kNone: {
      if (!present) return negated;
      bool any = std::any_of(request_values.begin(), request_values.end(), matches);
      return negated ? !any : any;
    }
    case SetQualifier::kForAllValues:
      if (!present) return true;
      return std::all_of(request_values.begin(), request_values.end(),
                         [&](const std::string& v) { return matches(v) != negated; });
    case SetQualifier::kForAnyValue:
      if (!present) return false;
      return std::any_of(request_values.begin(), request_values.end(),
                         [&](const std::string& v) { return matches(v) != negated; });
  }
  return false;
}

}  // namespace stocktake::s3::policy
