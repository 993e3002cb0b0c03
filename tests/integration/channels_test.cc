// The channels, staff API and operations routes as `madoguchi serve` wires them (cli::Service),
// end to end over loopback: signed LINE webhooks answered through a fake LINE API, a signed
// Slack event answered through a fake Slack API, staff tokens kept apart from the API token,
// /metrics and the per-user limit.
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "integration/test_service.h"
#include "line/fake_line_api.h"
#include "line/signature.h"
#include "slack/fake_slack_api.h"
#include "slack/signature.h"
#include "slack/test_bodies.h"

namespace madoguchi::testing {
namespace {

using line::testing::FakeLineApi;
using nlohmann::json;
using slack::testing::FakeSlackApi;

const Date kToday = *ParseIsoDate("2026-05-15");
constexpr char kLineSecret[] = "integration-line-channel-secret";
constexpr char kSlackSecret[] = "integration-slack-signing-secret";
constexpr char kApiToken[] = "integration-api-token-0123456789";
constexpr char kStaffToken[] = "integration-staff-token-0123456789";
constexpr char kUser[] = "U0123456789abcdef0123456789abcdef";

class ChannelsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MADOGUCHI_TEST_LINE_SECRET", kLineSecret, 1);
    setenv("MADOGUCHI_TEST_LINE_TOKEN", "line-access-token", 1);
    setenv("MADOGUCHI_TEST_SLACK_SECRET", kSlackSecret, 1);
    setenv("MADOGUCHI_TEST_SLACK_TOKEN", "xoxb-test", 1);
  }

  void Start(double burst = 100000) {
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this, burst](cli::ServiceOptions& so) {
      so.config.line_channels.push_back({"kagawa", "kagawa", "MADOGUCHI_TEST_LINE_SECRET",
                                         "MADOGUCHI_TEST_LINE_TOKEN", line_.base_url()});
      so.config.slack.signing_secret_env = "MADOGUCHI_TEST_SLACK_SECRET";
      so.config.slack.api_base_url = slack_.base_url();
      so.config.slack.workspaces.push_back({"T0001", "MADOGUCHI_TEST_SLACK_TOKEN", "kagawa", {}});
      so.config.rate_limit.burst = burst;
      so.config.rate_limit.per_minute = 1;
      so.staff_token = kStaffToken;
      // Retries come due quickly, so 429/5xx paths finish within the test.
      so.line_worker.idle_poll = std::chrono::milliseconds(50);
      so.line_worker.retry_initial = std::chrono::milliseconds(100);
      so.line_worker.client.initial_backoff = std::chrono::milliseconds(10);
      so.slack_worker.idle_poll = std::chrono::milliseconds(50);
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }

  static json TextEvent(const std::string& event_id, const std::string& text,
                        const std::string& mode = "active") {
    return {{"type", "message"},
            {"mode", mode},
            {"timestamp", 1747000000000},
            {"source", {{"type", "user"}, {"userId", kUser}}},
            {"webhookEventId", event_id},
            {"deliveryContext", {{"isRedelivery", false}}},
            {"replyToken", "reply-token-" + event_id},
            {"message", {{"id", "1" + event_id.substr(1)}, {"type", "text"}, {"text", text}}}};
  }
  static std::string Body(const json& event) {
    return json{{"destination", "Uab012345678901234567890123456789"}, {"events", {event}}}.dump();
  }

  httplib::Result PostLine(const std::string& body, const std::string& secret = kLineSecret) {
    httplib::Headers h = {{"X-Line-Signature", line::ComputeSignature(secret, body)}};
    return client_->Post("/webhook/line/kagawa", h, body, "application/json");
  }

  httplib::Result Get(const std::string& path, const std::string& token) {
    return client_->Get(path.c_str(), {{"Authorization", "Bearer " + token}});
  }

  std::string AskText(const std::string& text) {
    json body = {{"program", "kagawa"}, {"text", text}};
    auto r = client_->Post("/api/v1/ask", {{"Authorization", std::string("Bearer ") + kApiToken}},
                           body.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body).value("text", "") : "";
  }

