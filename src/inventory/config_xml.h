// The XML wire forms of inventory configurations (spec §1, §2): the PUT body parser with AWS's
// validation errors (spec §2.3), the GET body and the List body.
//
// Validation order of PUT (spec §2.3 notes, LocalStack's AWS-matched order): schema
// (MalformedXML), then Id vs query (IdMismatch), then destination ARN
// (InvalidS3DestinationBucket). ParsePutInventoryConfiguration does all three in that order; the
// pieces are exposed for callers that need them separately.
//
// Parsing choices (Stocktake; AWS unconfirmed where noted in spec §2.3):
//   - Elements are matched by name, in any order. The root may carry
//     xmlns="http://s3.amazonaws.com/doc/2006-03-01/" or no xmlns; any other default namespace,
//     a prefixed element name, an unknown element, a repeated element, a missing required
//     element, or text inside a container element is MalformedXML.
//   - Booleans (IsEnabled) take the XML Schema lexical forms "true", "false", "1", "0"; anything
//     else ("True", "TRUE", "yes") is MalformedXML.
//   - Enum values are case-sensitive (spec §1.2). A repeated <Field> value is MalformedXML
//     (DESIGN.md §6). Fields are stored in canonical order.
//   - Id: 1-64 characters from A-Z a-z 0-9 . _ - (spec §9); otherwise MalformedXML.
//   - <Encryption> holding both <SSE-S3> and <SSE-KMS>, <SSE-KMS> without a non-empty <KeyId>, or
//     <SSE-S3> with content: MalformedXML. An empty <Encryption/> means no encryption.
//   - Text values are taken verbatim (no trimming). Invalid UTF-8, and control characters other
//     than TAB/LF/CR (not allowed in XML 1.0), are MalformedXML. DTDs are ignored and entities
//     other than the predefined ones are never expanded.
//   - An empty body is MalformedXML (the S3 layer may answer MissingRequestBodyError first).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inventory/config.h"

namespace stocktake::inventory {

inline constexpr std::string_view kS3XmlNamespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// An S3 error answer of a configuration call. `code` and `message` go to the client verbatim;
// `detail` says what was wrong, for logs and tests only (AWS says no more than `message`).
struct ConfigError {
  int http_status = 400;
  std::string_view code;
  std::string_view message;
  std::string detail;
};

// Error codes and messages (spec §2.3). The MalformedXML message has no trailing period.
inline constexpr std::string_view kMalformedXmlCode = "MalformedXML";
inline constexpr std::string_view kMalformedXmlMessage =
    "The XML you provided was not well-formed or did not validate against our published schema";
inline constexpr std::string_view kIdMismatchCode = "IdMismatch";
inline constexpr std::string_view kIdMismatchMessage =
    "Document ID does not match the specified configuration ID.";
inline constexpr std::string_view kInvalidDestinationCode = "InvalidS3DestinationBucket";
inline constexpr std::string_view kInvalidBucketArnMessage = "Invalid bucket ARN.";
inline constexpr std::string_view kArnNamespaceMessage =
    "Bucket ARN should not specify a namespace.";

// A configuration or the error to answer with.
class [[nodiscard]] ConfigParseResult {
 public:
  ConfigParseResult(InventoryConfiguration config)  // NOLINT: implicit by design
      : config_(std::move(config)) {}
  ConfigParseResult(ConfigError error) : error_(std::move(error)) {}  // NOLINT

  bool ok() const { return config_.has_value(); }
  const InventoryConfiguration& value() const& { return *config_; }
  InventoryConfiguration&& value() && { return std::move(*config_); }
  // Valid when !ok().
  const ConfigError& error() const { return error_; }

 private:
  std::optional<InventoryConfiguration> config_;
  ConfigError error_;
};

// Schema validation only (MalformedXML). Does not look at the destination ARN beyond requiring
// <Bucket>.
ConfigParseResult ParseInventoryConfigurationXml(std::string_view body);

// InvalidS3DestinationBucket when `bucket_arn` is not `arn:{partition}:s3:::{bucket-name}`:
// "Bucket ARN should not specify a namespace." when the region or account part is set,
// "Invalid bucket ARN." for anything else that is not a bucket ARN. nullopt when valid.
std::optional<ConfigError> ValidateDestinationBucketArn(std::string_view bucket_arn);

// The whole PUT validation in AWS's order: schema, then IdMismatch against the `id` query
// parameter, then the destination ARN.
ConfigParseResult ParsePutInventoryConfiguration(std::string_view body, std::string_view query_id);

// The GET body (spec §1.1): `<?xml …?>\n<InventoryConfiguration xmlns=…>…` when
// `with_xml_declaration_and_namespace`, otherwise the bare element (for the List body). Compact
// (no whitespace between elements). Element order follows AWS's GET response example: Id,
// IsEnabled, Destination (Format, AccountId, Bucket, Prefix, Encryption), Schedule, Filter,
// IncludedObjectVersions, OptionalFields; absent optional parts are omitted, <SSE-S3/> and
// <SSE-KMS> are nested under <Encryption>.
std::string SerializeInventoryConfigurationXml(const InventoryConfiguration& config,
                                               bool with_xml_declaration_and_namespace);

// The List body (spec §2.2). `continuation_token` is echoed only when the request carried one;
// `next_continuation_token` is written only when `is_truncated`.
struct ListInventoryConfigurationsPage {
  std::vector<InventoryConfiguration> configurations;  // already sorted by Id, at most 100
  std::optional<std::string> continuation_token;
  bool is_truncated = false;
  std::string next_continuation_token;
};
std::string SerializeListInventoryConfigurationsXml(const ListInventoryConfigurationsPage& page);

}  // namespace stocktake::inventory
