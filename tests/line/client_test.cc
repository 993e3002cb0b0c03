#include "line/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "line/fake_line_api.h"

namespace madoguchi::line {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeLineApi;

const std::vector<json> kHello = {{{"type", "text"}, {"text", "こんにちは"}}};

class ClientTest : public ::testing::Test {
 protected:
  // A client of the fake whose waits are recorded, not slept.
  LineClient& Client(int max_attempts = 4) {
    LineClientOptions o;
    o.api_base_url = api_.base_url();
    o.access_token = "test-access-token";
    o.max_attempts = max_attempts;
    o.initial_backoff = milliseconds(100);
    o.max_backoff = milliseconds(300);
    o.max_retry_after = milliseconds(5000);
    o.connect_timeout = milliseconds(500);
    o.read_timeout = milliseconds(2000);
    o.sleep = [this](milliseconds d) {
      std::lock_guard<std::mutex> lock(mu_);
      waits_.push_back(d.count());
      return !interrupt_;
    };
    client_ = std::make_unique<LineClient>(o);
    return *client_;
  }
  std::vector<int64_t> waits() {
    std::lock_guard<std::mutex> lock(mu_);
    return waits_;
  }

  FakeLineApi api_;
  std::unique_ptr<LineClient> client_;
  std::mutex mu_;
  std::vector<int64_t> waits_;
  bool interrupt_ = false;
};

TEST_F(ClientTest, ReplySendsTokenMessagesAndBearer) {
  ASSERT_TRUE(Client().Reply("reply-token-1", kHello).ok());
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/reply");
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer test-access-token");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json");
  EXPECT_EQ(reqs[0].Header("X-Line-Retry-Key"), "") << "the reply API takes no retry key";
  EXPECT_EQ(reqs[0].Json(), json::parse(R"({"replyToken":"reply-token-1",
      "messages":[{"type":"text","text":"こんにちは"}]})"));
  EXPECT_TRUE(waits().empty());
}

TEST_F(ClientTest, PushCarriesTheRetryKey) {
  std::string key = LineClient::RetryKeyFor("line/main/01G2");
  ASSERT_TRUE(Client().Push("U206d25c2ea6bd87c17655609a1c37cb8", kHello, key).ok());
  auto reqs = api_.requests_to("/v2/bot/message/push");
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Header("X-Line-Retry-Key"), key);
  EXPECT_EQ(reqs[0].Json()["to"], "U206d25c2ea6bd87c17655609a1c37cb8");
  EXPECT_EQ(reqs[0].Json()["messages"], json(kHello));
}

TEST_F(ClientTest, RetryKeysAreStableUuids) {
  std::string a = LineClient::RetryKeyFor("line/main/ev1");
  EXPECT_EQ(a, LineClient::RetryKeyFor("line/main/ev1"));
  EXPECT_NE(a, LineClient::RetryKeyFor("line/main/ev2"));
  EXPECT_TRUE(std::regex_match(
      a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << a;
}

TEST_F(ClientTest, RetriesServerErrorsWithExponentialBackoff) {
  api_.Script("/v2/bot/message/reply",
              {FakeLineApi::ServerError(), {502, "{}", ""}, FakeLineApi::ServerError()});
  ASSERT_TRUE(Client().Reply("t", kHello).ok());
  EXPECT_EQ(api_.requests().size(), 4u);
  EXPECT_EQ(waits(), (std::vector<int64_t>{100, 200, 300})) << "doubling, capped at 300";
}

TEST_F(ClientTest, GivesUpAfterMaxAttempts) {
  api_.Script("/v2/bot/message/push",
              std::vector<FakeLineApi::Answer>(5, FakeLineApi::ServerError()));
  Status s = Client(3).Push("U1", kHello);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.reason(), "line_unavailable");
  EXPECT_EQ(api_.requests().size(), 3u);
  EXPECT_EQ(waits().size(), 2u);
}

TEST_F(ClientTest, HonoursRetryAfterOn429) {
  api_.Script("/v2/bot/message/push",
              {FakeLineApi::TooManyRequests("2"), FakeLineApi::TooManyRequests()});
  ASSERT_TRUE(Client().Push("U1", kHello).ok());
  EXPECT_EQ(api_.requests().size(), 3u);
  // Retry-After: 2 → 2 s; then no header → the backoff, which doubled meanwhile.
  EXPECT_EQ(waits(), (std::vector<int64_t>{2000, 200}));
}

TEST_F(ClientTest, RetryAfterBeyondTheLimitIsLeftToTheCaller) {
  api_.Script("/v2/bot/message/push", {FakeLineApi::TooManyRequests("3600")});
  Status s = Client().Push("U1", kHello);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.reason(), "rate_limited");
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_TRUE(waits().empty());
}

TEST_F(ClientTest, PersistentRateLimitIsResourceExhausted) {
  api_.Script("/v2/bot/message/reply",
              std::vector<FakeLineApi::Answer>(4, FakeLineApi::TooManyRequests("0")));
  Status s = Client().Reply("t", kHello);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(waits(), (std::vector<int64_t>{0, 0, 0}));
}

