#include "inventory/config_xml.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::inventory {
namespace {

// AWS's own PUT example (spec §1.3).
constexpr std::string_view kAwsExample = R"(<?xml version="1.0" encoding="UTF-8"?>
<InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
   <Id>report1</Id>
   <IsEnabled>true</IsEnabled>
   <Filter><Prefix>filterPrefix</Prefix></Filter>
   <Destination>
      <S3BucketDestination>
         <Format>CSV</Format>
         <AccountId>123456789012</AccountId>
         <Bucket>arn:aws:s3:::destination-bucket</Bucket>
         <Prefix>prefix1</Prefix>
         <Encryption>
            <SSE-KMS><KeyId>arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab</KeyId></SSE-KMS>
         </Encryption>
      </S3BucketDestination>
   </Destination>
   <Schedule><Frequency>Daily</Frequency></Schedule>
   <IncludedObjectVersions>All</IncludedObjectVersions>
   <OptionalFields>
      <Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>
      <Field>StorageClass</Field><Field>IsMultipartUploaded</Field>
      <Field>ReplicationStatus</Field><Field>EncryptionStatus</Field>
      <Field>ObjectLockRetainUntilDate</Field><Field>ObjectLockMode</Field>
      <Field>ObjectLockLegalHoldStatus</Field>
   </OptionalFields>
</InventoryConfiguration>)";

// The same configuration in boto3's (model) member order, fields shuffled, no namespace.
constexpr std::string_view kBotoOrder =
    "<InventoryConfiguration><Destination><S3BucketDestination>"
    "<AccountId>123456789012</AccountId><Bucket>arn:aws:s3:::destination-bucket</Bucket>"
    "<Format>CSV</Format><Prefix>prefix1</Prefix><Encryption><SSE-KMS><KeyId>"
    "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab</KeyId>"
    "</SSE-KMS></Encryption></S3BucketDestination></Destination><IsEnabled>true</IsEnabled>"
    "<Filter><Prefix>filterPrefix</Prefix></Filter><Id>report1</Id>"
    "<IncludedObjectVersions>All</IncludedObjectVersions><OptionalFields>"
    "<Field>ObjectLockLegalHoldStatus</Field><Field>ObjectLockMode</Field>"
    "<Field>ObjectLockRetainUntilDate</Field><Field>EncryptionStatus</Field>"
    "<Field>ReplicationStatus</Field><Field>IsMultipartUploaded</Field>"
    "<Field>StorageClass</Field><Field>ETag</Field><Field>LastModifiedDate</Field>"
    "<Field>Size</Field></OptionalFields><Schedule><Frequency>Daily</Frequency></Schedule>"
    "</InventoryConfiguration>";

InventoryConfiguration ExpectedAwsExample() {
  InventoryConfiguration c;
  c.id = "report1";
  c.is_enabled = true;
  c.filter_prefix = "filterPrefix";
  c.destination.format = format::FileFormat::kCsv;
  c.destination.account_id = "123456789012";
  c.destination.bucket_arn = "arn:aws:s3:::destination-bucket";
  c.destination.prefix = "prefix1";
  c.destination.encryption = ReportEncryption::kSseKms;
  c.destination.kms_key_id =
      "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  c.frequency = ScheduleFrequency::kDaily;
  c.included_object_versions = IncludedObjectVersions::kAll;
  // Canonical order: ETag before StorageClass (spec §5.1), not the request order.
  c.optional_fields = {FieldId::kSize,
                       FieldId::kLastModifiedDate,
                       FieldId::kETag,
                       FieldId::kStorageClass,
                       FieldId::kIsMultipartUploaded,
                       FieldId::kReplicationStatus,
                       FieldId::kEncryptionStatus,
                       FieldId::kObjectLockRetainUntilDate,
                       FieldId::kObjectLockMode,
                       FieldId::kObjectLockLegalHoldStatus};
  return c;
}

