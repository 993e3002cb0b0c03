#include "ops/log.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <string>

namespace madoguchi::ops {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = text::Normalizer::Create();
    ASSERT_TRUE(n.ok());
    normalizer_ = std::move(n).value();
  }
  std::string LogLine(const std::string& event, const nlohmann::json& fields) {
    std::FILE* f = std::tmpfile();
    Logger(normalizer_.get(), f).Info(event, fields);
    std::rewind(f);
    char buf[4096] = {};
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    return std::string(buf, n);
  }
  std::unique_ptr<text::Normalizer> normalizer_;
};

TEST_F(LogTest, OneJsonLinePerEvent) {
  std::string line = LogLine("request", {{"route", "/api/v1/ask"}, {"status", 200}});
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  auto j = nlohmann::json::parse(line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << line;
  EXPECT_EQ(j["event"], "request");
  EXPECT_EQ(j["route"], "/api/v1/ask");
  EXPECT_EQ(j["status"], 200);
  // RFC 3339, UTC, milliseconds: "2026-12-03T09:12:34.567Z".
  const std::string ts = j["ts"];
  EXPECT_TRUE(std::regex_match(ts, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)")))
      << ts;
}

TEST_F(LogTest, DurationsAreRoundedToTheMicrosecond) {
  auto j = nlohmann::json::parse(
      LogLine("request", {{"duration_ms", 0.09119999999999999}, {"age_ms", 12}, {"x_ms", "a"}}));
  EXPECT_EQ(j["duration_ms"].get<double>(), 0.091);
  EXPECT_EQ(j["age_ms"], 12);
  EXPECT_EQ(j["x_ms"], "a");
}

TEST_F(LogTest, PersonalDataIsRedacted) {
  std::string line = LogLine(
      "message",
      {{"text", "会員番号１２３４５６７８、生年月日は昭和55年4月1日、電話090-1234-5678です"},
       {"user", "U4af4980629abcdef"}});
  for (const char* secret :
       {"12345678", "１２３４５６７８", "55年4月1日", "090-1234-5678", "4af4980629"}) {
    EXPECT_EQ(line.find(secret), std::string::npos) << secret << " leaked: " << line;
  }
  EXPECT_NE(line.find("[番号]"), std::string::npos) << line;
  EXPECT_NE(line.find("[日付]"), std::string::npos) << line;
  EXPECT_NE(line.find("[電話番号]"), std::string::npos) << line;
}

TEST_F(LogTest, NestedValuesAreRedactedToo) {
  std::string line = LogLine("x", {{"detail", {{"birth", "1980/4/1"}, {"codes", {"ab12cd34ef"}}}}});
  EXPECT_EQ(line.find("1980"), std::string::npos) << line;
  EXPECT_EQ(line.find("ab12cd34ef"), std::string::npos) << line;
}

TEST_F(LogTest, InvalidUtf8DoesNotBreakTheLine) {
  std::string line = LogLine("x", {{"text", std::string("abc\xff\xfe")}});
  auto j = nlohmann::json::parse(line, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << line;
}

}  // namespace
}  // namespace madoguchi::ops
