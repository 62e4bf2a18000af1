// Untrusted input: 10,000 generated malformed or odd policies (mutations of valid ones and
// random grammar-built ones) are each either rejected with a known MalformedPolicy message or
// accepted and evaluated consistently. Plus hostile shapes: deep nesting, huge padding, NULs.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "s3/policy/policy_errors.h"
#include "s3/policy/public_policy.h"
#include "s3/policy/testing/test_util.h"

namespace stocktake::s3::policy {
namespace {

using testing::Request;

bool IsKnownMessage(const std::string& message) {
  for (std::string_view exact :
       {kMsgFirstByte, kMsgInvalidJson, kMsgTooLarge, kMsgInvalidSyntax, kMsgInvalidVersion,
        kMsgMissingStatement, kMsgEmptyStatement, kMsgMissingEffect, kMsgMissingPrincipal,
        kMsgEmptyPrincipal, kMsgInvalidPrincipal, kMsgMissingAction, kMsgInvalidAction,
        kMsgMissingResource, kMsgInvalidResource, kMsgActionResourceMismatch,
        kMsgInvalidConditionKey, kMsgConditionActionMismatch, kMsgInvalidIp}) {
    if (message == exact) return true;
  }
  for (std::string_view prefix :
       {kMsgUnknownFieldPrefix, kMsgInvalidEffectPrefix, kMsgInvalidConditionTypePrefix,
        kMsgInvalidConditionValuePrefix}) {
    if (message.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

const std::vector<std::string>& Seeds() {
  static const std::vector<std::string> seeds = {
      R"({"Version":"2012-10-17","Statement":[{"Sid":"InventoryExamplePolicy","Effect":"Allow",)"
      R"("Principal":{"Service":"s3.amazonaws.com"},"Action":"s3:PutObject",)"
      R"("Resource":["arn:aws:s3:::b/*"],"Condition":{"ArnLike":{"aws:SourceArn":)"
      R"("arn:aws:s3:::src"},"StringEquals":{"aws:SourceAccount":"111122223333",)"
      R"("s3:x-amz-acl":"bucket-owner-full-control"}}}]})",
      R"({"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Deny","NotPrincipal":)"
      R"({"AWS":["111122223333","arn:aws:iam::111122223333:user/Alice"]},"NotAction":)"
      R"("s3:Get*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}})",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":)"
      R"(["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::b","Condition":)"
      R"({"StringLike":{"s3:prefix":"home/${aws:username}/*"},"NumericLessThan":)"
      R"({"s3:max-keys":100},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}},)"
      R"({"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::b/p/*",)"
      R"("Condition":{"Bool":{"aws:SecureTransport":false},"Null":{"aws:SourceIp":"true"}}}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":)"
      R"("s3:PutInventoryConfiguration","Resource":"arn:aws:s3:::b","Condition":)"
      R"({"ForAllValues:StringEquals":{"s3:InventoryAccessibleOptionalFields":["Size"]},)"
      R"("DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]})",
  };
  return seeds;
}

// Fragments that mutations splice in: structural characters and policy vocabulary.
const std::vector<std::string>& Fragments() {
  static const std::vector<std::string> fragments = {
      "{",
      "}",
      "[",
      "]",
      "\"",
      ":",
      ",",
      "*",
      "?",
      "$",
      "${",
      "\\",
      " ",
      "0",
      "-1",
      "1e9",
      "null",
      "true",
      "[]",
      "{}",
      "\"\"",
      "\"*\"",
      "\"Effect\"",
      "\"Allow\"",
      "\"Deny\"",
      "\"Principal\"",
      "\"NotPrincipal\"",
      "\"Action\"",
      "\"NotAction\"",
      "\"Resource\"",
      "\"NotResource\"",
      "\"Condition\"",
      "\"Sid\"",
      "\"Statement\"",
      "\"Version\"",
      "\"2012-10-17\"",
      "\"s3:*\"",
      "\"s3:GetObject\"",
      "\"s3:ListBucket\"",
      "\"arn:aws:s3:::b\"",
      "\"arn:aws:s3:::b/*\"",
      "\"arn:aws:s3:::other/*\"",
      "\"StringEquals\"",
      "\"ForAnyValue:StringLike\"",
      "\"IpAddressIfExists\"",
      "\"Null\"",
      "\"aws:SourceIp\"",
      "\"s3:prefix\"",
      "\"s3:x-amz-acl\"",
      "\"10.0.0.0/33\"",
      "\"111122223333\"",
      "{\"AWS\":\"*\"}",
      "{\"Service\":\"s3.amazonaws.com\"}",
      "\xff",
      std::string(1, '\0'),
      "\xc3\xa9",
  };
  return fragments;
}

std::string Mutate(std::string text, std::mt19937& rng) {
  int rounds = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < rounds; ++i) {
    size_t pos = text.empty() ? 0 : rng() % (text.size() + 1);
    const std::string& fragment = Fragments()[rng() % Fragments().size()];
    switch (rng() % 5) {
      case 0:  // delete a run
        if (!text.empty() && pos < text.size()) text.erase(pos, 1 + rng() % 8);
        break;
      case 1:  // insert a fragment
        text.insert(pos, fragment);
        break;
      case 2:  // overwrite with a fragment
        if (pos < text.size())
          text.replace(pos, std::min(fragment.size(), text.size() - pos), fragment);
        break;
      case 3:  // truncate
        text.resize(pos);
        break;
      case 4: {  // duplicate a slice elsewhere
        if (text.empty()) break;
        size_t from = rng() % text.size();
        size_t length = 1 + rng() % 40;
        std::string slice = text.substr(from, length);
        text.insert(pos, slice);
        break;
      }
    }
  }
  return text;
}

// A statement built from random parts: mostly valid ones, sometimes a faulty one.
std::string RandomPolicy(std::mt19937& rng) {
  auto pick = [&rng](std::initializer_list<const char*> valid,
                     std::initializer_list<const char*> faulty) {
    if (rng() % 10 == 0) return std::string(*(faulty.begin() + rng() % faulty.size()));
    return std::string(*(valid.begin() + rng() % valid.size()));
  };
  std::string statements;
  int count = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < count; ++i) {
    if (i > 0) statements += ",";
    bool deny = rng() % 3 == 0;
    statements += "{";
    statements += pick({deny ? R"("Effect":"Deny",)" : R"("Effect":"Allow",)"},
                       {R"("Effect":"allow",)", "", R"("Effect":1,)"});
    statements += pick({R"("Principal":"*",)", R"("Principal":{"AWS":"111122223333"},)",
                        R"("Principal":{"Service":"s3.amazonaws.com"},)",
                        R"("Principal":{"AWS":["*","arn:aws:iam::111122223333:user/Alice"]},)",
                        deny ? R"("NotPrincipal":{"AWS":"444455556666"},)"
                             : R"("Principal":{"AWS":"444455556666"},)"},
                       {R"("Principal":"x",)", "", R"("Principal":{"AWS":"bob"},)"});
    statements +=
        pick({R"("Action":"s3:*",)", R"("Action":["s3:GetObject","s3:PutObject"],)",
              R"("NotAction":"s3:Delete*",)", R"("Action":"s3:Get*",)", R"("Action":"*",)"},
             {R"("Action":"ec2:*",)", "", R"("Action":"s3:ListBucket",)"});
    statements += pick(
        {R"("Resource":"arn:aws:s3:::b/*")", R"("Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"])",
         R"("NotResource":"arn:aws:s3:::b/x/*")",
         R"("Resource":"arn:aws:s3:::b/${aws:username}/*")"},
        {R"("Resource":"arn:aws:s3:::c/*")", R"("Resource":"*")"});
    statements += pick({"", R"(,"Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}})",
                        R"(,"Condition":{"ForAnyValue:StringNotEquals":{"aws:SourceAccount":"1"}})",
                        R"(,"Condition":{"Null":{"aws:SourceIp":"false"}})",
                        R"(,"Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::src*"}})",
                        R"(,"Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01"}})",
                        R"(,"Condition":{"StringLikeIfExists":{"aws:username":"A*"}})"},
                       {R"(,"Condition":{"StringEquals":{"s3:bogus":"x"}})",
                        R"(,"Condition":{"StringLike":{"s3:prefix":["a/*","b?"]}})",
                        R"(,"Condition":{"NumericGreaterThan":{"s3:max-keys":"x"}})"});
    statements += "}";
  }
  return std::string(R"({"Version":")") + pick({"2012-10-17", "2008-10-17"}, {"2013-01-01"}) +
         R"(","Statement":[)" + statements + "]}";
}

std::vector<RequestContext> Probes(std::mt19937& rng) {
  std::vector<RequestContext> probes;
  const Caller callers[] = {Caller::Anonymous(), testing::RootA(), testing::RootB(),
                            testing::Alice(), testing::S3Service()};
  const char* actions[] = {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject",
                           "s3:PutInventoryConfiguration"};
  const char* resources[] = {"arn:aws:s3:::b", "arn:aws:s3:::b/k", "arn:aws:s3:::b/x/y",
                             "arn:aws:s3:::b/Alice/z"};
  for (int i = 0; i < 6; ++i) {
    RequestContext r = Request(callers[rng() % 5], actions[rng() % 5], resources[rng() % 4]);
    if (rng() % 2) r.conditions.Set("s3:x-amz-acl", rng() % 2 ? "private" : "public-read");
    if (rng() % 2) r.conditions.Set("aws:SourceIp", rng() % 2 ? "10.1.2.3" : "192.0.2.1");
    if (rng() % 2) r.conditions.Set("s3:prefix", rng() % 2 ? "a/x" : "zz");
    if (rng() % 2) r.conditions.Set("s3:max-keys", rng() % 2 ? "3" : "50");
    if (rng() % 2) r.conditions.Set("aws:CurrentTime", "2024-05-05T00:00:00Z");
    if (rng() % 2) r.conditions.Add("aws:SourceAccount", "1");
    probes.push_back(std::move(r));
  }
  return probes;
}

void CheckOne(const std::string& json, std::mt19937& rng, int* accepted) {
  Result<Policy> policy = ParsePolicy(json, "b");
  if (!policy.ok()) {
    EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(IsKnownMessage(policy.status().message()))
        << "unexpected message '" << policy.status().message() << "' for " << json;
    return;
  }
  ++*accepted;
  Result<Policy> again = ParsePolicy(json, "b");
  EXPECT_TRUE(again.ok());
  (void)IsPublic(*policy);
  for (const RequestContext& probe : Probes(rng)) {
    Evaluation first = EvaluateDetailed(*policy, probe);
    Evaluation second = EvaluateDetailed(*again, probe);
    EXPECT_EQ(first.decision, second.decision) << json;
    EXPECT_EQ(first.statement_index, second.statement_index);
    if (first.decision == Decision::kNoMatch) {
      EXPECT_EQ(first.statement_index, -1);
      continue;
    }
    ASSERT_GE(first.statement_index, 0);
    const Statement& decider = policy->statements[first.statement_index];
    EXPECT_TRUE(StatementApplies(decider, policy->version, probe));
    EXPECT_EQ(decider.effect == Effect::kDeny, first.decision == Decision::kDeny);
    // A Deny decision means no Deny was skipped; an Allow means no Deny applies at all.
    if (first.decision == Decision::kAllow) {
      for (const Statement& s : policy->statements) {
        if (s.effect == Effect::kDeny) {
          EXPECT_FALSE(StatementApplies(s, policy->version, probe));
        }
      }
    }
  }
}

TEST(RobustnessTest, TenThousandGeneratedPolicies) {
  std::mt19937 rng(20240607);
  int accepted = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string json = (i % 2 == 0)
                           ? Mutate(Seeds()[rng() % Seeds().size()], rng)
                           : (i % 4 == 1 ? RandomPolicy(rng) : Mutate(RandomPolicy(rng), rng));
    CheckOne(json, rng, &accepted);
    if (::testing::Test::HasFailure()) break;
  }
  RecordProperty("accepted", accepted);
  // Both outcomes must be well exercised.
  EXPECT_GT(accepted, 500);
  EXPECT_LT(accepted, 9500);
}

TEST(RobustnessTest, HostileShapes) {
  std::string deep = R"({"Statement":)" + std::string(9000, '[') + std::string(9000, ']') + "}";
  EXPECT_EQ(ParsePolicy(deep, "b").status().message(), kMsgInvalidSyntax);
  std::string deeper = R"({"Statement":)" + std::string(200000, '[');
  EXPECT_EQ(ParsePolicy(deeper, "b").status().message(), kMsgTooLarge);
  std::string objects = "{\"a\":" + std::string(20000, '{');
  EXPECT_FALSE(ParsePolicy(objects, "b").ok());
  std::string padded = "{" + std::string(1 << 20, ' ') + "}";
  EXPECT_EQ(ParsePolicy(padded, "b").status().message(), kMsgMissingStatement);
  std::string with_nul("{\"Statement\":[]}\0", 17);
  EXPECT_EQ(ParsePolicy(with_nul, "b").status().message(), kMsgInvalidJson);
  EXPECT_EQ(ParsePolicy(std::string_view(), "b").status().message(), kMsgFirstByte);
  std::string many_statements = R"({"Statement":[)";
  for (int i = 0; i < 400; ++i) {
    if (i > 0) many_statements += ",";
    many_statements += R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                       R"("Resource":"arn:aws:s3:::b/*"})";
  }
  many_statements += "]}";
  EXPECT_EQ(ParsePolicy(many_statements, "b").status().message(), kMsgTooLarge);
}

}  // namespace
}  // namespace stocktake::s3::policy