// A minimal valid body with `inner` replacing the marked part.
std::string Minimal(
    std::string_view id = "a", std::string_view extra = "",
    std::string_view destination_inner = "<Bucket>arn:aws:s3:::dest</Bucket><Format>ORC</Format>") {
  std::string body = "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  body += "<Id>" + std::string(id) + "</Id><IsEnabled>false</IsEnabled>";
  body += "<Destination><S3BucketDestination>" + std::string(destination_inner) +
          "</S3BucketDestination></Destination>";
  body += "<IncludedObjectVersions>Current</IncludedObjectVersions>";
  body += "<Schedule><Frequency>Weekly</Frequency></Schedule>";
  body += extra;
  body += "</InventoryConfiguration>";
  return body;
}

TEST(ConfigXmlTest, ParsesAwsExample) {
  ConfigParseResult r = ParseInventoryConfigurationXml(kAwsExample);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value(), ExpectedAwsExample());
}

TEST(ConfigXmlTest, ElementOrderDoesNotMatter) {
  ConfigParseResult r = ParseInventoryConfigurationXml(kBotoOrder);
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value(), ExpectedAwsExample());
}

TEST(ConfigXmlTest, ParsesMinimal) {
  ConfigParseResult r = ParseInventoryConfigurationXml(Minimal());
  ASSERT_TRUE(r.ok()) << r.error().detail;
  const InventoryConfiguration& c = r.value();
  EXPECT_EQ(c.id, "a");
  EXPECT_FALSE(c.is_enabled);
  EXPECT_EQ(c.destination.format, format::FileFormat::kOrc);
  EXPECT_FALSE(c.destination.account_id.has_value());
  EXPECT_FALSE(c.destination.prefix.has_value());
  EXPECT_EQ(c.destination.encryption, ReportEncryption::kNone);
  EXPECT_FALSE(c.filter_prefix.has_value());
  EXPECT_TRUE(c.optional_fields.empty());
  EXPECT_EQ(c.included_object_versions, IncludedObjectVersions::kCurrent);
  EXPECT_EQ(c.frequency, ScheduleFrequency::kWeekly);
  EXPECT_EQ(c.destination.BucketName(), "dest");
}

TEST(ConfigXmlTest, EmptyFilterPrefixIsPresent) {
  ConfigParseResult r =
      ParseInventoryConfigurationXml(Minimal("a", "<Filter><Prefix></Prefix></Filter>"));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  ASSERT_TRUE(r.value().filter_prefix.has_value());
  EXPECT_EQ(*r.value().filter_prefix, "");
  r = ParseInventoryConfigurationXml(Minimal("a", "<Filter><Prefix/></Filter>"));
  ASSERT_TRUE(r.ok()) << r.error().detail;
  EXPECT_EQ(r.value().filter_prefix, std::optional<std::string>(""));
}

TEST(ConfigXmlTest, AcceptedVariants) {
  const std::string accepted[] = {
      // xs:boolean forms.
      Minimal().replace(Minimal().find("false"), 5, "1"),
      Minimal().replace(Minimal().find("false"), 5, "0"),
      // Comments, CDATA, 64-character Id with every allowed character class.
      Minimal("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._", "<!-- note -->"),
      Minimal("x", "<Filter><Prefix><![CDATA[a&b]]></Prefix></Filter>"),
      Minimal("x", "<OptionalFields/>"),
      Minimal("x", "", "<Bucket>arn:aws:s3:::dest</Bucket><Format>Parquet</Format><Encryption/>"),
      Minimal("x", "",
              "<Bucket>arn:aws:s3:::dest</Bucket><Format>CSV</Format>"
              "<Encryption><SSE-S3></SSE-S3></Encryption>"),
  };
  for (const std::string& body : accepted) {
    ConfigParseResult r = ParseInventoryConfigurationXml(body);
    EXPECT_TRUE(r.ok()) << body << ": " << r.error().detail;
  }
  EXPECT_TRUE(ParseInventoryConfigurationXml(accepted[0]).value().is_enabled);
  EXPECT_EQ(ParseInventoryConfigurationXml(accepted[3]).value().filter_prefix, "a&b");
  EXPECT_EQ(ParseInventoryConfigurationXml(accepted[6]).value().destination.encryption,
            ReportEncryption::kSseS3);
}

