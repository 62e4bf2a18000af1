// Helpers for the policy tests: parse-or-fail and request builders.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "s3/policy/evaluator.h"
#include "s3/policy/parser.h"

namespace stocktake::s3::policy::testing {

inline Policy MustParse(std::string_view json, std::string_view bucket) {
  Result<Policy> policy = ParsePolicy(json, bucket);
  EXPECT_TRUE(policy.ok()) << policy.status().ToString() << "\n" << json;
  return policy.ok() ? std::move(policy).value() : Policy{};
}

inline RequestContext Request(Caller caller, std::string_view action, std::string_view resource) {
  RequestContext request;
  request.caller = std::move(caller);
  request.action = std::string(action);
  request.resource = std::string(resource);
  return request;
}

inline const std::string kCanonicalA(64, 'a');
inline const std::string kCanonicalB(64, 'b');

inline Caller Alice() { return Caller::User("111122223333", kCanonicalA, "Alice"); }
inline Caller RootA() { return Caller::Root("111122223333", kCanonicalA); }
inline Caller RootB() { return Caller::Root("444455556666", kCanonicalB); }
inline Caller S3Service() { return Caller::Service("s3.amazonaws.com"); }

}  // namespace stocktake::s3::policy::testing
