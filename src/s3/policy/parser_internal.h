// Pieces of ParsePolicy shared between parser.cc, parse_principal.cc and parse_condition.cc.
// Internal to the policy module: only its .cc files include this (it exposes nlohmann::json).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "s3/policy/parser.h"
#include "s3/policy/policy.h"

namespace stocktake::s3::policy::internal {

// The kind of document being parsed: bucket and KMS key policies share the language but not
// the action, resource and condition-key vocabularies.
enum class PolicyKind { kBucket, kKey };

// A MalformedPolicy failure with `message`.
Status Malformed(std::string_view message);

// A Principal / NotPrincipal element.
Result<PrincipalSet> ParsePrincipal(const nlohmann::json& value, const ParseOptions& options);

// A Condition element of a statement whose Action (or NotAction) list is `actions`.
Result<std::vector<Condition>> ParseConditionBlock(const nlohmann::json& value,
                                                   const std::vector<std::string>& actions,
                                                   bool not_action, PolicyKind kind);

}  // namespace stocktake::s3::policy::internal