struct BadCase {
  const char* name;
  std::string body;
  const char* detail;  // what ConfigError::detail must contain: the rule that failed
};

std::vector<BadCase> MalformedCases() {
  const std::string dest_ok = "<Bucket>arn:aws:s3:::dest</Bucket><Format>ORC</Format>";
  std::string no_enabled = Minimal();
  no_enabled.erase(no_enabled.find("<IsEnabled>"),
                   std::string("<IsEnabled>false</IsEnabled>").size());
  std::string no_id = Minimal();
  no_id.erase(no_id.find("<Id>"), std::string("<Id>a</Id>").size());
  std::string no_versions = Minimal();
  no_versions.erase(no_versions.find("<IncludedObjectVersions>"),
                    std::string("<IncludedObjectVersions>Current</IncludedObjectVersions>").size());
  std::string no_schedule = Minimal();
  no_schedule.erase(no_schedule.find("<Schedule>"),
                    std::string("<Schedule><Frequency>Weekly</Frequency></Schedule>").size());
  std::string no_destination = Minimal();
  size_t d0 = no_destination.find("<Destination>");
  size_t d1 = no_destination.find("</Destination>") + std::string("</Destination>").size();
  no_destination.erase(d0, d1 - d0);
  auto replace = [](std::string s, std::string_view from, std::string_view to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  return {
      {"not well-formed", "<InventoryConfiguration><Id>a</Id>", "not well-formed"},
      {"garbage", "hello", "not well-formed"},
      {"empty body", "", "not well-formed"},
      {"wrong root", "<Inventory><Id>a</Id></Inventory>", "unexpected root Inventory"},
      {"wrong namespace", replace(Minimal(), "2006-03-01", "2006-03-02"),
       "unexpected namespace on InventoryConfiguration"},
      {"two roots", Minimal() + Minimal(), "more than one root element"},
      {"bad format", Minimal("a", "", "<Bucket>arn:aws:s3:::dest</Bucket><Format>JSON</Format>"),
       "bad Format JSON"},
      {"format case",
       Minimal("a", "", "<Bucket>arn:aws:s3:::dest</Bucket><Format>PARQUET</Format>"),
       "bad Format PARQUET"},
      {"bad frequency", replace(Minimal(), "Weekly", "Hourly"), "bad Frequency Hourly"},
      {"bad versions", replace(Minimal(), ">Current<", ">Latest<"),
       "bad IncludedObjectVersions Latest"},
      {"bad field", Minimal("a", "<OptionalFields><Field>Color</Field></OptionalFields>"),
       "unknown Field Color"},
      {"field case", Minimal("a", "<OptionalFields><Field>size</Field></OptionalFields>"),
       "unknown Field size"},
      {"non-optional field", Minimal("a", "<OptionalFields><Field>Key</Field></OptionalFields>"),
       "unknown Field Key"},
      {"duplicate field",
       Minimal("a", "<OptionalFields><Field>Size</Field><Field>Size</Field></OptionalFields>"),
       "duplicate Field Size"},
      {"unknown element", Minimal("a", "<Color>red</Color>"), "unknown element Color"},
      {"unknown destination element", Minimal("a", "", dest_ok + "<Region>x</Region>"),
       "unknown element Region"},
      {"unknown OptionalFields child", Minimal("a", "<OptionalFields><F>Size</F></OptionalFields>"),
       "unknown element F"},
      {"duplicate element", Minimal("a", "<IsEnabled>true</IsEnabled>"),
       "duplicate element IsEnabled"},
      {"duplicate Bucket", Minimal("a", "", dest_ok + "<Bucket>arn:aws:s3:::x</Bucket>"),
       "duplicate element Bucket"},
      {"duplicate Filter",
       Minimal("a", "<Filter><Prefix>a</Prefix></Filter><Filter><Prefix>b</Prefix></Filter>"),
       "duplicate element Filter"},
      {"missing Id", no_id, "missing element Id"},
      {"missing IsEnabled", no_enabled, "missing element IsEnabled"},
      {"missing Destination", no_destination, "missing element Destination"},
      {"missing IncludedObjectVersions", no_versions, "missing element IncludedObjectVersions"},
      {"missing Schedule", no_schedule, "missing element Schedule"},
      {"missing Frequency", replace(Minimal(), "<Frequency>Weekly</Frequency>", ""),
       "missing element Frequency"},
      {"missing S3BucketDestination",
       replace(Minimal(), "<S3BucketDestination>" + dest_ok + "</S3BucketDestination>", ""),
       "missing element S3BucketDestination"},
      {"missing Bucket", Minimal("a", "", "<Format>ORC</Format>"), "missing element Bucket"},
      {"missing Format", Minimal("a", "", "<Bucket>arn:aws:s3:::dest</Bucket>"),
       "missing element Format"},
      {"Filter without Prefix", Minimal("a", "<Filter></Filter>"), "missing element Filter/Prefix"},
      {"empty Id", Minimal(""), "invalid Id"},
      {"Id too long", Minimal(std::string(65, 'a')), "invalid Id"},
      {"Id with space", Minimal("my report"), "invalid Id"},
      {"Id with slash", Minimal("a/b"), "invalid Id"},
      {"IsEnabled True", replace(Minimal(), "false", "True"), "bad IsEnabled True"},
      {"IsEnabled yes", replace(Minimal(), "false", "yes"), "bad IsEnabled yes"},
      {"IsEnabled padded", replace(Minimal(), "false", " false"), "bad IsEnabled  false"},
      {"both SSE",
       Minimal("a", "",
               dest_ok + "<Encryption><SSE-S3/><SSE-KMS><KeyId>k</KeyId></SSE-KMS>"
                         "</Encryption>"),
       "both SSE-S3 and SSE-KMS"},
      {"SSE-KMS without KeyId",
       Minimal("a", "", dest_ok + "<Encryption><SSE-KMS></SSE-KMS></Encryption>"),
       "missing element KeyId"},
      {"SSE-KMS empty KeyId",
       Minimal("a", "", dest_ok + "<Encryption><SSE-KMS><KeyId/></SSE-KMS></Encryption>"),
       "empty KeyId"},
      {"SSE-S3 with content",
       Minimal("a", "", dest_ok + "<Encryption><SSE-S3><KeyId>k</KeyId></SSE-S3></Encryption>"),
       "content inside SSE-S3"},
      {"unknown Encryption child", Minimal("a", "", dest_ok + "<Encryption><SSE-C/></Encryption>"),
       "unknown element SSE-C"},
      {"text in container", replace(Minimal(), "<Schedule>", "<Schedule>x"),
       "text inside Schedule"},
      {"element in leaf", replace(Minimal(), "<Id>a</Id>", "<Id>a<b/></Id>"), "element inside Id"},
      {"control character", replace(Minimal(), "<Id>a</Id>", "<Id>a\x01</Id>"),
       "invalid characters in body"},
      {"control character reference", Minimal("a", "<Filter><Prefix>&#1;</Prefix></Filter>"),
       "invalid characters in Prefix"},
      {"invalid UTF-8", Minimal("a", "<Filter><Prefix>\xC3\x28</Prefix></Filter>"),
       "invalid characters in body"},
      {"prefixed root",
       "<s3:InventoryConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<s3:Id>a</s3:Id></s3:InventoryConfiguration>",
       "unexpected root s3:InventoryConfiguration"},
  };
}

TEST(ConfigXmlTest, EverySchemaViolationIsMalformedXml) {
  for (const BadCase& c : MalformedCases()) {
    ConfigParseResult r = ParseInventoryConfigurationXml(c.body);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error().http_status, 400) << c.name;
    EXPECT_EQ(r.error().code, "MalformedXML") << c.name;
    EXPECT_EQ(r.error().message,
              "The XML you provided was not well-formed or did not validate against our "
              "published schema")
        << c.name;
    EXPECT_NE(r.error().detail.find(c.detail), std::string::npos)
        << c.name << ": " << r.error().detail;
  }
}

