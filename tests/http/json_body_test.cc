#include "http/json_body.h"

#include <gtest/gtest.h>

#include "http/api_error.h"

namespace madoguchi::http {
namespace {

TEST(ParseJsonObject, AcceptsObjects) {
  auto j = ParseJsonObject(R"({"text": "こんにちは😊"})");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["text"], "こんにちは😊");
}

TEST(ParseJsonObject, RefusesWhatIsNotAnObject) {
  for (const char* bad : {"", "   ", "[]", "\"text\"", "42", "null", "{", "{\"a\": }",
                          "{\"a\": 1} trailing", "{'a': 1}"}) {
    auto j = ParseJsonObject(bad);
    ASSERT_FALSE(j.ok()) << bad;
    EXPECT_EQ(j.status().reason(), kErrorMalformedJson) << bad;
  }
}

TEST(ParseJsonObject, RefusesInvalidUtf8ByName) {
  for (std::string bad :
       {std::string("{\"text\": \"\xff\"}"), std::string("{\"text\": \"\xe3\x81\"}"),
        std::string("{\"text\": \"\xed\xa0\x80\"}")}) {  // a lone surrogate
    auto j = ParseJsonObject(bad);
    ASSERT_FALSE(j.ok());
    EXPECT_EQ(j.status().reason(), kErrorInvalidUtf8);
  }
  // An escaped lone surrogate is valid UTF-8 on the wire but not a character.
  EXPECT_FALSE(ParseJsonObject(R"({"text": "\ud800"})").ok());
}

TEST(ParseJsonObject, SurvivesDeepNesting) {
  EXPECT_FALSE(ParseJsonObject(std::string(100000, '[')).ok());
  std::string deep = "{\"a\":" + std::string(20000, '[') + std::string(20000, ']') + "}";
  EXPECT_TRUE(ParseJsonObject(deep).ok());
}

}  // namespace
}  // namespace madoguchi::http
