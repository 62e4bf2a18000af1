#include "scan/ini_file.h"

#include <gtest/gtest.h>

namespace stocktake::scan {
namespace {

TEST(IniFileTest, SectionsValuesCommentsAndNestedBlocks) {
  IniFile ini = IniFile::Parse(
      "# comment\n"
      "[default]\n"
      "aws_access_key_id = AKIA1\r\n"
      "aws_secret_access_key=secret=with=equals\n"
      "; another comment\n"
      "[profile prod]\n"
      "region = eu-west-1\n"
      "s3 =\n"
      "  addressing_style = path\n"
      "endpoint_url = http://127.0.0.1:7480\n");
  EXPECT_TRUE(ini.HasSection("default"));
  EXPECT_EQ(ini.Get("default", "aws_access_key_id"), "AKIA1");
  EXPECT_EQ(ini.Get("default", "aws_secret_access_key"), "secret=with=equals");
  EXPECT_EQ(ini.Get("profile prod", "region"), "eu-west-1");
  EXPECT_EQ(ini.Get("profile prod", "s3"), "");
  EXPECT_EQ(ini.Get("profile prod", "addressing_style"), std::nullopt);
  EXPECT_EQ(ini.Get("profile prod", "endpoint_url"), "http://127.0.0.1:7480");
  EXPECT_FALSE(ini.HasSection("prod"));
  EXPECT_EQ(ini.Get("missing", "region"), std::nullopt);
}

TEST(IniFileTest, LinesBeforeAnySectionAreIgnored) {
  IniFile ini = IniFile::Parse("region = x\n[a]\nk=v");
  EXPECT_EQ(ini.Get("a", "k"), "v");
  EXPECT_EQ(ini.Get("", "region"), std::nullopt);
}

}  // namespace
}  // namespace stocktake::scan
