#include "s3/lifecycle_xml.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace stocktake::s3 {
namespace {

using store::LifecycleFilter;
using store::LifecycleRule;

std::variant<std::vector<LifecycleRule>, S3Error> Parse(const std::string& rules_xml) {
  pugi::xml_document doc;
  std::string text = "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
                     rules_xml + "</LifecycleConfiguration>";
  EXPECT_TRUE(doc.load_string(text.c_str()));
  return ParseLifecycleConfiguration(doc);
}

std::vector<LifecycleRule> ParseOk(const std::string& rules_xml) {
  auto parsed = Parse(rules_xml);
  if (auto* e = std::get_if<S3Error>(&parsed)) {
    ADD_FAILURE() << e->info().code << ": " << e->effective_message();
    return {};
  }
  return std::get<std::vector<LifecycleRule>>(parsed);
}

// The error of a bad document, as "Code: message".
std::string ErrorOf(const std::string& rules_xml) {
  auto parsed = Parse(rules_xml);
  auto* e = std::get_if<S3Error>(&parsed);
  if (e == nullptr) return "accepted";
  return std::string(e->info().code) + ": " + std::string(e->effective_message());
}

std::string Rule(const std::string& body) { return "<Rule>" + body + "</Rule>"; }

TEST(LifecycleXmlTest, ParsesEveryElement) {
  auto rules = ParseOk(
      Rule("<ID>all</ID><Filter><And><Prefix>logs/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag>"
           "<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>99"
           "</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>"
           "<Expiration><Days>30</Days></Expiration><NoncurrentVersionExpiration>"
           "<NoncurrentDays>7</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions>"
           "</NoncurrentVersionExpiration>") +
      Rule("<ID>legacy</ID><Prefix>tmp/</Prefix><Status>Disabled</Status>"
           "<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>"
           "<AbortIncompleteMultipartUpload><DaysAfterInitiation>2</DaysAfterInitiation>"
           "</AbortIncompleteMultipartUpload>") +
      Rule("<Filter></Filter><Status>Enabled</Status>"
           "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>"));
  ASSERT_EQ(rules.size(), 3u);
  const LifecycleRule& a = rules[0];
  EXPECT_EQ(a.filter.form, LifecycleFilter::Form::kAnd);
  EXPECT_EQ(a.filter.prefix, "logs/");
  ASSERT_EQ(a.filter.tags.size(), 1u);
  EXPECT_EQ(a.filter.tags[0].second, "v");
  EXPECT_EQ(a.filter.size_greater_than, 10u);
  EXPECT_EQ(a.filter.size_less_than, 99u);
  EXPECT_EQ(a.expiration_days, 30u);
  EXPECT_EQ(a.noncurrent_days, 7u);
  EXPECT_EQ(a.newer_noncurrent_versions, 3u);
  const LifecycleRule& b = rules[1];
  EXPECT_FALSE(b.enabled);
  EXPECT_EQ(b.filter.form, LifecycleFilter::Form::kLegacyPrefix);
  EXPECT_EQ(b.expiration_date_ms, *ParseIso8601("2030-01-01T00:00:00Z"));
  EXPECT_EQ(b.abort_multipart_days, 2u);
  const LifecycleRule& c = rules[2];
  EXPECT_EQ(c.id.size(), 48u);  // generated: base64 of a UUID, as AWS
  EXPECT_FALSE(c.filter.prefix);
  EXPECT_EQ(c.expired_object_delete_marker, true);
}

TEST(LifecycleXmlTest, RenderRoundTrips) {
  auto rules =
      ParseOk(Rule("<ID>a</ID><Filter><Tag><Key>k</Key><Value>v&amp;w</Value></Tag></Filter>"
                   "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>") +
              Rule("<ID>b</ID><Prefix></Prefix><Status>Enabled</Status>"
                   "<Expiration><Date>2030-01-01T00:00:00.000Z</Date></Expiration>"));
  std::string xml = RenderLifecycleConfiguration(rules);
  EXPECT_NE(xml.find("<Rule><ID>a</ID><Filter><Tag><Key>k</Key><Value>v&amp;w</Value></Tag>"
                     "</Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"
                     "</Rule>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Rule><ID>b</ID><Prefix></Prefix><Status>Enabled</Status><Expiration>"
                     "<Date>2030-01-01T00:00:00.000Z</Date></Expiration></Rule>"),
            std::string::npos)
      << xml;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  auto again = ParseLifecycleConfiguration(doc);
  ASSERT_TRUE(std::holds_alternative<std::vector<LifecycleRule>>(again));
  EXPECT_EQ(RenderLifecycleConfiguration(std::get<std::vector<LifecycleRule>>(again)), xml);
}

TEST(LifecycleXmlTest, RejectsAsAws) {
  const std::string status = "<Status>Enabled</Status>";
  const std::string days1 = "<Expiration><Days>1</Days></Expiration>";
  const std::string filter = "<Filter><Prefix>p</Prefix></Filter>";
  EXPECT_EQ(ErrorOf(""),
            "MalformedXML: The XML you provided was not well-formed or did not "
            "validate against our published schema");
  EXPECT_EQ(ErrorOf(Rule(filter + "<Status>On</Status>" + days1)).substr(0, 12), "MalformedXML");
  EXPECT_EQ(ErrorOf(Rule(status + days1)).substr(0, 12), "MalformedXML");  // no Filter
  EXPECT_EQ(ErrorOf(Rule("<Prefix>a</Prefix>" + filter + status + days1)).substr(0, 12),
            "MalformedXML");
  EXPECT_EQ(
      ErrorOf(Rule("<Filter><Prefix>a</Prefix><Tag><Key>k</Key></Tag></Filter>" + status + days1))
          .substr(0, 12),
      "MalformedXML");  // two conditions without And
  EXPECT_EQ(ErrorOf(Rule(filter + status + "<Expiration><Days>0</Days></Expiration>")),
            "InvalidArgument: 'Days' for Expiration action must be a positive integer");
  EXPECT_EQ(
      ErrorOf(Rule(filter + status + "<Expiration><Days>x</Days></Expiration>")).substr(0, 12),
      "MalformedXML");
  EXPECT_EQ(ErrorOf(Rule(filter + status +
                         "<Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date>"
                         "</Expiration>"))
                .substr(0, 12),
            "MalformedXML");
  EXPECT_EQ(
      ErrorOf(Rule(filter + status + "<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>")),
      "InvalidArgument: 'Date' must be at midnight GMT");
  EXPECT_EQ(ErrorOf(Rule(filter + status +
                         "<NoncurrentVersionExpiration><NoncurrentDays>-1</NoncurrentDays>"
                         "</NoncurrentVersionExpiration>")),
            "InvalidArgument: 'NoncurrentDays' for NoncurrentVersionExpiration action must be "
            "a positive integer");
  EXPECT_EQ(ErrorOf(Rule(filter + status +
                         "<AbortIncompleteMultipartUpload><DaysAfterInitiation>0"
                         "</DaysAfterInitiation></AbortIncompleteMultipartUpload>")),
            "InvalidArgument: 'DaysAfterInitiation' for AbortIncompleteMultipartUpload action "
            "must be a positive integer");
  EXPECT_EQ(ErrorOf(Rule(filter + status)),
            "InvalidRequest: At least one action needs to be specified in a rule");
  EXPECT_EQ(ErrorOf(Rule("<ID>x</ID>" + filter + status + days1) +
                    Rule("<ID>x</ID>" + filter + status + days1)),
            "InvalidArgument: Rule ID must be unique. Found same ID for more than one rule");
  EXPECT_EQ(ErrorOf(Rule("<ID>" + std::string(256, 'i') + "</ID>" + filter + status + days1)),
            "InvalidArgument: ID length should not exceed allowed limit of 255");
  EXPECT_EQ(ErrorOf(Rule("<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>" + status +
                         "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1"
                         "</DaysAfterInitiation></AbortIncompleteMultipartUpload>")),
            "InvalidRequest: AbortIncompleteMultipartUpload cannot be specified with Tags.");
  EXPECT_EQ(ErrorOf(Rule(filter + status +
                         "<Transition><Days>1</Days><StorageClass>GLACIER</StorageClass>"
                         "</Transition>"))
                .substr(0, 14),
            "NotImplemented");
  std::string many;
  for (int i = 0; i <= 1000; ++i) {
    many += Rule("<ID>r" + std::to_string(i) + "</ID>" + filter + status + days1);
  }
  EXPECT_EQ(ErrorOf(many).substr(0, 12), "MalformedXML");
}

}  // namespace
}  // namespace stocktake::s3
