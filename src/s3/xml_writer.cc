#include "s3/xml_writer.h"

#include <array>

namespace stocktake::s3 {

namespace {

// A table rather than comparisons: every key, etag and name of a listing goes through it.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = true;
  for (unsigned char c : std::string_view("&<>\"'")) table[c] = true;
  return table;
}();

bool NeedsEscape(char c) { return kNeedsEscape[static_cast<unsigned char>(c)]; }

void AppendEscape(std::string* out, char c) {
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
    case '"':
      out->append("&quot;");
      break;
    case '\'':
      out->append("&apos;");
      break;
    case '\r':
      out->append("&#13;");
      break;
    case '\n':
      out->append("&#10;");
      break;
    case '\t':
      out->append("&#9;");
      break;
    default:
      // Other control characters cannot appear in XML 1.0; S3 escapes them numerically.
      out->append("&#" + std::to_string(static_cast<int>(c)) + ";");
  }
}

}  // namespace

// Listings escape every key: runs of plain characters are appended whole.
void AppendXmlEscaped(std::string* out, std::string_view text) {
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!NeedsEscape(text[i])) continue;
    out->append(text.substr(plain_from, i - plain_from));
    AppendEscape(out, text[i]);
    plain_from = i + 1;
  }
  out->append(text.substr(plain_from));
}

void AppendXmlElement(std::string* out, std::string_view name, std::string_view text) {
  out->append("<").append(name).append(">");
  AppendXmlEscaped(out, text);
  out->append("</").append(name).append(">");
}

XmlWriter::XmlWriter(std::string_view root, std::string_view namespace_uri) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out_.append(root);
  if (!namespace_uri.empty()) {
    out_.append(" xmlns=\"");
    out_.append(namespace_uri);
    out_.append("\"");
  }
  out_.append(">");
  open_.emplace_back(root);
}

XmlWriter& XmlWriter::Open(std::string_view name) {
  out_.append("<").append(name).append(">");
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  out_.append("</").append(open_.back()).append(">");
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  AppendXmlElement(&out_, name, text);
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, uint64_t value) {
  return Element(name, std::to_string(value));
}

XmlWriter& XmlWriter::BoolElement(std::string_view name, bool value) {
  return Element(name, value ? "true" : "false");
}

XmlWriter& XmlWriter::EmptyElement(std::string_view name) {
  out_.append("<").append(name).append("/>");
  return *this;
}

XmlWriter& XmlWriter::Raw(std::string_view xml) {
  out_.append(xml);
  return *this;
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace stocktake::s3
