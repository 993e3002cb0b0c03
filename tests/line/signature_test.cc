#include "line/signature.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace madoguchi::line {
namespace {

struct Vector {
  std::string name;
  std::string secret;
  std::string body;
  std::string signature;  // valid
  std::string negative;   // must be rejected; empty when the vector has none
};

// LINE's own vectors, from the test suites of its SDKs.
const std::vector<Vector>& KnownVectors() {
  static const std::vector<Vector> kVectors = {
      {"V1", "channel_secret", "bodybodybodybody",
       "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "invalid_signature"},
      {"V2", "test_secret", R"({"hello":"world"})", "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=",
       "t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM="},
      {"V3", "SECRET", "{}", "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=", "596359635963"},
      {"V5", "test_channel_secret", "i am not jason",
       "Z8YlPpm0lQOqPipiCHVbiuwIDIzRzD7w5hvHgmwEuEs=", ""},
  };
  return kVectors;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads signature-vectors.txt: "## Mn" blocks of "key: value" lines, the secret and the body
// written as JSON strings so their bytes are exact.
std::vector<Vector> ParseVectorFile(const std::string& text) {
  std::vector<Vector> out;
  std::istringstream in(text);
  std::string line;
  static const std::regex kField(R"(^(secret|body|signature|negative):\s+(.*)$)");
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      out.push_back({line.substr(3, line.find(' ', 3) - 3), "", "", "", ""});
      continue;
    }
    std::smatch m;
    if (out.empty() || !std::regex_match(line, m, kField)) continue;
    const std::string key = m[1], value = m[2];
    if (key == "secret") out.back().secret = nlohmann::json::parse(value).get<std::string>();
    if (key == "body") out.back().body = nlohmann::json::parse(value).get<std::string>();
    if (key == "signature") out.back().signature = value;
    if (key == "negative") out.back().negative = value;
  }
  return out;
}

TEST(SignatureTest, EveryKnownVector) {
  for (const Vector& v : KnownVectors()) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(ComputeSignature(v.secret, v.body), v.signature);
    EXPECT_TRUE(VerifySignature(v.secret, v.body, v.signature));
    if (!v.negative.empty()) {
      EXPECT_FALSE(VerifySignature(v.secret, v.body, v.negative));
    }
  }
}

// Vectors computed by an independent implementation (the file's header says how): UTF-8
// secrets, an empty body, a trailing newline.
TEST(SignatureTest, EveryVectorOfOurFile) {
  const std::string path = std::string(MADOGUCHI_LINE_FIXTURE_DIR) + "/../signature-vectors.txt";
  const std::vector<Vector> vectors = ParseVectorFile(ReadFile(path));
  ASSERT_EQ(vectors.size(), 4u) << path;
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(ComputeSignature(v.secret, v.body), v.signature);
    EXPECT_TRUE(VerifySignature(v.secret, v.body, v.signature));
    EXPECT_FALSE(VerifySignature(v.secret, v.body, v.negative));
  }
}

// A body's exact bytes, signed by an independent implementation (fixtures/README.md).
TEST(SignatureTest, ACompactFixtureBodyExactBytes) {
  const std::string path = std::string(MADOGUCHI_LINE_FIXTURE_DIR) + "/nodejs-middleware-body.json";
  const std::string body = ReadFile(path);
  ASSERT_FALSE(body.empty()) << path;
  constexpr char kSignature[] = "IE+0K2G2NneB1fYQi2Q/RFrVCLmcEyYjA5wxJDzbUsY=";
  EXPECT_EQ(ComputeSignature("madoguchi_fixture_secret", body), kSignature);
  EXPECT_TRUE(VerifySignature("madoguchi_fixture_secret", body, kSignature));
  EXPECT_FALSE(VerifySignature("madoguchi_fixture_secret", body + "\n", kSignature))
      << "one byte more is another body";
}

TEST(SignatureTest, RejectsWhatIsNotTheSignature) {
  const Vector& v = KnownVectors()[0];
  EXPECT_FALSE(VerifySignature(v.secret, v.body, ""));
  EXPECT_FALSE(VerifySignature("", v.body, v.signature));
  EXPECT_FALSE(VerifySignature("other_secret", v.body, v.signature));
  EXPECT_FALSE(VerifySignature(v.secret, v.body + " ", v.signature));
  EXPECT_FALSE(VerifySignature(v.secret, v.body, v.signature.substr(0, 43)));
  EXPECT_FALSE(VerifySignature(v.secret, v.body, v.signature + "="));
  // The raw HMAC instead of its base64.
  EXPECT_FALSE(VerifySignature(v.secret, v.body, std::string(32, '\xfe')));
  // Surrounding spaces from a sloppy proxy are tolerated; inner changes are not.
  EXPECT_TRUE(VerifySignature(v.secret, v.body, " " + v.signature + "\t"));
}

TEST(SignatureTest, EmptyBodyHasASignature) {
  EXPECT_EQ(ComputeSignature("k", "").size(), 44u);
  EXPECT_TRUE(VerifySignature("k", "", ComputeSignature("k", "")));
}

}  // namespace
}  // namespace madoguchi::line
