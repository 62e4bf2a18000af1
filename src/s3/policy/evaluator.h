// Evaluation of a bucket policy for one request (IAM User Guide, "Policy evaluation logic"): a
// matching Deny statement wins over any Allow; a matching Allow allows; otherwise the policy says
// nothing and the caller falls back to ownership / ACLs. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "s3/policy/policy.h"
#include "s3/policy/request_context.h"

namespace stocktake::s3::policy {

enum class Decision {
  kNoMatch,  // no statement applies: implicit deny unless something else grants access
  kAllow,    // an Allow statement applies and no Deny does
  kDeny,     // an explicit Deny applies: refuse, whatever else grants access
};

std::string_view DecisionName(Decision decision);  // "NoMatch", "Allow", "Deny"

struct Evaluation {
  Decision decision = Decision::kNoMatch;
  // The deciding statement (the first matching Deny, else the first matching Allow), or -1.
  int statement_index = -1;
};

Evaluation EvaluateDetailed(const Policy& policy, const RequestContext& request);

inline Decision Evaluate(const Policy& policy, const RequestContext& request) {
  return EvaluateDetailed(policy, request).decision;
}

// Whether `statement` applies to `request`: its principal, action, resource and every condition
// match (whatever its Effect).
bool StatementApplies(const Statement& statement, PolicyVersion version,
                      const RequestContext& request);

// Whether `caller` is one of `principals`: "*" matches everyone (anonymous included); an account
// (id or root ARN) matches its root and every user of the account; a user ARN, a canonical id or
// a service name matches exactly.
bool PrincipalMatches(const PrincipalSet& principals, const Caller& caller);

// The request's values of condition key `key`: those set in request.conditions, else the ones
// derived from request.caller (aws:PrincipalAccount, ...). Empty when absent.
std::vector<std::string> RequestValues(const RequestContext& request, std::string_view key);

}  // namespace stocktake::s3::policy
