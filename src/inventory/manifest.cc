// The manifest is written by hand rather than with a JSON library: its bytes must match AWS's
// (Jackson DefaultPrettyPrinter), which no library here reproduces. Reading uses nlohmann::json,
// whose exceptions are caught here.
#include "inventory/manifest.h"

#include <charconv>
#include <exception>
#include <nlohmann/json.hpp>

#include "common/crypto.h"
#include "common/encoding.h"

namespace stocktake::inventory {
namespace {

// The manifest format version: the only value AWS has ever written (spec §6.1). DO NOT CHANGE.
constexpr std::string_view kManifestVersion = "2016-11-30";

// Jackson's CharTypes output escapes: " and \, the short forms of \b \t \n \f \r, and \u00XX
// (upper-case hex) for the other characters below 0x20. Everything else, non-ASCII included,
// is written as is.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHexUpper[] = "0123456789ABCDEF";
  out->push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (u < 0x20) {
          out->append("\\u00");
          out->push_back(kHexUpper[u >> 4]);
          out->push_back(kHexUpper[u & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// `{indent}"name" : "value"` (no separator, no newline).
void AppendStringField(std::string_view indent, std::string_view name, std::string_view value,
                       std::string* out) {
  out->append(indent);
  AppendJsonString(name, out);
  out->append(" : ");
  AppendJsonString(value, out);
}

Status NotAManifest(std::string_view what) {
  return Status::InvalidArgument("not an inventory manifest: " + std::string(what));
}

Result<std::string> StringMember(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return NotAManifest(std::string("missing ") + name);
  return it->get<std::string>();
}

Result<Manifest> ParseManifestDocument(const nlohmann::json& doc) {
  if (!doc.is_object()) return NotAManifest("not an object");
  Manifest m;
  ASSIGN_OR_RETURN(m.source_bucket, StringMember(doc, "sourceBucket"));
  ASSIGN_OR_RETURN(m.destination_bucket_arn, StringMember(doc, "destinationBucket"));
  ASSIGN_OR_RETURN(std::string version, StringMember(doc, "version"));
  if (version != kManifestVersion) return NotAManifest("unknown version " + version);
  ASSIGN_OR_RETURN(std::string stamp, StringMember(doc, "creationTimestamp"));
  auto [end, ec] =
      std::from_chars(stamp.data(), stamp.data() + stamp.size(), m.creation_timestamp_ms);
  if (ec != std::errc() || end != stamp.data() + stamp.size() || stamp.empty()) {
    return NotAManifest("bad creationTimestamp");
  }
  ASSIGN_OR_RETURN(std::string format_name, StringMember(doc, "fileFormat"));
  if (format_name == "CSV") {
    m.file_format = format::FileFormat::kCsv;
  } else if (format_name == "ORC") {
    m.file_format = format::FileFormat::kOrc;
  } else if (format_name == "Parquet") {
    m.file_format = format::FileFormat::kParquet;
  } else {
    return NotAManifest("unknown fileFormat " + format_name);
  }
  ASSIGN_OR_RETURN(m.file_schema, StringMember(doc, "fileSchema"));
  auto files = doc.find("files");
  if (files == doc.end() || !files->is_array()) return NotAManifest("missing files");
  for (const nlohmann::json& f : *files) {
    if (!f.is_object()) return NotAManifest("bad files entry");
    ManifestFile file;
    ASSIGN_OR_RETURN(file.key, StringMember(f, "key"));
    auto size = f.find("size");
    if (size == f.end() || !size->is_number_unsigned()) return NotAManifest("bad size");
    file.size = size->get<uint64_t>();
    ASSIGN_OR_RETURN(file.md5_hex, StringMember(f, "MD5checksum"));
    m.files.push_back(std::move(file));
  }
  return m;
}

}  // namespace

std::string BuildManifestJson(const Manifest& manifest) {
  std::string out;
  out.reserve(512 + manifest.file_schema.size() + manifest.files.size() * 200);
  out.append("{\n");
  AppendStringField("  ", "sourceBucket", manifest.source_bucket, &out);
  out.append(",\n");
  AppendStringField("  ", "destinationBucket", manifest.destination_bucket_arn, &out);
  out.append(",\n");
  AppendStringField("  ", "version", kManifestVersion, &out);
  out.append(",\n");
  std::string stamp;
  if (manifest.creation_timestamp_ms < 0) {
    stamp = std::to_string(manifest.creation_timestamp_ms);
  } else {
    AppendDecimal(&stamp, static_cast<uint64_t>(manifest.creation_timestamp_ms));
  }
  AppendStringField("  ", "creationTimestamp", stamp, &out);
  out.append(",\n");
  AppendStringField("  ", "fileFormat", format::FileFormatName(manifest.file_format), &out);
  out.append(",\n");
  AppendStringField("  ", "fileSchema", manifest.file_schema, &out);
  out.append(",\n");
  // Jackson's DefaultPrettyPrinter puts arrays on one line with a space after '[' and before
  // ']' (a lone space when empty), and objects inside them indented one level deeper.
  out.append("  \"files\" : [");
  if (manifest.files.empty()) {
    out.append(" ]");
  } else {
    for (size_t i = 0; i < manifest.files.size(); ++i) {
      const ManifestFile& f = manifest.files[i];
      out.append(i == 0 ? " {\n" : ", {\n");
      AppendStringField("    ", "key", f.key, &out);
      out.append(",\n    \"size\" : ");
      AppendDecimal(&out, f.size);
      out.append(",\n");
      AppendStringField("    ", "MD5checksum", f.md5_hex, &out);
      out.append("\n  }");
    }
    out.append(" ]");
  }
  out.append("\n}");
  return out;
}

std::string BuildManifestChecksum(std::string_view manifest_json) {
  return HexLower(Md5(manifest_json)) + "\n";
}

std::string BuildSymlinkTxt(std::string_view destination_bucket,
                            std::span<const ManifestFile> files) {
  std::string out;
  for (const ManifestFile& f : files) {
    out.append("s3://");
    out.append(destination_bucket);
    out.push_back('/');
    out.append(f.key);
    out.push_back('\n');
  }
  return out;
}

Result<Manifest> ParseManifestJson(std::string_view json) {
  try {
    nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return NotAManifest("not JSON");
    return ParseManifestDocument(doc);
  } catch (const std::exception& e) {
    return NotAManifest(e.what());
  }
}

}  // namespace stocktake::inventory