  FakeLineApi line_;
  FakeSlackApi slack_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ChannelsTest, SignedTextIsAcknowledgedAndAnsweredWithTheConversationsAnswer) {
  Start();
  const std::string question = "ポイントの有効期限は？";
  const auto t0 = std::chrono::steady_clock::now();
  auto r = PostLine(Body(TextEvent("E1", question)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  ASSERT_TRUE(line_.WaitForRequests(1));
  auto replies = line_.requests_to("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 1u);
  json sent = replies[0].Json();
  EXPECT_EQ(sent["replyToken"], "reply-token-E1");
  EXPECT_EQ(replies[0].Header("Authorization"), "Bearer line-access-token");
  const std::string answer = AskText(question);
  ASSERT_FALSE(answer.empty());
  // A first contact is greeted before the answer: the answer is the last message.
  ASSERT_FALSE(sent["messages"].empty());
  EXPECT_EQ(sent["messages"].back()["text"], answer) << sent.dump();
}

TEST_F(ChannelsTest, BadSignatureIs401AndNothingIsSent) {
  Start();
  auto r = PostLine(Body(TextEvent("E2", "こんにちは")), "not-the-secret");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  auto unknown =
      client_->Post("/webhook/line/nosuch", Body(TextEvent("E2", "x")), "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(line_.requests().empty());
}

TEST_F(ChannelsTest, RedeliveredEventIsAnsweredOnce) {
  Start();
  const std::string body = Body(TextEvent("E3", "パスワード忘れた"));
  auto first = PostLine(body);
  json again = TextEvent("E3", "パスワード忘れた");
  again["deliveryContext"]["isRedelivery"] = true;
  auto second = PostLine(Body(again));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(line_.requests().size(), 1u);
}

TEST_F(ChannelsTest, StandbyIsNotAnswered) {
  Start();
  ASSERT_EQ(PostLine(Body(TextEvent("E4", "こんにちは", "standby")))->status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_EQ(PostLine(Body(TextEvent("E5", "こんにちは")))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto all = line_.requests();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].Json()["replyToken"], "reply-token-E5");
}

TEST_F(ChannelsTest, InvalidReplyTokenFallsBackToPush) {
  Start();
  line_.Script("/v2/bot/message/reply", {FakeLineApi::InvalidReplyToken()});
  ASSERT_EQ(PostLine(Body(TextEvent("E6", "ポイントの有効期限は？")))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(2));
  auto pushes = line_.requests_to("/v2/bot/message/push");
  ASSERT_EQ(pushes.size(), 1u);
  EXPECT_EQ(pushes[0].Json()["to"], kUser);
  EXPECT_FALSE(pushes[0].Header("X-Line-Retry-Key").empty());
}

TEST_F(ChannelsTest, RateLimitedThenSucceeds) {
  Start();
  line_.Script("/v2/bot/message/reply", {FakeLineApi::TooManyRequests("1")});
  ASSERT_EQ(PostLine(Body(TextEvent("E7", "ポイントの有効期限は？")))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(2));
  auto replies = line_.requests_to("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_GE(replies[1].at - replies[0].at, std::chrono::milliseconds(900));
  EXPECT_TRUE(line_.requests_to("/v2/bot/message/push").empty());
}

TEST_F(ChannelsTest, FollowIsWelcomed) {
  Start();
  json follow = {{"type", "follow"},
                 {"mode", "active"},
                 {"timestamp", 1747000000000},
                 {"source", {{"type", "user"}, {"userId", kUser}}},
                 {"webhookEventId", "E8"},
                 {"deliveryContext", {{"isRedelivery", false}}},
                 {"replyToken", "reply-token-E8"},
                 {"follow", {{"isUnblocked", false}}}};
  ASSERT_EQ(PostLine(Body(follow))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(1));
  json sent = line_.requests_to("/v2/bot/message/reply").at(0).Json();
  ASSERT_FALSE(sent["messages"].empty());
  EXPECT_FALSE(sent["messages"][0]["text"].get<std::string>().empty());
}

TEST_F(ChannelsTest, SlackSignedMessageIsPosted) {
  Start();
  const std::string body =
      slack::testing::Callback(slack::testing::DirectMessage("U0MEMBER", "パスワード忘れた"),
                               "EvS1")
          .dump();
  const std::string ts = std::to_string(std::time(nullptr));
  httplib::Headers h = {{"X-Slack-Signature", slack::ComputeSignature(kSlackSecret, ts, body)},
                        {"X-Slack-Request-Timestamp", ts}};
  auto r = client_->Post("/webhook/slack", h, body, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  ASSERT_TRUE(slack_.WaitForRequests(1));
  auto posted = slack_.requests();
  EXPECT_EQ(posted[0].path, "/api/chat.postMessage");
  EXPECT_EQ(json::parse(posted[0].body)["channel"], "D0001");

  httplib::Headers bad = {{"X-Slack-Signature", "v0=00"}, {"X-Slack-Request-Timestamp", ts}};
  auto refused = client_->Post("/webhook/slack", bad, body, "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
}

TEST_F(ChannelsTest, StaffTokensAndApiTokenAreKeptApart) {
  Start();
  const std::string search =
      "/api/v1/search?program=kagawa&q=%E3%83%9D%E3%82%A4%E3%83%B3%E3%83%88&limit=3";
  auto staff = Get(search, kStaffToken);
  ASSERT_TRUE(staff);
  EXPECT_EQ(staff->status, 200);
  EXPECT_FALSE(json::parse(staff->body)["results"].empty());
  auto with_api_token = Get(search, kApiToken);
  ASSERT_TRUE(with_api_token);
  EXPECT_EQ(with_api_token->status, 401);
  EXPECT_EQ(Get("/api/v1/staff/unanswered?program=kagawa", kStaffToken)->status, 200);
  EXPECT_EQ(Get("/api/v1/staff/feedback?program=kagawa", kStaffToken)->status, 200);
  EXPECT_EQ(Get("/api/v1/staff/feedback?program=kagawa", kApiToken)->status, 401);
  // And the other way: a staff token does not open the member API.
  auto ask = client_->Post("/api/v1/ask", {{"Authorization", std::string("Bearer ") + kStaffToken}},
                           R"({"program":"kagawa","text":"x"})", "application/json");
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->status, 401);
  auto page = client_->Get("/staff");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
}

TEST_F(ChannelsTest, MetricsCountRequestsByRouteAndOutcomes) {
  Start();
  AskText("ポイントの有効期限は？");
  ASSERT_EQ(PostLine(Body(TextEvent("E9", "ポイントの有効期限は？")))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(1));
  auto ready = client_->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  auto m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  const std::string& text = m->body;
  EXPECT_NE(text.find(R"(madoguchi_http_requests_total{route="/api/v1/ask",status="200"} 1)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(route="/webhook/line/{channel}",status="200")"), std::string::npos);
  EXPECT_NE(text.find("madoguchi_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(text.find("madoguchi_outcomes_total"), std::string::npos);
  EXPECT_NE(text.find("madoguchi_inbox_depth"), std::string::npos);
}

TEST_F(ChannelsTest, MessagesArePerUserRateLimited) {
  Start(/*burst=*/2);
  auto post = [&](const std::string& user) {
    json body = {{"channel_user", user}, {"program", "kagawa"}, {"text", "こんにちは"}};
    return client_->Post("/api/v1/messages",
                         {{"Authorization", std::string("Bearer ") + kApiToken}}, body.dump(),
                         "application/json");
  };
  EXPECT_EQ(post("alice")->status, 200);
  EXPECT_EQ(post("alice")->status, 200);
  auto limited = post("alice");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_NE(limited->body.find("メッセージが多すぎます"), std::string::npos);
  EXPECT_EQ(post("bob")->status, 200);  // others are not affected
}

TEST(ChannelsConfigTest, MissingSecretVariableRefusesToStart) {
  unsetenv("MADOGUCHI_TEST_UNSET_SECRET");
  TestServiceOptions o{kToday, PointsMode::kEmbedded, "", {}};
  o.configure = [](cli::ServiceOptions& so) {
    so.config.line_channels.push_back(
        {"kagawa", "kagawa", "MADOGUCHI_TEST_UNSET_SECRET", "MADOGUCHI_TEST_UNSET_SECRET", ""});
  };
  StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("$MADOGUCHI_TEST_UNSET_SECRET"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::testing
