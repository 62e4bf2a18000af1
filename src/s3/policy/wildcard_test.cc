#include "s3/policy/wildcard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "s3/policy/variables.h"

namespace stocktake::s3::policy {
namespace {

TEST(WildcardTest, StarMatchesAnyRunIncludingEmptyAndSlash) {
  EXPECT_TRUE(WildcardMatch("*", ""));
  EXPECT_TRUE(WildcardMatch("*", "anything/at/all"));
  EXPECT_TRUE(WildcardMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/"));
  EXPECT_TRUE(WildcardMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b/c.txt"));
  EXPECT_FALSE(WildcardMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket"));
  EXPECT_FALSE(WildcardMatch("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket2/x"));
  EXPECT_TRUE(WildcardMatch("arn:aws:s3:::bucket*", "arn:aws:s3:::bucket/key"));
}

TEST(WildcardTest, QuestionMarkMatchesExactlyOneCharacter) {
  EXPECT_TRUE(WildcardMatch("a?c", "abc"));
  EXPECT_TRUE(WildcardMatch("a?c", "a/c"));
  EXPECT_FALSE(WildcardMatch("a?c", "ac"));
  EXPECT_FALSE(WildcardMatch("a?c", "abbc"));
  EXPECT_FALSE(WildcardMatch("?", ""));
  EXPECT_TRUE(WildcardMatch("??", "xy"));
}

TEST(WildcardTest, MixedAndRepeatedWildcards) {
  EXPECT_TRUE(WildcardMatch("a*b*c", "abc"));
  EXPECT_TRUE(WildcardMatch("a*b*c", "aXXbYYc"));
  EXPECT_TRUE(WildcardMatch("a*b*c", "abcbc"));
  EXPECT_FALSE(WildcardMatch("a*b*c", "aXXbYY"));
  EXPECT_TRUE(WildcardMatch("**", ""));
  EXPECT_TRUE(WildcardMatch("*?", "x"));
  EXPECT_FALSE(WildcardMatch("*?", ""));
  EXPECT_TRUE(WildcardMatch("*.txt", "dir/file.txt"));
  EXPECT_FALSE(WildcardMatch("*.txt", "dir/file.txt.gz"));
  EXPECT_TRUE(WildcardMatch("home/*/", "home/alice/"));
  EXPECT_FALSE(WildcardMatch("", "a"));
  EXPECT_TRUE(WildcardMatch("", ""));
}

TEST(WildcardTest, CaseSensitivityIsAnOption) {
  EXPECT_FALSE(WildcardMatch("s3:Get*", "s3:getobject"));
  EXPECT_TRUE(WildcardMatch("s3:Get*", "s3:getobject", {.ignore_case = true}));
  EXPECT_TRUE(WildcardMatch("S3:GETOBJECT", "s3:GetObject", {.ignore_case = true}));
}

TEST(WildcardTest, BackslashEscapesOnlyWhenAsked) {
  WildcardOptions escapes{.backslash_escapes = true};
  EXPECT_TRUE(WildcardMatch(R"(a\*b)", "a*b", escapes));
  EXPECT_FALSE(WildcardMatch(R"(a\*b)", "aXb", escapes));
  EXPECT_TRUE(WildcardMatch(R"(a\?)", "a?", escapes));
  EXPECT_TRUE(WildcardMatch(R"(a\\*)", R"(a\xyz)", escapes));
  EXPECT_TRUE(WildcardMatch(R"(a\*b)", R"(a\XXb)"));  // no escapes: "\" is literal, "*" a star
}

TEST(WildcardTest, PathologicalPatternStaysFast) {
  std::string text(20000, 'a');
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "a*";
  pattern += "b";
  EXPECT_FALSE(WildcardMatch(pattern, text));
  EXPECT_TRUE(WildcardMatch(pattern.substr(0, pattern.size() - 1), text));
}

TEST(WildcardTest, HasWildcardAndEqualsIgnoreCase) {
  EXPECT_TRUE(HasWildcard("s3:Get*"));
  EXPECT_TRUE(HasWildcard("a?"));
  EXPECT_FALSE(HasWildcard("s3:GetObject"));
  EXPECT_TRUE(EqualsIgnoreCase("aws:SourceArn", "AWS:SOURCEARN"));
  EXPECT_FALSE(EqualsIgnoreCase("abc", "abcd"));
}

class VariablesTest : public ::testing::Test {
 protected:
  VariableLookup lookup_ = [this](std::string_view key) -> std::optional<std::string> {
    auto it = values_.find(std::string(key));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  };
  std::map<std::string, std::string> values_{
      {"aws:username", "alice"}, {"aws:SourceAccount", "111122223333"}, {"weird", "a*b?c\\"}};
};

TEST_F(VariablesTest, SubstitutesValues) {
  EXPECT_TRUE(HasPolicyVariable("home/${aws:username}/*"));
  EXPECT_FALSE(HasPolicyVariable("home/$aws:username/*"));
  EXPECT_EQ(ExpandPolicyVariables("home/${aws:username}/*", lookup_, false), "home/alice/*");
  EXPECT_EQ(ExpandPolicyVariables("${aws:username}-${aws:SourceAccount}", lookup_, false),
            "alice-111122223333");
}

TEST_F(VariablesTest, DefaultsAndMissingValues) {
  EXPECT_EQ(ExpandPolicyVariables("${aws:missing, 'guest'}", lookup_, false), "guest");
  EXPECT_EQ(ExpandPolicyVariables("${aws:username, 'guest'}", lookup_, false), "alice");
  EXPECT_EQ(ExpandPolicyVariables("x/${aws:missing}", lookup_, false), std::nullopt);
}

TEST_F(VariablesTest, SpecialCharactersAndUnterminated) {
  EXPECT_EQ(ExpandPolicyVariables("a${*}b${?}c${$}", lookup_, false), "a*b?c$");
  EXPECT_EQ(ExpandPolicyVariables("a${*}b", lookup_, true), R"(a\*b)");
  EXPECT_EQ(ExpandPolicyVariables("keep ${unterminated", lookup_, false), "keep ${unterminated");
}

TEST_F(VariablesTest, EscapedExpansionKeepsWrittenWildcardsOnly) {
  std::optional<std::string> pattern = ExpandPolicyVariables("p/${weird}/*", lookup_, true);
  ASSERT_TRUE(pattern.has_value());
  WildcardOptions escapes{.backslash_escapes = true};
  EXPECT_TRUE(WildcardMatch(*pattern, R"(p/a*b?c\/anything)", escapes));
  EXPECT_FALSE(WildcardMatch(*pattern, R"(p/aXbYc\/anything)", escapes));
  // A literal "*" written in the policy stays a wildcard; a written backslash stays literal.
  pattern = ExpandPolicyVariables(R"(x\${aws:username}*)", lookup_, true);
  EXPECT_TRUE(WildcardMatch(*pattern, R"(x\alice-and-more)", escapes));
}

}  // namespace
}  // namespace stocktake::s3::policy
