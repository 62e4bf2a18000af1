// The Condition element: {"<operator>": {"<key>": <value or list of values>}, ...}. Checks, in
// the order S3 reports them: the operator name ("Invalid Condition type : X"), the key ("Policy
// has an invalid condition key"), whether an S3 key applies to the statement's actions
// ("Conditions do not apply to combination of actions and resources in statement"), and the
// values an operator must be able to read ("Invalid IP address in Conditions").
#include <string>

#include "s3/policy/actions.h"
#include "s3/policy/condition.h"
#include "s3/policy/parser_internal.h"
#include "s3/policy/policy_errors.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy::internal {
namespace {

using nlohmann::json;

// A scalar condition value as text: JSON numbers and booleans are accepted as AWS does
// ({"NumericLessThan": {"s3:max-keys": 10}}, {"Bool": {"aws:SecureTransport": false}}).
bool ScalarText(const json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
  } else if (value.is_boolean()) {
    *out = value.get<bool>() ? "true" : "false";
  } else if (value.is_number_unsigned()) {
    *out = std::to_string(value.get<uint64_t>());
  } else if (value.is_number_integer()) {
    *out = std::to_string(value.get<int64_t>());
  } else if (value.is_number_float()) {
    *out = value.dump();
  } else {
    return false;
  }
  return true;
}

// Whether condition key `key` applies to the statement's actions. Every action named exactly
// must support the key (AWS rejects s3:prefix next to s3:GetBucketAcl); a wildcard pattern only
// needs one of the actions it names to support it (AWS accepts s3:x-amz-acl with "s3:*").
// NotAction statements are not checked.
bool KeyAppliesToActions(std::string_view key, const std::vector<std::string>& actions) {
  for (const std::string& pattern : actions) {
    if (!HasWildcard(pattern)) {
      const ActionInfo* action = FindAction(pattern);
      if (action != nullptr && !ConditionKeyAppliesTo(key, action->name)) return false;
      continue;
    }
    bool any = false;
    for (const ActionInfo& action : AllActions()) {
      if (ActionPatternMatches(pattern, action.name) && ConditionKeyAppliesTo(key, action.name)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

// Key policies may use the global keys and KMS's own ("kms:ViaService", ...); KMS does not
// tie them to actions the way S3 does.
bool IsKeyPolicyConditionKey(std::string_view key) {
  return key.size() > 4 &&
         (EqualsIgnoreCase(key.substr(0, 4), "aws:") || EqualsIgnoreCase(key.substr(0, 4), "kms:"));
}

}  // namespace

Result<std::vector<Condition>> ParseConditionBlock(const json& value,
                                                   const std::vector<std::string>& actions,
                                                   bool not_action, PolicyKind kind) {
  if (!value.is_object()) return Malformed(kMsgInvalidSyntax);
  std::vector<Condition> out;
  for (const auto& [operator_name, keys] : value.items()) {
    std::optional<OperatorName> parsed = ParseOperatorName(operator_name);
    if (!parsed.has_value()) {
      return Malformed(std::string(kMsgInvalidConditionTypePrefix) + operator_name);
    }
    if (!keys.is_object()) return Malformed(kMsgInvalidSyntax);
    for (const auto& [key, values] : keys.items()) {
      if (kind == PolicyKind::kKey) {
        if (!IsKeyPolicyConditionKey(key)) return Malformed(kMsgInvalidConditionKey);
      } else {
        if (!IsKnownConditionKey(key)) return Malformed(kMsgInvalidConditionKey);
        if (!not_action && !KeyAppliesToActions(key, actions)) {
          return Malformed(kMsgConditionActionMismatch);
        }
      }
      Condition condition;
      condition.operator_name = operator_name;
      condition.op = parsed->op;
      condition.qualifier = parsed->qualifier;
      condition.if_exists = parsed->if_exists;
      condition.key = key;
      std::string text;
      if (values.is_array()) {
        for (const json& entry : values) {
          if (!ScalarText(entry, &text)) return Malformed(kMsgInvalidSyntax);
          condition.values.push_back(text);
        }
      } else if (ScalarText(values, &text)) {
        condition.values.push_back(text);
      } else {
        return Malformed(kMsgInvalidSyntax);
      }
      if (std::optional<std::string> error = ConditionValueError(condition); error.has_value()) {
        return Malformed(*error);
      }
      out.push_back(std::move(condition));
    }
  }
  return out;
}

}  // namespace stocktake::s3::policy::internal
