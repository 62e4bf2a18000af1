// Inventory configuration XML. This is the one file of the module that calls pugixml; pugixml
// reports parse errors by status, but may throw std::bad_alloc, so the entry point catches.
//
// Every schema violation answers MalformedXML with AWS's single message; `detail` records which
// rule failed so tests (and logs) can tell the cases apart.
#include "inventory/config_xml.h"

#include <array>
#include <exception>
#include <pugixml.hpp>

namespace stocktake::inventory {
namespace {

using Err = std::optional<ConfigError>;

#define RETURN_IF_CONFIG_ERROR(expr)     \
  do {                                   \
    if (Err _err = (expr)) return *_err; \
  } while (0)

ConfigError Malformed(std::string detail) {
  return ConfigError{400, kMalformedXmlCode, kMalformedXmlMessage, std::move(detail)};
}

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF), and no C0 control character
// other than TAB, LF and CR: what XML 1.0 allows as document characters.
bool IsXmlText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

// An xmlns attribute, if any, must name the S3 namespace (the root may also omit it).
Err CheckNamespace(pugi::xml_node node) {
  pugi::xml_attribute xmlns = node.attribute("xmlns");
  if (xmlns && std::string_view(xmlns.value()) != kS3XmlNamespace) {
    return Malformed(std::string("unexpected namespace on ") + node.name());
  }
  return std::nullopt;
}

// The children of container `parent`, by name: each child must be one of `names` and appear at
// most once; text inside a container is not allowed. found[i] is the child named names[i], or a
// null node.
template <size_t N>
Err ReadChildren(pugi::xml_node parent, const std::array<std::string_view, N>& names,
                 std::array<pugi::xml_node, N>* found) {
  RETURN_IF_CONFIG_ERROR(CheckNamespace(parent));
  for (pugi::xml_node child : parent.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      return Malformed(std::string("text inside ") + parent.name());
    }
    if (child.type() != pugi::node_element) continue;  // comments, PIs
    std::string_view name = child.name();
    size_t i = 0;
    while (i < N && names[i] != name) ++i;
    if (i == N) return Malformed("unknown element " + std::string(name));
    if ((*found)[i]) return Malformed("duplicate element " + std::string(name));
    (*found)[i] = child;
  }
  return std::nullopt;
}

// The text of a leaf element: its character data (CDATA included), verbatim.
Err ReadText(pugi::xml_node node, std::string* out) {
  RETURN_IF_CONFIG_ERROR(CheckNamespace(node));
  out->clear();
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element) {
      return Malformed(std::string("element inside ") + node.name());
    }
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out->append(child.value());
    }
  }
  // Character references (&#1;) can smuggle in what the raw-body check rejected.
  if (!IsXmlText(*out)) return Malformed(std::string("invalid characters in ") + node.name());
  return std::nullopt;
}

Err Require(pugi::xml_node node, std::string_view name) {
  if (!node) return Malformed("missing element " + std::string(name));
  return std::nullopt;
}

Err RequiredText(pugi::xml_node node, std::string_view name, std::string* out) {
  RETURN_IF_CONFIG_ERROR(Require(node, name));
  return ReadText(node, out);
}

