#include "text/line_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace madoguchi::text {
namespace {

namespace fs = std::filesystem;

class LineFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() /
             ("madoguchi_line_file_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(path_, ec);
  }
  void Write(const std::string& content) const {
    std::ofstream(path_, std::ios::binary) << content;
  }
  // Every line given to the callback, with its number.
  std::vector<std::pair<int, std::string>> Lines(Status* status = nullptr) const {
    std::vector<std::pair<int, std::string>> out;
    Status s = ForEachLine(path_, [&](std::string_view line, int number) {
      out.emplace_back(number, std::string(line));
      return Status();
    });
    if (status != nullptr) *status = s;
    return out;
  }

  std::string path_;
};

TEST_F(LineFileTest, SkipsCommentsAndBlankLinesAndCountsEveryLine) {
  Write("# a comment\nfirst\n\nsecond\tfield\n  # not a comment: it starts with spaces\nlast");
  Status status;
  auto lines = Lines(&status);
  EXPECT_TRUE(status.ok()) << status.ToString();
  const std::vector<std::pair<int, std::string>> expected = {
      {2, "first"},
      {4, "second\tfield"},
      {5, "  # not a comment: it starts with spaces"},
      {6, "last"}};
  EXPECT_EQ(lines, expected);
}

TEST_F(LineFileTest, AFileSavedOnWindowsReadsTheSame) {
  Write("# comment\r\none\r\n\r\ntwo\r\n");
  auto lines = Lines();
  const std::vector<std::pair<int, std::string>> expected = {{2, "one"}, {4, "two"}};
  EXPECT_EQ(lines, expected) << "a CR is no part of a line, and a CRLF line is blank";
}

TEST_F(LineFileTest, TheFirstErrorStopsTheReading) {
  Write("one\ntwo\nthree\n");
  int seen = 0;
  Status s = ForEachLine(path_, [&](std::string_view line, int number) {
    ++seen;
    if (line == "two") return InvalidArgument("line " + std::to_string(number));
    return Status();
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "line 2");
  EXPECT_EQ(seen, 2);
}

TEST_F(LineFileTest, AMissingFileIsNotFoundNamingIt) {
  Status s = ForEachLine(path_ + ".missing", [](std::string_view, int) { return Status(); });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, path_ + ".missing", s.message());
}

TEST_F(LineFileTest, AnEmptyFileHasNoLines) {
  Write("");
  Status status;
  EXPECT_TRUE(Lines(&status).empty());
  EXPECT_TRUE(status.ok());
}

TEST(TabFieldsTest, EmptyFieldsAreLeftOut) {
  EXPECT_EQ(TabFields("パスワード\tPW\t\tパス\t"),
            (std::vector<std::string_view>{"パスワード", "PW", "パス"}));
  EXPECT_EQ(TabFields("one"), (std::vector<std::string_view>{"one"}));
  EXPECT_EQ(TabFields(" \t~x"), (std::vector<std::string_view>{" ", "~x"}))
      << "a field of spaces is a field; marks are the caller's";
  EXPECT_TRUE(TabFields("").empty());
  EXPECT_TRUE(TabFields("\t\t").empty());
}

}  // namespace
}  // namespace madoguchi::text