TEST_F(ClientTest, InvalidReplyTokenIsTypedAndNotRetried) {
  api_.Script("/v2/bot/message/reply", {FakeLineApi::InvalidReplyToken()});
  Status s = Client().Reply("expired", kHello);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "reply_token_invalid");
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(Client().Reply("", kHello).reason(), "reply_token_invalid") << "no token, no call";
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(ClientTest, ATokenUsedByAnUnansweredEarlierTryIsTypedAsUsed) {
  api_.EmulateDedupe(true);
  // LINE takes the first try but its answer is lost; the retry finds the token used.
  api_.Script("/v2/bot/message/reply", {FakeLineApi::LostAnswer()});
  Status s = Client().Reply("token-1", kHello);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "reply_token_used");
  EXPECT_EQ(api_.requests().size(), 2u);
  EXPECT_EQ(api_.delivered().size(), 1u);
  // Refused after a 429, which LINE did not act on, the token is merely invalid.
  api_.Script("/v2/bot/message/reply",
              {FakeLineApi::TooManyRequests(), FakeLineApi::InvalidReplyToken()});
  EXPECT_EQ(Client().Reply("token-2", kHello).reason(), "reply_token_invalid");
}

TEST_F(ClientTest, OtherRefusalsAreFinal) {
  api_.Script("/v2/bot/message/push",
              {{400, R"j({"message":"The request body has 1 error(s)","details":[]})j", ""},
               {401, R"({"message":"Authentication failed"})", ""},
               {403, R"({"message":"Not allowed"})", ""},
               {409, R"({"message":"The retry key is already accepted"})", ""}});
  Status bad = Client().Push("U1", kHello);
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("1 error(s)"), std::string::npos);
  EXPECT_EQ(Client().Push("U1", kHello).reason(), "unauthorized");
  EXPECT_EQ(Client().Push("U1", kHello).reason(), "forbidden");
  // 409 to a push with a retry key: an earlier try went through.
  EXPECT_TRUE(Client().Push("U1", kHello, LineClient::RetryKeyFor("x")).ok());
  EXPECT_EQ(api_.requests().size(), 4u);
  EXPECT_TRUE(waits().empty());
}

TEST_F(ClientTest, IssuesLinkTokens) {
  auto token = Client().IssueLinkToken("U206d25c2ea6bd87c17655609a1c37cb8");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(*token, "NMZTNuVrPTqlr2IF8Bnymkb7rXfYv5EY");
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/user/U206d25c2ea6bd87c17655609a1c37cb8/linkToken");
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer test-access-token");
  EXPECT_TRUE(reqs[0].body.empty());

  EXPECT_EQ(Client().IssueLinkToken("../../v2/bot/message/push").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Client().IssueLinkToken("").status().code(), StatusCode::kInvalidArgument);
  api_.Script("/v2/bot/user/", {{404, R"({"message":"Not found"})", ""}, {200, "{}", ""}});
  EXPECT_EQ(Client().IssueLinkToken("Uunknown").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Client().IssueLinkToken("Ubroken").status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(api_.requests().size(), 3u);
}

TEST_F(ClientTest, UnreachableServerIsUnavailable) {
  LineClientOptions o;
  o.api_base_url = "http://127.0.0.1:1";  // nothing listens there
  o.access_token = "t";
  o.max_attempts = 2;
  o.connect_timeout = milliseconds(300);
  int waits = 0;
  o.sleep = [&](milliseconds) { return ++waits > 0; };
  LineClient client(o);
  Status s = client.Push("U1", kHello);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.reason(), "line_unavailable");
  EXPECT_EQ(waits, 1);
}

TEST_F(ClientTest, AnInterruptedWaitAbandonsTheCall) {
  interrupt_ = true;
  api_.Script("/v2/bot/message/push", {FakeLineApi::ServerError()});
  Status s = Client().Push("U1", kHello);
  EXPECT_EQ(s.reason(), "interrupted");
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(ClientTest, RealWaitsAreHonoured) {
  // Not injected this time: the fake sees the requests that far apart.
  LineClientOptions o;
  o.api_base_url = api_.base_url() + "/";
  o.access_token = "t";
  o.initial_backoff = milliseconds(150);
  LineClient client(o);
  api_.Script("/v2/bot/message/push",
              {FakeLineApi::ServerError(), FakeLineApi::TooManyRequests("1")});
  ASSERT_TRUE(client.Push("U1", kHello).ok());
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_GE(reqs[1].at - reqs[0].at, milliseconds(150));
  EXPECT_GE(reqs[2].at - reqs[1].at, milliseconds(1000)) << "Retry-After: 1";
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/push") << "a trailing slash in the base URL is fine";
}

TEST_F(ClientTest, ManyThreadsShareOneClient) {
  LineClient& client = Client();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) ok += client.Push("U1", kHello).ok();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(api_.requests().size(), 80u);
}

}  // namespace
}  // namespace madoguchi::line
