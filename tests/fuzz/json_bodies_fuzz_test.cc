// JSON request bodies of POST /api/v1/messages and /api/v1/ask, mutated byte by byte and node
// by node, through what the routes do with them: ParseJsonObject (http/json_body), then the
// generic channel's MessageFromJson and AskFromJson (generic/wire). Never a crash nor an
// exception; what ParseJsonObject accepts is an object, and what the wire accepts is within
// its limits.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "generic/wire.h"
#include "http/json_body.h"
#include "text/utf8.h"

namespace madoguchi::fuzz {
namespace {

using nlohmann::json;

const std::vector<std::string> kSeeds = {
    R"({"channel_user":"widget-123","program":"kagawa","text":"ポイントの有効期限は？"})",
    R"({"channel_user":"widget-123","program":"kagawa","postback":"entry:kagawa-18"})",
    R"({"program":"ibaraki","text":"にんしょうこーどなくした"})",
};
const std::vector<std::string> kDictionary = {"{",           "}",
                                              "[",           "]",
                                              ",",           ":",
                                              "\"",          "\\u0000",
                                              "\\ud800",     "\\udc00\\ud800",
                                              "\\\"",        "null",
                                              "1e999",       "-0",
                                              "true",        "\"text\"",
                                              "\"program\"", "\"channel_user\"",
                                              "\"postback\""};

void Process(const std::string& body) {
  StatusOr<json> parsed = http::ParseJsonObject(body);
  if (!parsed.ok()) return;
  ASSERT_TRUE(parsed->is_object());
  const generic::Limits limits;
  StatusOr<dialogue::Message> message = generic::MessageFromJson(*parsed, limits);
  if (message.ok()) {
    EXPECT_TRUE(text::IsValidUtf8(message->text));
    EXPECT_LE(message->key.user.size(), limits.max_user_bytes);
    EXPECT_LE(message->postback.size(), limits.max_postback_bytes);
  }
  generic::AskFromJson(*parsed, limits);
}

TEST(JsonBodiesFuzz, MutatedBodies) {
  Mutator m(0x6a736f6e);
  for (int i = 0; i < Iterations(4000); ++i) {
    Process(m.Mutate(kSeeds[m.Below(kSeeds.size())], kDictionary));
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(JsonBodiesFuzz, MutatedFields) {
  Mutator m(0x6669656c);
  for (int i = 0; i < Iterations(3000); ++i) {
    json doc = json::parse(kSeeds[m.Below(kSeeds.size())]);
    for (size_t k = 1 + m.Below(3); k > 0; --k) m.MutateJson(doc);
    Process(doc.dump());
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(JsonBodiesFuzz, ExtremeBodies) {
  std::vector<std::string> inputs = ExtremeInputs(kSeeds[0]);
  inputs.push_back(R"({"text":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}");
  inputs.push_back(R"({"program":"kagawa","channel_user":"u","text":")" +
                   std::string(1 << 20, 'a') + "\"}");
  for (const std::string& input : inputs) {
    Process(input);
    if (HasFatalFailure()) FAIL() << input.size() << " bytes";
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
