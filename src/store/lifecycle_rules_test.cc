#include "store/lifecycle_rules.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace stocktake::store {
namespace {

int64_t At(std::string_view iso) { return *ParseIso8601(iso); }

ObjectVersion Version(std::string key, int64_t modified_ms, uint64_t size = 10) {
  ObjectVersion v;
  v.key = std::move(key);
  v.last_modified_ms = modified_ms;
  v.size = size;
  return v;
}

LifecycleRule DaysRule(std::string prefix, uint32_t days) {
  LifecycleRule rule;
  rule.id = "r";
  rule.filter.prefix = std::move(prefix);
  rule.expiration_days = days;
  return rule;
}

// User Guide example: created 2014-01-15 10:30 UTC, 3 days -> expires 2014-01-19 00:00 UTC.
TEST(LifecycleRulesTest, DueIsNextMidnightAfterDays) {
  EXPECT_EQ(LifecycleDueMs(At("2014-01-15T10:30:00Z"), 3), At("2014-01-19T00:00:00Z"));
  EXPECT_EQ(LifecycleDueMs(At("2014-01-15T23:59:59.999Z"), 1), At("2014-01-17T00:00:00Z"));
  // Exactly midnight still goes to the next one ("rounded to the next midnight").
  EXPECT_EQ(LifecycleDueMs(At("2014-01-15T00:00:00Z"), 1), At("2014-01-17T00:00:00Z"));
}

TEST(LifecycleRulesTest, FilterMatching) {
  LifecycleRule rule = DaysRule("logs/", 1);
  rule.filter.form = LifecycleFilter::Form::kAnd;
  rule.filter.tags = {{"class", "tmp"}};
  rule.filter.size_greater_than = 5;
  rule.filter.size_less_than = 100;
  ObjectVersion v = Version("logs/a", 0, 10);
  EXPECT_FALSE(RuleMatches(rule, v));  // tag missing
  v.tags = {{"other", "x"}, {"class", "tmp"}};
  EXPECT_TRUE(RuleMatches(rule, v));
  v.size = 5;
  EXPECT_FALSE(RuleMatches(rule, v));  // strictly greater
  v.size = 100;
  EXPECT_FALSE(RuleMatches(rule, v));  // strictly less
  v.size = 50;
  v.key = "data/a";
  EXPECT_FALSE(RuleMatches(rule, v));
  v.key = "logs/b";
  rule.enabled = false;
  EXPECT_FALSE(RuleMatches(rule, v));
  LifecycleRule all;  // empty Filter: every object
  all.expiration_days = 1;
  EXPECT_TRUE(RuleMatches(all, v));
}

TEST(LifecycleRulesTest, CurrentExpirationTakesEarliestRule) {
  LifecycleRule days = DaysRule("", 30);
  LifecycleRule date;
  date.expiration_date_ms = At("2030-01-01T00:00:00Z");
  LifecycleRule other_prefix = DaysRule("x/", 1);
  std::vector<LifecycleRule> rules = {days, date, other_prefix};
  VersionHistory history;
  ObjectVersion v = Version("a", At("2029-12-30T08:00:00Z"));
  EXPECT_EQ(ExpirationMs(rules, v, history.Next(v)), At("2030-01-01T00:00:00Z"));
  ObjectVersion w = Version("b", At("2020-01-01T08:00:00Z"));
  EXPECT_EQ(ExpirationMs(rules, w, history.Next(w)), At("2020-02-01T00:00:00Z"));
  ObjectVersion marker = Version("c", 0);
  marker.is_delete_marker = true;
  EXPECT_FALSE(ExpirationMs(rules, marker, history.Next(marker)));
}

TEST(LifecycleRulesTest, NoncurrentExpirationCountsFromSuccessor) {
  LifecycleRule rule;
  rule.noncurrent_days = 2;
  rule.newer_noncurrent_versions = 1;
  std::vector<LifecycleRule> rules = {rule};
  VersionHistory history;
  // Newest first: v3 (current), v2, v1.
  ObjectVersion v3 = Version("k", At("2024-03-10T12:00:00Z"));
  ObjectVersion v2 = Version("k", At("2024-03-05T12:00:00Z"));
  ObjectVersion v1 = Version("k", At("2024-03-01T12:00:00Z"));
  VersionPosition p3 = history.Next(v3);
  VersionPosition p2 = history.Next(v2);
  VersionPosition p1 = history.Next(v1);
  EXPECT_TRUE(p3.is_latest);
  EXPECT_FALSE(p2.is_latest);
  EXPECT_EQ(p2.noncurrent_since_ms, v3.last_modified_ms);
  EXPECT_EQ(p2.newer_noncurrent, 0u);
  EXPECT_EQ(p1.noncurrent_since_ms, v2.last_modified_ms);
  EXPECT_EQ(p1.newer_noncurrent, 1u);
  EXPECT_FALSE(ExpirationMs(rules, v3, p3));  // no current-version action
  EXPECT_FALSE(ExpirationMs(rules, v2, p2));  // kept: the newest noncurrent version
  EXPECT_EQ(ExpirationMs(rules, v1, p1), At("2024-03-08T00:00:00Z"));
  // A new key starts again.
  ObjectVersion other = Version("l", 0);
  EXPECT_TRUE(history.Next(other).is_latest);
}

TEST(LifecycleRulesTest, DeleteMarkersAndUploads) {
  LifecycleRule markers;
  markers.filter.prefix = "tmp/";
  markers.expired_object_delete_marker = true;
  LifecycleRule abort;
  abort.filter.prefix = "up/";
  abort.abort_multipart_days = 7;
  LifecycleRule tagged = abort;
  tagged.filter.prefix.reset();
  tagged.filter.tags = {{"a", "b"}};
  std::vector<LifecycleRule> rules = {markers, abort, tagged};
  ObjectVersion marker = Version("tmp/x", 0, 0);
  marker.is_delete_marker = true;
  EXPECT_TRUE(RemovesExpiredDeleteMarker(rules, marker));
  marker.key = "keep/x";
  EXPECT_FALSE(RemovesExpiredDeleteMarker(rules, marker));
  EXPECT_EQ(AbortMultipartMs(rules, "up/file", At("2024-01-01T06:00:00Z")),
            At("2024-01-09T00:00:00Z"));
  EXPECT_FALSE(AbortMultipartMs(rules, "other", 0));
}

TEST(LifecycleRulesTest, AttributeRoundTrip) {
  LifecycleRule a;
  a.id = "id with spaces/=:%\n";
  a.enabled = false;
  a.filter.form = LifecycleFilter::Form::kAnd;
  a.filter.prefix = "p re=fix";
  a.filter.tags = {{"k:1", "v 1"}, {"k2", ""}};
  a.filter.size_greater_than = 1;
  a.filter.size_less_than = 1 << 30;
  a.expiration_date_ms = At("2030-01-01T00:00:00Z");
  a.noncurrent_days = 3;
  a.newer_noncurrent_versions = 4;
  LifecycleRule b;
  b.filter.form = LifecycleFilter::Form::kLegacyPrefix;
  b.filter.prefix = "";
  b.expiration_days = 9;
  b.expired_object_delete_marker = false;
  b.abort_multipart_days = 2;
  std::vector<LifecycleRule> rules = {a, b};
  Bucket bucket;
  SetLifecycleRules(&bucket, rules);
  auto parsed = LifecycleRulesOf(bucket);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_EQ(SerializeLifecycleRules(*parsed), SerializeLifecycleRules(rules));
  const LifecycleRule& pa = (*parsed)[0];
  EXPECT_EQ(pa.id, a.id);
  EXPECT_FALSE(pa.enabled);
  EXPECT_EQ(pa.filter.form, LifecycleFilter::Form::kAnd);
  EXPECT_EQ(pa.filter.prefix, a.filter.prefix);
  EXPECT_EQ(pa.filter.tags, a.filter.tags);
  EXPECT_EQ(pa.expiration_date_ms, a.expiration_date_ms);
  EXPECT_EQ(pa.newer_noncurrent_versions, 4u);
  const LifecycleRule& pb = (*parsed)[1];
  EXPECT_EQ(pb.filter.prefix, "");
  EXPECT_EQ(pb.expired_object_delete_marker, false);
  EXPECT_EQ(pb.abort_multipart_days, 2u);

  SetLifecycleRules(&bucket, {});
  EXPECT_EQ(bucket.FindAttribute(kLifecycleAttribute), nullptr);
  EXPECT_TRUE(LifecycleRulesOf(bucket)->empty());
  EXPECT_EQ(ParseLifecycleRules("id=x bogus=1").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseLifecycleRules("id=x days=-").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace stocktake::store
