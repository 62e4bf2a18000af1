// The CSV.gz reader: RFC 4180 quoting, line endings, blank lines, multi-member gzip, records
// across chunk boundaries, and malformed input.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "report/byte_source.h"
#include "report/row_source.h"

namespace stocktake::report {
namespace {

// One gzip member (RFC 1952) of `text`.
std::string Gzip(const std::string& text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, text.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

using Records = std::vector<std::vector<std::string>>;

Result<Records> Parse(const std::string& gz) {
  auto source = OpenMemory("test.csv.gz", gz);
  auto reader = OpenCsvGz(source.get());
  Records records;
  Row row;
  while (true) {
    ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    std::vector<std::string> fields;
    for (const Cell& c : row) fields.push_back(c.string_value);
    records.push_back(fields);
  }
  return records;
}

TEST(CsvReader, QuotedFieldsAsAwsWritesThem) {
  auto records =
      Parse(Gzip("\"dandiarchive\",\"zarr/0/0\",\"\",\"true\",\"1511723\"\n"
                 "\"b\",\"k, with \"\"quotes\"\"\nand a newline\",\"\",\"false\",\"\"\n"));
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(*records, (Records{{"dandiarchive", "zarr/0/0", "", "true", "1511723"},
                               {"b", "k, with \"quotes\"\nand a newline", "", "false", ""}}));
}

TEST(CsvReader, UnquotedFieldsCrLfAndBlankLines) {
  // AWS leaves blank lines at the end (spec §3.2); CR LF and unquoted fields are accepted.
  auto records = Parse(Gzip("a,b,,c\r\n\r\n\"x\",y\n\n\n"));
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(*records, (Records{{"a", "b", "", "c"}, {"x", "y"}}));
}

TEST(CsvReader, LastRecordWithoutNewline) {
  auto records = Parse(Gzip("\"a\",\"b\"\n\"c\",\"d\""));
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(*records, (Records{{"a", "b"}, {"c", "d"}}));
}

TEST(CsvReader, MultiMemberGzip) {
  auto records = Parse(Gzip("\"1\",\"a\"\n") + Gzip("") + Gzip("\"2\",\"b\"\n\"3\",\"c\"\n"));
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(*records, (Records{{"1", "a"}, {"2", "b"}, {"3", "c"}}));
}

TEST(CsvReader, EmptyFiles) {
  auto records = Parse("");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  records = Parse(Gzip(""));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST(CsvReader, RecordsAcrossChunks) {
  // Several MiB of text, so records and quoted fields straddle the reader's 1 MiB chunks.
  std::string text;
  Records want;
  for (int i = 0; i < 60000; ++i) {
    std::string key =
        "key/" + std::to_string(i) + std::string(i % 97, 'x') + (i % 5 ? "" : "\"q\",");
    std::string quoted;
    for (char c : key) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    text += "\"bucket\",\"" + quoted + "\",\"" + std::to_string(i) + "\"\n";
    want.push_back({"bucket", key, std::to_string(i)});
  }
  std::string gz = Gzip(text.substr(0, text.size() / 2)) + Gzip(text.substr(text.size() / 2));
  auto records = Parse(gz);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), want.size());
  EXPECT_EQ(*records, want);
}

TEST(CsvReader, MalformedInputIsAnError) {
  auto unterminated = Parse(Gzip("\"a\",\"b\n"));
  ASSERT_FALSE(unterminated.ok());
  EXPECT_NE(unterminated.status().message().find("unterminated quoted field"), std::string::npos);
  auto after_quote = Parse(Gzip("\"a\"x,\"b\"\n"));
  ASSERT_FALSE(after_quote.ok());
  EXPECT_NE(after_quote.status().message().find("line 1: text after a closing quote"),
            std::string::npos)
      << after_quote.status().message();
  auto stray = Parse(Gzip("\"a\"\nab\"c\n"));
  ASSERT_FALSE(stray.ok());
  EXPECT_NE(stray.status().message().find("line 2"), std::string::npos);
  std::string gz = Gzip("\"a\",\"b\"\n\"c\",\"d\"\n");
  auto truncated = Parse(gz.substr(0, gz.size() - 4));
  EXPECT_FALSE(truncated.ok());
  auto not_gzip = Parse("\"a\",\"b\"\n");
  EXPECT_FALSE(not_gzip.ok());
}

}  // namespace
}  // namespace stocktake::report
