#include "s3/policy/evaluator.h"

#include <algorithm>
#include <optional>

#include "s3/policy/actions.h"
#include "s3/policy/condition.h"
#include "s3/policy/variables.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool IsAccountCaller(const Caller& caller) {
  return caller.kind == Caller::Kind::kAccountRoot || caller.kind == Caller::Kind::kUser;
}

// Global keys AWS derives from the principal (IAM User Guide, "AWS global condition context
// keys": aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalType, aws:username,
// aws:PrincipalIsAWSService, aws:PrincipalServiceName).
std::vector<std::string> DerivedValues(const Caller& caller, std::string_view key) {
  const bool account = IsAccountCaller(caller);
  const bool service = caller.kind == Caller::Kind::kService;
  if (EqualsIgnoreCase(key, "aws:PrincipalAccount") && account) return {caller.account_id};
  if (EqualsIgnoreCase(key, "aws:PrincipalArn") && account) return {caller.arn};
  if (EqualsIgnoreCase(key, "aws:PrincipalType")) {
    switch (caller.kind) {
      case Caller::Kind::kAnonymous:
        return {"Anonymous"};
      case Caller::Kind::kAccountRoot:
        return {"Account"};
      case Caller::Kind::kUser:
        return {"User"};
      case Caller::Kind::kService:
        return {};
    }
  }
  if (EqualsIgnoreCase(key, "aws:username") && caller.kind == Caller::Kind::kUser) {
    size_t slash = caller.arn.rfind('/');
    return {caller.arn.substr(slash == std::string::npos ? 0 : slash + 1)};
  }
  if (EqualsIgnoreCase(key, "aws:PrincipalIsAWSService") &&
      caller.kind != Caller::Kind::kAnonymous) {
    return {service ? "true" : "false"};
  }
  if (EqualsIgnoreCase(key, "aws:PrincipalServiceName") && service) return {caller.service};
  return {};
}

bool ResourceMatches(std::string_view pattern, PolicyVersion version, const RequestContext& request,
                     const VariableLookup& variables) {
  if (version == PolicyVersion::k2012_10_17 && HasPolicyVariable(pattern)) {
    std::optional<std::string> expanded = ExpandPolicyVariables(pattern, variables, true);
    return expanded.has_value() &&
           WildcardMatch(*expanded, request.resource, {.backslash_escapes = true});
  }
  return WildcardMatch(pattern, request.resource);
}

}  // namespace

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kNoMatch:
      return "NoMatch";
    case Decision::kAllow:
      return "Allow";
    case Decision::kDeny:
      return "Deny";
  }
  return "NoMatch";
}

std::vector<std::string> RequestValues(const RequestContext& request, std::string_view key) {
  std::span<const std::string> set = request.conditions.Get(key);
  if (!set.empty()) return {set.begin(), set.end()};
  return DerivedValues(request.caller, key);
}

bool PrincipalMatches(const PrincipalSet& principals, const Caller& caller) {
  if (principals.everyone) return true;
  switch (caller.kind) {
    case Caller::Kind::kAnonymous:
      return false;
    case Caller::Kind::kService:
      return Contains(principals.services, caller.service);
    case Caller::Kind::kAccountRoot:
    case Caller::Kind::kUser:
      return Contains(principals.accounts, caller.account_id) ||
             Contains(principals.arns, caller.arn) ||
             (!caller.canonical_id.empty() &&
              Contains(principals.canonical_ids, caller.canonical_id));
  }
  return false;
}

bool StatementApplies(const Statement& statement, PolicyVersion version,
                      const RequestContext& request) {
  if (PrincipalMatches(statement.principals, request.caller) == statement.not_principal) {
    return false;
  }
  bool action =
      std::any_of(statement.actions.begin(), statement.actions.end(),
                  [&](const std::string& p) { return ActionPatternMatches(p, request.action); });
  if (action == statement.not_action) return false;

  VariableLookup variables = [&request](std::string_view key) -> std::optional<std::string> {
    std::vector<std::string> values = RequestValues(request, key);
    if (values.size() != 1) return std::nullopt;
    return std::move(values[0]);
  };
  bool resource = std::any_of(
      statement.resources.begin(), statement.resources.end(),
      [&](const std::string& p) { return ResourceMatches(p, version, request, variables); });
  if (resource == statement.not_resource) return false;

  for (const Condition& condition : statement.conditions) {
    std::vector<std::string> values = RequestValues(request, condition.key);
    if (!ConditionHolds(condition, values, version, variables)) return false;
  }
  return true;
}

Evaluation EvaluateDetailed(const Policy& policy, const RequestContext& request) {
  Evaluation result;
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    const Statement& statement = policy.statements[i];
    if (!StatementApplies(statement, policy.version, request)) continue;
    if (statement.effect == Effect::kDeny) {
      return Evaluation{Decision::kDeny, static_cast<int>(i)};
    }
    if (result.decision == Decision::kNoMatch) {
      result = Evaluation{Decision::kAllow, static_cast<int>(i)};
    }
  }
  return result;
}

}  // namespace stocktake::s3::policy
