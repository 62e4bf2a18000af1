#include "s3/policy/public_policy.h"

#include <algorithm>
#include <string_view>

#include "s3/policy/condition_values.h"
#include "s3/policy/variables.h"
#include "s3/policy/wildcard.h"

namespace stocktake::s3::policy {
namespace {

constexpr std::string_view kFixingKeys[] = {
    "aws:SourceArn",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceAccount",
    "aws:userid",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
};

// Narrowest CIDR prefixes still counted as "a set of CIDRs" rather than the whole internet.
constexpr int kMinIpv4PrefixBits = 8;
constexpr int kMinIpv6PrefixBits = 32;

bool IsFixed(std::string_view value) {
  return !value.empty() && !HasWildcard(value) && !HasPolicyVariable(value);
}

// Whether `condition` confines the statement to fixed values: a positive matching operator (not
// ...IfExists, not ForAllValues, which an absent key satisfies) with fixed values only.
bool Restricts(const Condition& condition) {
  if (condition.if_exists || condition.qualifier == SetQualifier::kForAllValues ||
      condition.values.empty()) {
    return false;
  }
  if (EqualsIgnoreCase(condition.key, "aws:SourceIp")) {
    if (condition.op != ConditionOp::kIpAddress) return false;
    return std::all_of(
        condition.values.begin(), condition.values.end(), [](const std::string& value) {
          std::optional<IpRange> range = ParseIpRange(value);
          return range.has_value() &&
                 range->prefix_bits >= (range->v6 ? kMinIpv6PrefixBits : kMinIpv4PrefixBits);
        });
  }
  bool fixing_key =
      std::any_of(std::begin(kFixingKeys), std::end(kFixingKeys),
                  [&](std::string_view key) { return EqualsIgnoreCase(key, condition.key); });
  if (!fixing_key) return false;
  switch (condition.op) {
    case ConditionOp::kStringEquals:
    case ConditionOp::kStringEqualsIgnoreCase:
    case ConditionOp::kStringLike:
    case ConditionOp::kArnEquals:
    case ConditionOp::kArnLike:
      break;
    default:
      return false;
  }
  if (!std::all_of(condition.values.begin(), condition.values.end(),
                   [](const std::string& value) { return IsFixed(value); })) {
    return false;
  }
  // aws:userid "outside the pattern AROLEID:*": a role's every session is not a fixed identity.
  if (EqualsIgnoreCase(condition.key, "aws:userid")) {
    return std::none_of(condition.values.begin(), condition.values.end(),
                        [](const std::string& value) { return value.back() == ':'; });
  }
  return true;
}

}  // namespace

bool IsPublicStatement(const Statement& statement) {
  if (statement.effect != Effect::kAllow || statement.not_principal ||
      !statement.principals.everyone) {
    return false;
  }
  return std::none_of(statement.conditions.begin(), statement.conditions.end(), Restricts);
}

bool IsPublic(const Policy& policy) {
  return std::any_of(policy.statements.begin(), policy.statements.end(), IsPublicStatement);
}

}  // namespace stocktake::s3::policy