// xs:boolean lexical space.
std::optional<bool> ParseXmlBoolean(std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

// spec §9: at most 64 characters, letters, digits, '.', '_', '-'.
bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Err ParseEncryption(pugi::xml_node node, InventoryDestination* dest) {
  std::array<pugi::xml_node, 2> enc{};
  RETURN_IF_CONFIG_ERROR(ReadChildren<2>(node, {"SSE-S3", "SSE-KMS"}, &enc));
  if (enc[0] && enc[1]) return Malformed("both SSE-S3 and SSE-KMS");
  if (enc[0]) {
    RETURN_IF_CONFIG_ERROR(CheckNamespace(enc[0]));
    for (pugi::xml_node child : enc[0].children()) {
      if (child.type() == pugi::node_element || child.type() == pugi::node_pcdata ||
          child.type() == pugi::node_cdata) {
        return Malformed("content inside SSE-S3");
      }
    }
    dest->encryption = ReportEncryption::kSseS3;
  } else if (enc[1]) {
    std::array<pugi::xml_node, 1> kms{};
    RETURN_IF_CONFIG_ERROR(ReadChildren<1>(enc[1], {"KeyId"}, &kms));
    RETURN_IF_CONFIG_ERROR(RequiredText(kms[0], "KeyId", &dest->kms_key_id));
    if (dest->kms_key_id.empty()) return Malformed("empty KeyId");
    dest->encryption = ReportEncryption::kSseKms;
  }
  return std::nullopt;
}

Err ParseDestination(pugi::xml_node node, InventoryDestination* dest) {
  std::array<pugi::xml_node, 1> outer{};
  RETURN_IF_CONFIG_ERROR(ReadChildren<1>(node, {"S3BucketDestination"}, &outer));
  RETURN_IF_CONFIG_ERROR(Require(outer[0], "S3BucketDestination"));

  enum { kAccountId, kBucket, kFormat, kPrefix, kEncryption };
  std::array<pugi::xml_node, 5> c{};
  RETURN_IF_CONFIG_ERROR(
      ReadChildren<5>(outer[0], {"AccountId", "Bucket", "Format", "Prefix", "Encryption"}, &c));
  std::string text;
  if (c[kAccountId]) {
    RETURN_IF_CONFIG_ERROR(ReadText(c[kAccountId], &text));
    dest->account_id = text;
  }
  RETURN_IF_CONFIG_ERROR(RequiredText(c[kBucket], "Bucket", &dest->bucket_arn));
  RETURN_IF_CONFIG_ERROR(RequiredText(c[kFormat], "Format", &text));
  std::optional<format::FileFormat> format = ParseFileFormat(text);
  if (!format) return Malformed("bad Format " + text);
  dest->format = *format;
  if (c[kPrefix]) {
    RETURN_IF_CONFIG_ERROR(ReadText(c[kPrefix], &text));
    dest->prefix = text;
  }
  if (c[kEncryption]) RETURN_IF_CONFIG_ERROR(ParseEncryption(c[kEncryption], dest));
  return std::nullopt;
}

Err ParseOptionalFields(pugi::xml_node node, std::vector<FieldId>* fields) {
  RETURN_IF_CONFIG_ERROR(CheckNamespace(node));
  std::string text;
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      return Malformed("text inside OptionalFields");
    }
    if (child.type() != pugi::node_element) continue;
    if (std::string_view(child.name()) != "Field") {
      return Malformed("unknown element " + std::string(child.name()));
    }
    RETURN_IF_CONFIG_ERROR(ReadText(child, &text));
    std::optional<FieldId> id = OptionalFieldFromXmlName(text);
    if (!id) return Malformed("unknown Field " + text);
    for (FieldId seen : *fields) {
      if (seen == *id) return Malformed("duplicate Field " + text);
    }
    fields->push_back(*id);
  }
  CanonicalizeOptionalFields(fields);
  return std::nullopt;
}

