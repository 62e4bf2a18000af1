// The parsed form of a bucket policy (IAM JSON policy language, IAM User Guide "IAM JSON policy
// element reference"). Built only by ParsePolicy() (parser.h), which guarantees the invariants
// noted here; evaluated by Evaluate() (evaluator.h). Plain values: copyable, immutable in use,
// safe to share between threads once built.
#pragma once

#include <string>
#include <vector>

namespace stocktake::s3::policy {

enum class PolicyVersion {
  k2008_10_17,  // the default when Version is absent; no policy variables
  k2012_10_17,  // policy variables ${...} are expanded
};

enum class Effect { kAllow, kDeny };

// Who a Principal / NotPrincipal names. Everything is exact (no wildcards but "*").
struct PrincipalSet {
  bool everyone = false;                   // "*" or {"AWS": "*"} (anonymous callers included)
  std::vector<std::string> accounts;       // 12-digit ids, from "123..." or "...:root" ARNs
  std::vector<std::string> arns;           // IAM user / role / assumed-role ARNs
  std::vector<std::string> canonical_ids;  // 64 lower-case hex digits
  std::vector<std::string> services;       // "s3.amazonaws.com"
};

// Condition operators (IAM User Guide, "Condition operators"), without set qualifier and
// IfExists suffix.
enum class ConditionOp {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

// One (operator, key, values) triple of a Condition block. All the conditions of a statement
// must hold (AND); a condition holds when the request matches any of its values (OR), or, for a
// negated operator, none of them.
struct Condition {
  std::string operator_name;  // as written: "ForAnyValue:StringLikeIfExists"
  ConditionOp op = ConditionOp::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
  std::string key;                  // as written: "aws:SourceArn"
  std::vector<std::string> values;  // JSON numbers and booleans as their text ("10", "true")
};

struct Statement {
  std::string sid;  // "" when absent
  Effect effect = Effect::kAllow;
  bool not_principal = false;  // NotPrincipal (only with Deny)
  PrincipalSet principals;
  bool not_action = false;
  std::vector<std::string> actions;  // non-empty; "*" or "s3:<pattern>" ("kms:" in key policies)
  bool not_resource = false;
  // Non-empty; "arn:aws:s3:::<bucket>[/<pattern>]"; in key policies "*" or a KMS key ARN.
  std::vector<std::string> resources;
  std::vector<Condition> conditions;
};

struct Policy {
  PolicyVersion version = PolicyVersion::k2008_10_17;
  std::string id;                     // "" when absent
  std::vector<Statement> statements;  // non-empty
};

}  // namespace stocktake::s3::policy
