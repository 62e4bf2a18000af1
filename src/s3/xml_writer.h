// XmlWriter: builds S3 response documents in one string (no DOM). Escapes text and attributes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::s3 {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

class XmlWriter {
 public:
  // Starts the document with the XML declaration and the root element (with the S3 namespace
  // unless `namespace_uri` is empty).
  explicit XmlWriter(std::string_view root, std::string_view namespace_uri = kS3Namespace);

  XmlWriter& Open(std::string_view name);
  XmlWriter& Close();  // closes the innermost open element
  XmlWriter& Element(std::string_view name, std::string_view text);
  XmlWriter& Element(std::string_view name, uint64_t value);
  XmlWriter& BoolElement(std::string_view name, bool value);
  XmlWriter& EmptyElement(std::string_view name);
  // Room for a document of about `bytes` (listings know their size: no regrowth per entry).
  void Reserve(size_t bytes) { out_.reserve(bytes); }
  // Appends a preformatted fragment (already valid XML).
  XmlWriter& Raw(std::string_view xml);
  // Closes every open element and returns the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

void AppendXmlEscaped(std::string* out, std::string_view text);
// <name>text</name>, text escaped, appended to *out: what XmlWriter::Element writes (for
// fragments rendered outside a writer).
void AppendXmlElement(std::string* out, std::string_view name, std::string_view text);

}  // namespace stocktake::s3