ConfigParseResult ParseDocument(std::string_view body) {
  if (!IsXmlText(body)) return Malformed("invalid characters in body");
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) return Malformed(std::string("not well-formed: ") + parsed.description());
  pugi::xml_node root;
  for (pugi::xml_node child : doc.children()) {
    if (child.type() != pugi::node_element) continue;
    if (root) return Malformed("more than one root element");
    root = child;
  }
  if (!root) return Malformed("no root element");
  if (std::string_view(root.name()) != "InventoryConfiguration") {
    return Malformed("unexpected root " + std::string(root.name()));
  }

  enum { kId, kIsEnabled, kDestination, kFilter, kVersions, kOptionalFields, kSchedule };
  std::array<pugi::xml_node, 7> c{};
  RETURN_IF_CONFIG_ERROR(ReadChildren<7>(root,
                                         {"Id", "IsEnabled", "Destination", "Filter",
                                          "IncludedObjectVersions", "OptionalFields", "Schedule"},
                                         &c));
  InventoryConfiguration config;
  std::string text;

  RETURN_IF_CONFIG_ERROR(RequiredText(c[kId], "Id", &config.id));
  if (!IsValidId(config.id)) return Malformed("invalid Id");

  RETURN_IF_CONFIG_ERROR(RequiredText(c[kIsEnabled], "IsEnabled", &text));
  std::optional<bool> enabled = ParseXmlBoolean(text);
  if (!enabled) return Malformed("bad IsEnabled " + text);
  config.is_enabled = *enabled;

  RETURN_IF_CONFIG_ERROR(Require(c[kDestination], "Destination"));
  RETURN_IF_CONFIG_ERROR(ParseDestination(c[kDestination], &config.destination));

  if (c[kFilter]) {
    std::array<pugi::xml_node, 1> f{};
    RETURN_IF_CONFIG_ERROR(ReadChildren<1>(c[kFilter], {"Prefix"}, &f));
    RETURN_IF_CONFIG_ERROR(RequiredText(f[0], "Filter/Prefix", &text));
    config.filter_prefix = text;
  }

  RETURN_IF_CONFIG_ERROR(RequiredText(c[kVersions], "IncludedObjectVersions", &text));
  std::optional<IncludedObjectVersions> versions = ParseIncludedObjectVersions(text);
  if (!versions) return Malformed("bad IncludedObjectVersions " + text);
  config.included_object_versions = *versions;

  if (c[kOptionalFields]) {
    RETURN_IF_CONFIG_ERROR(ParseOptionalFields(c[kOptionalFields], &config.optional_fields));
  }

  RETURN_IF_CONFIG_ERROR(Require(c[kSchedule], "Schedule"));
  std::array<pugi::xml_node, 1> s{};
  RETURN_IF_CONFIG_ERROR(ReadChildren<1>(c[kSchedule], {"Frequency"}, &s));
  RETURN_IF_CONFIG_ERROR(RequiredText(s[0], "Frequency", &text));
  std::optional<ScheduleFrequency> frequency = ParseScheduleFrequency(text);
  if (!frequency) return Malformed("bad Frequency " + text);
  config.frequency = *frequency;
  return config;
}

ConfigError InvalidDestination(std::string_view message, std::string detail) {
  return ConfigError{400, kInvalidDestinationCode, message, std::move(detail)};
}

// ---- Serialization --------------------------------------------------------------------------

void AppendEscaped(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '\r':
        out->append("&#13;");
        break;  // would be normalised to LF by the reader
      default:
        out->push_back(c);
    }
  }
}

void AppendElement(std::string_view name, std::string_view text, std::string* out) {
  out->push_back('<');
  out->append(name);
  out->push_back('>');
  AppendEscaped(text, out);
  out->append("</");
  out->append(name);
  out->push_back('>');
}

constexpr std::string_view kXmlDeclaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

void AppendConfiguration(const InventoryConfiguration& config, bool with_namespace,
                         std::string* out) {
  out->append("<InventoryConfiguration");
  if (with_namespace) {
    out->append(" xmlns=\"");
    out->append(kS3XmlNamespace);
    out->push_back('"');
  }
  out->push_back('>');
  AppendElement("Id", config.id, out);
  AppendElement("IsEnabled", config.is_enabled ? "true" : "false", out);

  const InventoryDestination& dest = config.destination;
  out->append("<Destination><S3BucketDestination>");
  AppendElement("Format", format::FileFormatName(dest.format), out);
  if (dest.account_id) AppendElement("AccountId", *dest.account_id, out);
  AppendElement("Bucket", dest.bucket_arn, out);
  if (dest.prefix) AppendElement("Prefix", *dest.prefix, out);
  switch (dest.encryption) {
    case ReportEncryption::kNone:
      break;
    case ReportEncryption::kSseS3:
      out->append("<Encryption><SSE-S3/></Encryption>");
      break;
    case ReportEncryption::kSseKms:
      out->append("<Encryption><SSE-KMS>");
      AppendElement("KeyId", dest.kms_key_id, out);
      out->append("</SSE-KMS></Encryption>");
      break;
  }
  out->append("</S3BucketDestination></Destination>");

  out->append("<Schedule>");
  AppendElement("Frequency", ScheduleFrequencyName(config.frequency), out);
  out->append("</Schedule>");
  if (config.filter_prefix) {
    out->append("<Filter>");
    AppendElement("Prefix", *config.filter_prefix, out);
    out->append("</Filter>");
  }
  AppendElement("IncludedObjectVersions",
                IncludedObjectVersionsName(config.included_object_versions), out);
  if (!config.optional_fields.empty()) {
    out->append("<OptionalFields>");
    for (FieldId id : config.optional_fields) AppendElement("Field", GetField(id).xml_name, out);
    out->append("</OptionalFields>");
  }
  out->append("</InventoryConfiguration>");
}

}  // namespace

