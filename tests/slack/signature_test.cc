#include "slack/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

namespace madoguchi::slack {
namespace {

// Slack's published example ("Verifying requests from Slack", api.slack.com/authentication/
// verifying-requests-from-slack): a slash-command body signed with a placeholder secret.
constexpr char kDocSecret[] = "8f742231b10e8888abcd99yyyzzz85a5";
constexpr char kDocTimestamp[] = "1531420618";
constexpr char kDocBody[] =
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
    "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
    "803a0bc887a14d10d2c447fce8b6703c";
constexpr char kDocSignature[] =
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
constexpr int64_t kDocNowMs = 1531420618LL * 1000;

// An independent computation: OpenSSL's one-shot HMAC over the concatenated base string, not
// the module's streamed EVP_MAC.
std::string Reference(const std::string& secret, const std::string& ts, const std::string& body) {
  std::string base = "v0:" + ts + ":" + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(base.data()), base.size(), mac, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string out = "v0=";
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

TEST(SlackSignatureTest, SlacksPublishedExample) {
  EXPECT_EQ(ComputeSignature(kDocSecret, kDocTimestamp, kDocBody), kDocSignature);
  EXPECT_EQ(Reference(kDocSecret, kDocTimestamp, kDocBody), kDocSignature);
  Status s = VerifyRequest(kDocSecret, kDocTimestamp, kDocSignature, kDocBody, kDocNowMs);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(SlackSignatureTest, MatchesOpenSslOnVariedBodies) {
  const std::string nul_body("a\0b\0c", 5);
  const std::vector<std::string> bodies = {
      "",
      R"({"type":"url_verification",)"
      R"("challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"})",
      R"({"type":"event_callback","event":{"type":"message","text":"ポイントの有効期限は？"}})",
      nul_body,
      "\xff\xfe not utf-8",
      std::string(200'000, 'x'),
  };
  const std::vector<std::string> secrets = {"s", "8f742231b10e8888abcd99yyyzzz85a5",
                                            std::string(100, 'k')};
  for (const std::string& secret : secrets) {
    for (const std::string& body : bodies) {
      std::string sig = ComputeSignature(secret, "1700000000", body);
      EXPECT_EQ(sig, Reference(secret, "1700000000", body)) << body.substr(0, 40);
      EXPECT_EQ(sig.size(), 67u);
      EXPECT_TRUE(VerifyRequest(secret, "1700000000", sig, body, 1'700'000'000'000).ok());
    }
  }
}

// Slack's rule: more than five minutes from our clock, either way, is refused.
TEST(SlackSignatureTest, TimestampWindowEdges) {
  const std::string ts = "1700000000";
  const int64_t t_ms = 1'700'000'000'000;
  const std::string body = "{}";
  const std::string sig = ComputeSignature("secret", ts, body);
  auto at = [&](int64_t now_ms) { return VerifyRequest("secret", ts, sig, body, now_ms); };
  EXPECT_TRUE(at(t_ms).ok());
  EXPECT_TRUE(at(t_ms + 299'000).ok());
  EXPECT_TRUE(at(t_ms + 300'000).ok()) << "exactly five minutes is not more than five";
  EXPECT_EQ(at(t_ms + 300'001).reason(), "stale_timestamp");
  EXPECT_EQ(at(t_ms + 301'000).reason(), "stale_timestamp");
  EXPECT_TRUE(at(t_ms - 299'000).ok()) << "a sender clock slightly ahead";
  EXPECT_EQ(at(t_ms - 301'000).reason(), "stale_timestamp");
  EXPECT_EQ(at(t_ms + 301'000).code(), StatusCode::kPermissionDenied);
  // The window is configurable.
  EXPECT_TRUE(VerifyRequest("secret", ts, sig, body, t_ms + 59'000, std::chrono::seconds(60)).ok());
  EXPECT_FALSE(
      VerifyRequest("secret", ts, sig, body, t_ms + 61'000, std::chrono::seconds(60)).ok());
}

TEST(SlackSignatureTest, RefusesWithReasons) {
  const std::string ts = "1700000000";
  const int64_t now = 1'700'000'000'000;
  const std::string body = R"({"type":"event_callback"})";
  const std::string sig = ComputeSignature("secret", ts, body);
  auto reason = [&](std::string_view secret, std::string_view t, std::string_view s,
                    std::string_view b) { return VerifyRequest(secret, t, s, b, now).reason(); };

  EXPECT_EQ(reason("secret", "", sig, body), "missing_timestamp");
  EXPECT_EQ(reason("secret", "17000000x0", sig, body), "invalid_timestamp");
  EXPECT_EQ(reason("secret", "-1700000000", sig, body), "invalid_timestamp");
  EXPECT_EQ(reason("secret", "+1700000000", sig, body), "invalid_timestamp");
  EXPECT_EQ(reason("secret", "99999999999999999999", sig, body), "invalid_timestamp");
  EXPECT_EQ(reason("secret", ts, "", body), "missing_signature");
  EXPECT_EQ(reason("secret", ts, sig, body + " "), "invalid_signature") << "tampered body";
  EXPECT_EQ(reason("other", ts, sig, body), "invalid_signature") << "wrong secret";
  EXPECT_EQ(reason("", ts, sig, body), "invalid_signature") << "no secret configured";
  EXPECT_EQ(reason("secret", "1700000001", sig, body), "invalid_signature")
      << "the timestamp is signed: changing it breaks the signature";
  std::string flipped = sig;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_EQ(reason("secret", ts, flipped, body), "invalid_signature");
  EXPECT_EQ(reason("secret", ts, "v1=" + sig.substr(3), body), "invalid_signature");
  EXPECT_EQ(reason("secret", ts, sig.substr(0, 66), body), "invalid_signature");
  EXPECT_EQ(reason("secret", ts, sig + "0", body), "invalid_signature");
  EXPECT_EQ(reason("secret", ts, sig.substr(3), body), "invalid_signature") << "no v0= prefix";
}

TEST(SlackSignatureTest, ToleratesSpacesAndHexCase) {
  const std::string ts = "1700000000";
  const std::string sig = ComputeSignature("secret", ts, "body");
  std::string upper = sig;
  for (size_t i = 3; i < upper.size(); ++i) upper[i] = static_cast<char>(std::toupper(upper[i]));
  EXPECT_TRUE(
      VerifyRequest("secret", " " + ts + " ", " " + sig + "\t", "body", 1'700'000'000'000).ok());
  EXPECT_TRUE(VerifyRequest("secret", ts, upper, "body", 1'700'000'000'000).ok());
}

}  // namespace
}  // namespace madoguchi::slack
