#include "s3/xml_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake::s3 {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendXmlEscaped(&out, text);
  return out;
}

TEST(AppendXmlEscapedTest, EscapesMarkupQuotesAndControlCharacters) {
  EXPECT_EQ(Escaped(""), "");
  EXPECT_EQ(Escaped("photos/2024/a b.jpg"), "photos/2024/a b.jpg");
  EXPECT_EQ(Escaped("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  EXPECT_EQ(Escaped("&"), "&amp;");
  EXPECT_EQ(Escaped("line\r\n\tx"), "line&#13;&#10;&#9;x");
  EXPECT_EQ(Escaped(std::string("a\x01z\x1f", 4)), "a&#1;z&#31;");
  EXPECT_EQ(Escaped("caf\xc3\xa9"), "caf\xc3\xa9");  // UTF-8 passes through
}

TEST(XmlWriterTest, BuildsNestedDocuments) {
  XmlWriter xml("ListBucketResult");
  xml.Reserve(256);
  xml.Element("Name", "b").Open("Contents").Element("Key", "a<b").Element("Size", uint64_t{7});
  xml.BoolElement("IsTruncated", false);
  EXPECT_EQ(xml.Finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Contents>"
            "<Key>a&lt;b</Key><Size>7</Size><IsTruncated>false</IsTruncated></Contents>"
            "</ListBucketResult>");
}

}  // namespace
}  // namespace stocktake::s3