TEST(ConfigXmlTest, DestinationArnChecks) {
  EXPECT_FALSE(ValidateDestinationBucketArn("arn:aws:s3:::destination-bucket").has_value());
  EXPECT_FALSE(ValidateDestinationBucketArn("arn:aws-cn:s3:::b.c-d").has_value());
  for (const char* arn :
       {"destination-bucket", "", "arn:aws:s3:::", "arn:aws:sqs:::queue", "arn::s3:::b",
        "s3://bucket", "arn:aws:s3:::bucket/key", "arn:aws:s3:::a:b", "arn:aws:s3"}) {
    std::optional<ConfigError> e = ValidateDestinationBucketArn(arn);
    ASSERT_TRUE(e.has_value()) << arn;
    EXPECT_EQ(e->http_status, 400);
    EXPECT_EQ(e->code, "InvalidS3DestinationBucket") << arn;
    EXPECT_EQ(e->message, "Invalid bucket ARN.") << arn;
  }
  for (const char* arn : {"arn:aws:s3::123456789012:bucket", "arn:aws:s3:us-east-1::bucket",
                          "arn:aws:s3:us-east-1:123456789012:bucket"}) {
    std::optional<ConfigError> e = ValidateDestinationBucketArn(arn);
    ASSERT_TRUE(e.has_value()) << arn;
    EXPECT_EQ(e->code, "InvalidS3DestinationBucket");
    EXPECT_EQ(e->message, "Bucket ARN should not specify a namespace.") << arn;
  }
}

