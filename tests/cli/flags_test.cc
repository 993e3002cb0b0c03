#include "cli/flags.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace madoguchi::cli {
namespace {

const std::set<std::string> kWithValue = {"program", "today", "set"};
const std::set<std::string> kSwitches = {"json", "explain"};

TEST(ParseFlagsTest, ReadsValuesInBothForms) {
  auto flags = ParseFlags({"--program", "kagawa", "--today=2026-04-30"}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_EQ(flags->Get("program"), "kagawa");
  EXPECT_EQ(flags->Get("today"), "2026-04-30");
  EXPECT_TRUE(flags->positional.empty());
  EXPECT_TRUE(flags->switches.empty());
}

TEST(ParseFlagsTest, ReadsSwitchesAndPositionals) {
  auto flags = ParseFlags({"ask", "--json", "ポイントの有効期限は？", "--explain", "extra"},
                          kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_TRUE(flags->Has("json"));
  EXPECT_TRUE(flags->Has("explain"));
  EXPECT_FALSE(flags->Has("program"));
  EXPECT_EQ(flags->positional,
            (std::vector<std::string>{"ask", "ポイントの有効期限は？", "extra"}));
}

TEST(ParseFlagsTest, DoubleDashAndSingleDashArePositional) {
  auto flags = ParseFlags({"--", "-x", "-"}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_EQ(flags->positional, (std::vector<std::string>{"--", "-x", "-"}));
}

TEST(ParseFlagsTest, EmptyValueAfterEquals) {
  auto flags = ParseFlags({"--program="}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  ASSERT_TRUE(flags->Get("program").has_value());
  EXPECT_EQ(*flags->Get("program"), "");
}

TEST(ParseFlagsTest, ValueMayContainEqualsSigns) {
  auto flags = ParseFlags({"--set=a=b"}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_EQ(flags->Get("set"), "a=b");
}

TEST(ParseFlagsTest, LaterValueWins) {
  auto flags = ParseFlags({"--program", "kagawa", "--program", "ibaraki"}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok()) << flags.status().ToString();
  EXPECT_EQ(flags->Get("program"), "ibaraki");
}

TEST(ParseFlagsTest, UnknownFlagIsAnErrorNamingIt) {
  auto flags = ParseFlags({"--program", "kagawa", "--bogus"}, kWithValue, kSwitches);
  ASSERT_FALSE(flags.ok());
  EXPECT_EQ(flags.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "--bogus", flags.status().message());
}

TEST(ParseFlagsTest, MissingValueIsAnError) {
  auto flags = ParseFlags({"--today"}, kWithValue, kSwitches);
  ASSERT_FALSE(flags.ok());
  EXPECT_EQ(flags.status().code(), StatusCode::kInvalidArgument);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "--today", flags.status().message());
}

TEST(ParseFlagsTest, SwitchGivenAValueIsAnError) {
  auto flags = ParseFlags({"--json=yes"}, kWithValue, kSwitches);
  ASSERT_FALSE(flags.ok());
  EXPECT_EQ(flags.status().code(), StatusCode::kInvalidArgument);
}

TEST(FlagsTest, GetAndGetOr) {
  auto flags = ParseFlags({"--program", "itkenpo"}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->Get("today").has_value());
  EXPECT_EQ(flags->GetOr("today", "2026-05-01"), "2026-05-01");
  EXPECT_EQ(flags->GetOr("program", "kagawa"), "itkenpo");
}

TEST(ParseFlagsTest, NoArguments) {
  auto flags = ParseFlags({}, kWithValue, kSwitches);
  ASSERT_TRUE(flags.ok());
  EXPECT_TRUE(flags->values.empty());
  EXPECT_TRUE(flags->switches.empty());
  EXPECT_TRUE(flags->positional.empty());
}

}  // namespace
}  // namespace madoguchi::cli
