#include "cli/command_line.h"

#include <gtest/gtest.h>

namespace stocktake::cli {
namespace {

TEST(ClosestNameTest, TyposAndPrefixes) {
  std::vector<std::string> commands = {"serve", "inventory", "admin", "kms", "report"};
  EXPECT_EQ(ClosestName("servee", commands), "serve");
  EXPECT_EQ(ClosestName("inventroy", commands), "inventory");
  EXPECT_EQ(ClosestName("inv", commands), "inventory");
  EXPECT_EQ(ClosestName("reprot", commands), "report");
  EXPECT_EQ(ClosestName("xyz", commands), std::nullopt);
  EXPECT_EQ(ClosestName("", commands), std::nullopt);
}

class CommandLineTest : public ::testing::Test {
 protected:
  CommandLineTest() {
    app_.set_config("--config");
    CLI::App* report = app_.add_subcommand("report");
    report->add_subcommand("summary")->add_option("--endpoint");
    report->add_subcommand("verify");
    app_.add_subcommand("serve")->add_option("--port");
  }
  CLI::App app_{"test", "stocktake"};
};

TEST_F(CommandLineTest, UnknownSubcommandsAreNamedWithASuggestion) {
  EXPECT_EQ(FindCommandLineMistake(app_, {"servee"}),
            "unknown command 'servee' for 'stocktake'; did you mean 'serve'?");
  EXPECT_EQ(FindCommandLineMistake(app_, {"report", "sumary", "x"}),
            "unknown command 'sumary' for 'stocktake report'; did you mean 'summary'?");
  EXPECT_EQ(FindCommandLineMistake(app_, {"frobnicate"}),
            "unknown command 'frobnicate' for 'stocktake'; the commands are report, serve");
}

TEST_F(CommandLineTest, ConfigAfterTheSubcommand) {
  EXPECT_EQ(FindCommandLineMistake(app_, {"serve", "--config", "s.toml"}),
            "--config goes before the subcommand: stocktake --config FILE serve ...");
  EXPECT_EQ(FindCommandLineMistake(app_, {"--config", "s.toml", "serve", "--port", "1"}),
            std::nullopt);
}

TEST_F(CommandLineTest, OptionValuesAndPositionalsAreNotCommands) {
  EXPECT_EQ(
      FindCommandLineMistake(app_, {"report", "summary", "--endpoint", "http://x", "s3://b/"}),
      std::nullopt);
  EXPECT_EQ(FindCommandLineMistake(app_, {"--version"}), std::nullopt);
}

}  // namespace
}  // namespace stocktake::cli