TEST(ConfigXmlTest, PutValidationOrder) {
  // Valid.
  ConfigParseResult ok = ParsePutInventoryConfiguration(Minimal("a"), "a");
  ASSERT_TRUE(ok.ok()) << ok.error().detail;

  // Plain bucket name: schema-valid, so the ARN check answers.
  std::string plain = Minimal("a", "", "<Bucket>dest</Bucket><Format>ORC</Format>");
  ASSERT_TRUE(ParseInventoryConfigurationXml(plain).ok());
  ConfigParseResult r = ParsePutInventoryConfiguration(plain, "a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "InvalidS3DestinationBucket");
  EXPECT_EQ(r.error().message, "Invalid bucket ARN.");

  // Id mismatch beats a bad ARN.
  r = ParsePutInventoryConfiguration(plain, "b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(r.error().code, "IdMismatch");
  EXPECT_EQ(r.error().message, "Document ID does not match the specified configuration ID.");

  // Schema beats both.
  std::string bad = Minimal("a", "", "<Bucket>dest</Bucket><Format>JSON</Format>");
  r = ParsePutInventoryConfiguration(bad, "b");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "MalformedXML");
}

TEST(ConfigXmlTest, SerializesGetBodyExactly) {
  std::string expected =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<InventoryConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Id>report1</Id><IsEnabled>true</IsEnabled>"
      "<Destination><S3BucketDestination><Format>CSV</Format><AccountId>123456789012</AccountId>"
      "<Bucket>arn:aws:s3:::destination-bucket</Bucket><Prefix>prefix1</Prefix>"
      "<Encryption><SSE-KMS><KeyId>arn:aws:kms:us-west-2:111122223333:key/"
      "1234abcd-12ab-34cd-56ef-1234567890ab</KeyId></SSE-KMS></Encryption>"
      "</S3BucketDestination></Destination>"
      "<Schedule><Frequency>Daily</Frequency></Schedule>"
      "<Filter><Prefix>filterPrefix</Prefix></Filter>"
      "<IncludedObjectVersions>All</IncludedObjectVersions>"
      "<OptionalFields><Field>Size</Field><Field>LastModifiedDate</Field><Field>ETag</Field>"
      "<Field>StorageClass</Field><Field>IsMultipartUploaded</Field>"
      "<Field>ReplicationStatus</Field><Field>EncryptionStatus</Field>"
      "<Field>ObjectLockRetainUntilDate</Field><Field>ObjectLockMode</Field>"
      "<Field>ObjectLockLegalHoldStatus</Field></OptionalFields>"
      "</InventoryConfiguration>";
  EXPECT_EQ(SerializeInventoryConfigurationXml(ExpectedAwsExample(), true), expected);
}

TEST(ConfigXmlTest, SerializesOmittingAbsentParts) {
  ConfigParseResult r = ParseInventoryConfigurationXml(Minimal("x"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(SerializeInventoryConfigurationXml(r.value(), false),
            "<InventoryConfiguration><Id>x</Id><IsEnabled>false</IsEnabled>"
            "<Destination><S3BucketDestination><Format>ORC</Format>"
            "<Bucket>arn:aws:s3:::dest</Bucket></S3BucketDestination></Destination>"
            "<Schedule><Frequency>Weekly</Frequency></Schedule>"
            "<IncludedObjectVersions>Current</IncludedObjectVersions>"
            "</InventoryConfiguration>");
  InventoryConfiguration c = r.value();
  c.destination.encryption = ReportEncryption::kSseS3;
  c.filter_prefix = "a&b<c>";
  c.destination.prefix = "";
  std::string xml = SerializeInventoryConfigurationXml(c, false);
  EXPECT_NE(xml.find("<Prefix></Prefix><Encryption><SSE-S3/></Encryption>"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Filter><Prefix>a&amp;b&lt;c&gt;</Prefix></Filter>"), std::string::npos)
      << xml;
}

TEST(ConfigXmlTest, RoundTrips) {
  std::vector<InventoryConfiguration> configs = {ExpectedAwsExample()};
  InventoryConfiguration c = ExpectedAwsExample();
  c.destination.encryption = ReportEncryption::kSseS3;
  c.destination.kms_key_id.clear();
  c.destination.account_id.reset();
  c.destination.prefix = "";
  c.filter_prefix = "we\"ird & <odd>\tkeys/\xE2\x9C\x93\r\n";
  c.optional_fields.clear();
  for (const FieldInfo& f : AllFields()) {
    if (f.presence == FieldPresence::kOptional) c.optional_fields.push_back(f.id);
  }
  c.destination.format = format::FileFormat::kParquet;
  c.frequency = ScheduleFrequency::kWeekly;
  c.is_enabled = false;
  configs.push_back(c);
  for (const InventoryConfiguration& config : configs) {
    for (bool decl : {true, false}) {
      ConfigParseResult r =
          ParseInventoryConfigurationXml(SerializeInventoryConfigurationXml(config, decl));
      ASSERT_TRUE(r.ok()) << r.error().detail;
      EXPECT_EQ(r.value(), config);
    }
  }
}

TEST(ConfigXmlTest, ListBody) {
  ListInventoryConfigurationsPage empty;
  EXPECT_EQ(SerializeListInventoryConfigurationsXml(empty),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListInventoryConfigurationsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<IsTruncated>false</IsTruncated></ListInventoryConfigurationsResult>");

  ConfigParseResult a = ParseInventoryConfigurationXml(Minimal("a"));
  ConfigParseResult b = ParseInventoryConfigurationXml(Minimal("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  ListInventoryConfigurationsPage page;
  page.configurations = {a.value(), b.value()};
  page.continuation_token = "tok1";
  page.is_truncated = true;
  page.next_continuation_token = "tok2";
  EXPECT_EQ(SerializeListInventoryConfigurationsXml(page),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListInventoryConfigurationsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<ContinuationToken>tok1</ContinuationToken>" +
                SerializeInventoryConfigurationXml(a.value(), false) +
                SerializeInventoryConfigurationXml(b.value(), false) +
                "<IsTruncated>true</IsTruncated>"
                "<NextContinuationToken>tok2</NextContinuationToken>"
                "</ListInventoryConfigurationsResult>");

  page.is_truncated = false;
  page.continuation_token.reset();
  std::string xml = SerializeListInventoryConfigurationsXml(page);
  EXPECT_EQ(xml.find("ContinuationToken"), std::string::npos);
  EXPECT_NE(xml.find("<InventoryConfiguration><Id>a</Id>"), std::string::npos);
}

}  // namespace
}  // namespace stocktake::inventory
