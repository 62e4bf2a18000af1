#include "replication/config.h"

#include <gtest/gtest.h>

namespace stocktake::replication {
namespace {

std::string Doc(std::string_view rules) {
  return "<ReplicationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<Role>arn:aws:iam::123456789012:role/r</Role>" +
         std::string(rules) + "</ReplicationConfiguration>";
}

constexpr std::string_view kV2Rule =
    "<Rule><ID>logs</ID><Priority>1</Priority><Filter><Prefix>logs/</Prefix></Filter>"
    "<Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dst</Bucket>"
    "<StorageClass>STANDARD_IA</StorageClass></Destination>"
    "<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>";

Config MustParse(const std::string& xml) {
  auto parsed = ParseConfig(xml);
  if (auto* error = std::get_if<ConfigError>(&parsed)) {
    ADD_FAILURE() << error->message;
    return {};
  }
  return std::get<Config>(parsed);
}

ConfigError MustFail(const std::string& xml) {
  auto parsed = ParseConfig(xml);
  EXPECT_TRUE(std::holds_alternative<ConfigError>(parsed)) << xml;
  if (auto* error = std::get_if<ConfigError>(&parsed)) return *error;
  return {};
}

TEST(ReplicationConfigTest, ParsesV2Rule) {
  Config config = MustParse(Doc(kV2Rule));
  EXPECT_EQ(config.role, "arn:aws:iam::123456789012:role/r");
  ASSERT_EQ(config.rules.size(), 1u);
  const Rule& rule = config.rules[0];
  EXPECT_EQ(rule.id, "logs");
  EXPECT_EQ(rule.priority, 1);
  EXPECT_TRUE(rule.enabled);
  EXPECT_FALSE(rule.legacy_prefix);
  EXPECT_EQ(rule.prefix, "logs/");
  EXPECT_EQ(rule.destination_bucket, "dst");
  EXPECT_EQ(rule.storage_class, "STANDARD_IA");
  EXPECT_TRUE(rule.delete_markers);
}

TEST(ReplicationConfigTest, SerializeRoundTrips) {
  std::string xml =
      Doc("<Rule><ID>a</ID><Priority>2</Priority><Filter><And><Prefix>p/</Prefix>"
          "<Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Disabled</Status>"
          "<ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>"
          "<Destination><Bucket>arn:aws:s3:::dst</Bucket><Account>123456789012</Account>"
          "<AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation>"
          "<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time>"
          "</ReplicationTime></Destination>"
          "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>"
          "<Rule><ID>b</ID><Priority>1</Priority><Filter><Tag><Key>x</Key><Value>y</Value></Tag>"
          "</Filter><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::dst</Bucket>"
          "</Destination><DeleteMarkerReplication><Status>Disabled</Status>"
          "</DeleteMarkerReplication></Rule>");
  std::string canonical = SerializeConfig(MustParse(xml));
  EXPECT_NE(canonical.find("<ExistingObjectReplication><Status>Enabled</Status>"),
            std::string::npos)
      << canonical;
  EXPECT_NE(canonical.find("<Minutes>15</Minutes>"), std::string::npos) << canonical;
  EXPECT_EQ(SerializeConfig(MustParse(canonical)), canonical);
  Config again = MustParse(canonical);
  ASSERT_EQ(again.rules.size(), 2u);
  EXPECT_EQ(again.rules[0].filter_form, FilterForm::kAnd);
  EXPECT_EQ(again.rules[0].tags.size(), 1u);
  EXPECT_TRUE(again.rules[0].owner_override);
  EXPECT_EQ(again.rules[0].account, "123456789012");
  EXPECT_EQ(again.rules[1].filter_form, FilterForm::kTag);
}

TEST(ReplicationConfigTest, LegacyPrefixRuleReplicatesDeleteMarkers) {
  Config config =
      MustParse(Doc("<Rule><Prefix>a/</Prefix><Status>Enabled</Status>"
                    "<Destination><Bucket>arn:aws:s3:::dst</Bucket></Destination>"
                    "</Rule>"));
  ASSERT_EQ(config.rules.size(), 1u);
  EXPECT_TRUE(config.rules[0].legacy_prefix);
  EXPECT_FALSE(config.rules[0].id.empty());  // generated
  EXPECT_NE(MatchDeleteMarkerRule(config, "a/x"), nullptr);
  EXPECT_EQ(MatchDeleteMarkerRule(config, "b/x"), nullptr);
  std::string canonical = SerializeConfig(config);
  EXPECT_NE(canonical.find("<Prefix>a/</Prefix>"), std::string::npos);
  EXPECT_EQ(canonical.find("<Filter>"), std::string::npos);
}

TEST(ReplicationConfigTest, RefusesInvalidDocuments) {
  EXPECT_EQ(MustFail("<nope").kind, ConfigError::Kind::kMalformedXml);
  EXPECT_EQ(MustFail("<ReplicationConfiguration><Rule/></ReplicationConfiguration>").kind,
            ConfigError::Kind::kMalformedXml);                          // no Role
  EXPECT_EQ(MustFail(Doc("")).kind, ConfigError::Kind::kMalformedXml);  // no rule
  std::string bad_status(kV2Rule);
  bad_status.replace(bad_status.find("Enabled"), 7, "On");
  EXPECT_EQ(MustFail(Doc(bad_status)).kind, ConfigError::Kind::kMalformedXml);
  std::string bad_arn(kV2Rule);
  bad_arn.replace(bad_arn.find("arn:aws:s3:::dst"), 16, "dst");
  EXPECT_EQ(MustFail(Doc(bad_arn)).kind, ConfigError::Kind::kInvalidArgument);
  std::string no_priority(kV2Rule);
  no_priority.erase(no_priority.find("<Priority>"), std::string("<Priority>1</Priority>").size());
  EXPECT_EQ(MustFail(Doc(no_priority)).kind, ConfigError::Kind::kInvalidRequest);
  std::string twice = std::string(kV2Rule) + std::string(kV2Rule);
  EXPECT_EQ(MustFail(Doc(twice)).kind, ConfigError::Kind::kInvalidArgument);  // same ID
  EXPECT_EQ(MustFail(Doc("<Rule><ID>t</ID><Priority>1</Priority><Filter><Tag><Key>k</Key>"
                         "<Value>v</Value></Tag></Filter><Status>Enabled</Status>"
                         "<Destination><Bucket>arn:aws:s3:::d</Bucket></Destination>"
                         "<DeleteMarkerReplication><Status>Enabled</Status>"
                         "</DeleteMarkerReplication></Rule>"))
                .kind,
            ConfigError::Kind::kInvalidRequest);  // delete markers with a tag filter
}

TEST(ReplicationConfigTest, MatchesHighestPriorityEnabledRule) {
  Config config = MustParse(
      Doc("<Rule><ID>low</ID><Priority>1</Priority><Filter/><Status>Enabled</Status>"
          "<Destination><Bucket>arn:aws:s3:::all</Bucket></Destination>"
          "<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule>"
          "<Rule><ID>high</ID><Priority>5</Priority><Filter><And><Prefix>a/</Prefix>"
          "<Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status>"
          "<Destination><Bucket>arn:aws:s3:::tagged</Bucket></Destination>"
          "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>"
          "<Rule><ID>off</ID><Priority>9</Priority><Filter/><Status>Disabled</Status>"
          "<Destination><Bucket>arn:aws:s3:::never</Bucket></Destination>"
          "<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>"));
  Tags tagged = {{"k", "v"}, {"other", "1"}};
  ASSERT_NE(MatchRule(config, "a/x", tagged), nullptr);
  EXPECT_EQ(MatchRule(config, "a/x", tagged)->id, "high");
  EXPECT_EQ(MatchRule(config, "a/x", {})->id, "low");
  EXPECT_EQ(MatchRule(config, "b/x", tagged)->id, "low");
  // Tag rules never take delete markers; the prefix-only rule does.
  ASSERT_NE(MatchDeleteMarkerRule(config, "a/x"), nullptr);
  EXPECT_EQ(MatchDeleteMarkerRule(config, "a/x")->id, "low");
}

TEST(ReplicationConfigTest, ConfigOfReadsTheBucketAttribute) {
  store::Bucket bucket;
  EXPECT_FALSE(ConfigOf(bucket).has_value());
  bucket.attributes.emplace_back(std::string(kReplicationAttribute), Doc(kV2Rule));
  ASSERT_TRUE(ConfigOf(bucket).has_value());
  EXPECT_EQ(ConfigOf(bucket)->rules[0].id, "logs");
}

}  // namespace
}  // namespace stocktake::replication