ConfigParseResult ParseInventoryConfigurationXml(std::string_view body) {
  try {
    return ParseDocument(body);
  } catch (const std::exception& e) {
    return Malformed(std::string("parser failure: ") + e.what());
  }
}

std::optional<ConfigError> ValidateDestinationBucketArn(std::string_view bucket_arn) {
  // arn:{partition}:s3:{region}:{account}:{bucket}
  std::array<std::string_view, 6> parts;
  size_t n = 0;
  std::string_view rest = bucket_arn;
  while (n < 5) {
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) break;
    parts[n++] = rest.substr(0, colon);
    rest.remove_prefix(colon + 1);
  }
  if (n != 5 || parts[0] != "arn" || parts[1].empty() || parts[2] != "s3") {
    return InvalidDestination(kInvalidBucketArnMessage, "not an S3 ARN");
  }
  if (!parts[3].empty() || !parts[4].empty()) {
    return InvalidDestination(kArnNamespaceMessage, "ARN has a region or account");
  }
  std::string_view bucket = rest;
  if (bucket.empty()) return InvalidDestination(kInvalidBucketArnMessage, "no bucket name");
  for (char c : bucket) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_';
    if (!ok) return InvalidDestination(kInvalidBucketArnMessage, "not a bucket name");
  }
  return std::nullopt;
}

ConfigParseResult ParsePutInventoryConfiguration(std::string_view body, std::string_view query_id) {
  ConfigParseResult parsed = ParseInventoryConfigurationXml(body);
  if (!parsed.ok()) return parsed;
  if (parsed.value().id != query_id) {
    return ConfigError{400, kIdMismatchCode, kIdMismatchMessage, "body Id differs from query id"};
  }
  if (Err e = ValidateDestinationBucketArn(parsed.value().destination.bucket_arn)) return *e;
  return parsed;
}

std::string SerializeInventoryConfigurationXml(const InventoryConfiguration& config,
                                               bool with_xml_declaration_and_namespace) {
  std::string out;
  if (with_xml_declaration_and_namespace) out.append(kXmlDeclaration);
  AppendConfiguration(config, with_xml_declaration_and_namespace, &out);
  return out;
}

std::string SerializeListInventoryConfigurationsXml(const ListInventoryConfigurationsPage& page) {
  std::string out(kXmlDeclaration);
  out.append("<ListInventoryConfigurationsResult xmlns=\"");
  out.append(kS3XmlNamespace);
  out.append("\">");
  if (page.continuation_token) AppendElement("ContinuationToken", *page.continuation_token, &out);
  for (const InventoryConfiguration& config : page.configurations) {
    AppendConfiguration(config, /*with_namespace=*/false, &out);
  }
  AppendElement("IsTruncated", page.is_truncated ? "true" : "false", &out);
  if (page.is_truncated) {
    AppendElement("NextContinuationToken", page.next_continuation_token, &out);
  }
  out.append("</ListInventoryConfigurationsResult>");
  return out;
}

}  // namespace stocktake::inventory
