#include "slack/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "slack/fake_slack_api.h"

namespace madoguchi::slack {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeSlackApi;

constexpr char kPath[] = "/api/chat.postMessage";

class SlackClientTest : public ::testing::Test {
 protected:
  SlackClientOptions Options() {
    SlackClientOptions o;
    o.api_base_url = api_.base_url();
    o.bot_token = "xoxb-test-token";
    o.max_attempts = 3;
    o.initial_backoff = milliseconds(10);
    o.connect_timeout = milliseconds(500);
    o.read_timeout = milliseconds(2000);
    // Record the waits instead of sleeping them.
    o.sleep = [this](milliseconds d) {
      std::lock_guard<std::mutex> lock(mu_);
      waits_.push_back(d);
      return true;
    };
    return o;
  }
  std::vector<milliseconds> Waits() {
    std::lock_guard<std::mutex> lock(mu_);
    return waits_;
  }
  static PostMessageRequest Request() {
    PostMessageRequest r;
    r.channel = "D0001";
    r.text = "答え";
    r.blocks =
        json::array({{{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", "答え"}}}}});
    r.thread_ts = "1700000000.000100";
    return r;
  }

  FakeSlackApi api_;
  std::mutex mu_;
  std::vector<milliseconds> waits_;
};

TEST_F(SlackClientTest, PostsAMessage) {
  SlackClient client(Options());
  auto posted = client.PostMessage(Request());
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(posted->channel, "D0001");
  EXPECT_FALSE(posted->ts.empty());

  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, kPath) << "the base URL's /api path is kept";
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer xoxb-test-token");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/json; charset=utf-8");
  json body = reqs[0].Json();
  EXPECT_EQ(body["channel"], "D0001");
  EXPECT_EQ(body["text"], "答え");
  EXPECT_EQ(body["blocks"][0]["type"], "section");
  EXPECT_EQ(body["thread_ts"], "1700000000.000100");
  EXPECT_EQ(body["unfurl_links"], false);
  EXPECT_EQ(body["unfurl_media"], false);
  EXPECT_TRUE(Waits().empty());
}

TEST_F(SlackClientTest, OptionalFieldsAreOmitted) {
  SlackClientOptions o = Options();
  o.api_base_url += "/";  // a trailing slash in the configuration is harmless
  SlackClient client(o);
  PostMessageRequest r;
  r.channel = "C1";
  r.text = "plain";
  ASSERT_TRUE(client.PostMessage(r).ok());
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, kPath);
  json body = reqs[0].Json();
  EXPECT_FALSE(body.contains("blocks"));
  EXPECT_FALSE(body.contains("thread_ts"));
}

TEST_F(SlackClientTest, RetriesServerErrorsWithBackoff) {
  api_.Script(kPath, {FakeSlackApi::ServerError(), FakeSlackApi::ServerError()});
  SlackClient client(Options());
  auto posted = client.PostMessage(Request());
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(api_.requests().size(), 3u);
  EXPECT_EQ(Waits(), (std::vector<milliseconds>{milliseconds(10), milliseconds(20)}));
}

TEST_F(SlackClientTest, GivesUpOnPersistentServerErrors) {
  api_.Script(kPath, {FakeSlackApi::ServerError(), FakeSlackApi::ServerError(),
                      FakeSlackApi::ServerError()});
  SlackClient client(Options());
  auto posted = client.PostMessage(Request());
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(posted.status().reason(), "slack_unavailable");
  EXPECT_EQ(api_.requests().size(), 3u);
}

TEST_F(SlackClientTest, HonoursRetryAfterOn429) {
  api_.Script(kPath, {FakeSlackApi::TooManyRequests("2")});
  SlackClient client(Options());
  auto posted = client.PostMessage(Request());
  ASSERT_TRUE(posted.ok()) << posted.status().ToString();
  EXPECT_EQ(api_.requests().size(), 2u);
  EXPECT_EQ(Waits(), std::vector<milliseconds>{milliseconds(2000)}) << "Retry-After, not backoff";
}

TEST_F(SlackClientTest, RetryAfterTooLongIsLeftToTheCaller) {
  api_.Script(kPath, {FakeSlackApi::TooManyRequests("120")});
  SlackClient client(Options());
  auto posted = client.PostMessage(Request());
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(posted.status().reason(), "rate_limited");
  EXPECT_NE(posted.status().message().find("120 s"), std::string::npos);
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_TRUE(Waits().empty());
}

TEST_F(SlackClientTest, LogicalErrorsAreTypedAndNotRetried) {
  struct Case {
    const char* error;
    StatusCode code;
  };
  const Case cases[] = {
      {"channel_not_found", StatusCode::kNotFound},
      {"not_in_channel", StatusCode::kFailedPrecondition},
      {"is_archived", StatusCode::kFailedPrecondition},
      {"invalid_auth", StatusCode::kPermissionDenied},
      {"token_revoked", StatusCode::kPermissionDenied},
      {"missing_scope", StatusCode::kPermissionDenied},
      {"msg_too_long", StatusCode::kInvalidArgument},
      {"invalid_blocks", StatusCode::kInvalidArgument},
      {"ratelimited", StatusCode::kResourceExhausted},
      {"internal_error", StatusCode::kUnavailable},
      {"something_new", StatusCode::kInternal},
  };
  SlackClient client(Options());
  for (const Case& c : cases) {
    size_t before = api_.requests().size();
    api_.Script(kPath, {FakeSlackApi::LogicalError(c.error)});
    auto posted = client.PostMessage(Request());
    ASSERT_FALSE(posted.ok()) << c.error;
    EXPECT_EQ(posted.status().code(), c.code) << c.error;
    EXPECT_EQ(posted.status().reason(), c.error) << "Slack's code, verbatim";
    EXPECT_EQ(api_.requests().size(), before + 1) << c.error << ": HTTP 200 is not retried";
  }
  EXPECT_TRUE(Waits().empty());
  EXPECT_EQ(SlackClient::ErrorStatus("restricted_action_read_only_channel").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(SlackClient::ErrorStatus("").reason(), "unknown_error");
}

TEST_F(SlackClientTest, HttpErrorsAndOddAnswers) {
  SlackClient client(Options());
  api_.Script(kPath, {{404, "not found", ""}});
  EXPECT_EQ(client.PostMessage(Request()).status().code(), StatusCode::kNotFound);
  api_.Script(kPath, {{401, "", ""}});
  EXPECT_EQ(client.PostMessage(Request()).status().code(), StatusCode::kPermissionDenied);
  api_.Script(kPath, {{200, "<html>proxy</html>", ""}});
  auto odd = client.PostMessage(Request());
  EXPECT_EQ(odd.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(api_.requests().size(), 3u);
}

TEST_F(SlackClientTest, UnreachableIsUnavailable) {
  SlackClientOptions o = Options();
  o.api_base_url = "http://127.0.0.1:1/api";  // nothing listens on port 1
  SlackClient client(o);
  auto posted = client.PostMessage(Request());
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(posted.status().reason(), "slack_unavailable");
  EXPECT_EQ(Waits().size(), 2u) << "retried like a 5xx";
}

TEST_F(SlackClientTest, AnInterruptedWaitAbandonsTheCall) {
  api_.Script(kPath, {FakeSlackApi::ServerError()});
  SlackClientOptions o = Options();
  o.sleep = [](milliseconds) { return false; };  // shutting down
  SlackClient client(o);
  auto posted = client.PostMessage(Request());
  ASSERT_FALSE(posted.ok());
  EXPECT_EQ(posted.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(posted.status().reason(), "interrupted");
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(SlackClientTest, ConcurrentCallsShareConnections) {
  SlackClient client(Options());
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) ok += client.PostMessage(Request()).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(api_.requests().size(), 40u);
}

}  // namespace
}  // namespace madoguchi::slack
