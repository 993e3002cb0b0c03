// The channels, staff API and operations routes as `madoguchi serve` wires them (cli::Service),
// end to end over loopback: signed LINE webhooks answered through a fake LINE API, LINE's
// account-link flow (link page → LINE link token → accountLink event), a signed Slack event
// answered through a fake Slack API, staff tokens kept apart from the API token, /metrics and
// the per-user limit.
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "integration/test_service.h"
#include "line/fake_line_api.h"
#include "line/signature.h"
#include "line/text_event.h"
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
    line::testing::TextEvent event{event_id, kUser, text, "", "1" + event_id.substr(1)};
    event.mode = mode;
    return event.Json();
  }
  static std::string Body(const json& event) { return line::testing::WebhookBody(event); }

  httplib::Result PostLine(const std::string& body, const std::string& secret = kLineSecret) {
    return line::testing::PostSigned(*client_, "/webhook/line/kagawa", secret, body);
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

  // The texts of the reply sent with `reply_token`, joined by newlines, once it arrives; ""
  // after 10 s without it.
  std::string WaitForReply(const std::string& reply_token) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      for (const auto& r : line_.requests_to("/v2/bot/message/reply")) {
        json sent = r.Json();
        if (sent.value("replyToken", "") != reply_token) continue;
        std::string texts;
        for (const json& m : sent["messages"]) texts += m.value("text", "") + "\n";
        return texts;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  // Sends 「アカウント連携」 as the LINE user and returns the page token of the link URL the bot
  // replies with.
  std::string AskForLinkOnLine(const std::string& event_id) {
    EXPECT_EQ(PostLine(Body(TextEvent(event_id, "アカウント連携")))->status, 200);
    std::string reply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reply.empty() && std::chrono::steady_clock::now() < deadline) {
      for (const auto& r : line_.requests_to("/v2/bot/message/reply")) {
        if (r.Json().value("replyToken", "") == "reply-token-" + event_id) reply = r.body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string prefix = service_->service().link_page_url() + "?token=";
    const size_t at = reply.find(prefix);
    EXPECT_NE(at, std::string::npos) << reply;
    if (at == std::string::npos) return "";
    const size_t begin = at + prefix.size();
    const size_t end = reply.find_first_not_of(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", begin);
    return reply.substr(begin, end - begin);
  }

  // Submits the link page's form.
  httplib::Result SubmitLinkForm(const std::string& token, const std::string& auth_code) {
    httplib::Params form = {{"token", token},
                            {"member_id", "K1001"},
                            {"birth_date", "1980-06-15"},
                            {"auth_code", auth_code}};
    return client_->Post("/link", form);
  }

  static json AccountLinkEvent(const std::string& event_id, const std::string& result,
                               const std::string& nonce, const std::string& user = kUser) {
    return {{"type", "accountLink"},
            {"mode", "active"},
            {"timestamp", 1747000000000},
            {"source", {{"type", "user"}, {"userId", user}}},
            {"webhookEventId", event_id},
            {"deliveryContext", {{"isRedelivery", false}}},
            {"replyToken", "reply-token-" + event_id},
            {"link", {{"result", result}, {"nonce", nonce}}}};
  }

  bool LinkedOnLine(const std::string& user = kUser) {
    auto member = service_->helpdesk().linker().LinkedMember({"line", user}, "kagawa");
    return member.ok() && member->has_value();
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

// LINE's account-link flow: the link page verifies but binds nothing; it sends the member to
// LINE's dialog with the link token LINE issued for that user and a nonce; LINE's accountLink
// event with that nonce binds the conversation, and live answers follow.
TEST_F(ChannelsTest, LineAccountLinkBindsWhenLinesEventBringsTheNonceBack) {
  Start();
  const std::string token = AskForLinkOnLine("L1");
  ASSERT_FALSE(token.empty());
  const std::string link_token_path = std::string("/v2/bot/user/") + kUser + "/linkToken";

  auto page = client_->Get("/link?token=" + token);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("会員番号"), std::string::npos);
  // Browsers hold the redirect after the form to the form page's form-action.
  EXPECT_NE(page->get_header_value("Content-Security-Policy")
                .find("form-action 'self' https://access.line.me;"),
            std::string::npos)
      << page->get_header_value("Content-Security-Policy");

  // Wrong details: the form again, and LINE is never asked.
  auto wrong = SubmitLinkForm(token, "DEMO-WRONG");
  ASSERT_TRUE(wrong);
  EXPECT_NE(wrong->status, 303);
  EXPECT_NE(wrong->body.find("確認できませんでした"), std::string::npos);
  EXPECT_TRUE(line_.requests_to(link_token_path).empty());

  auto verified = SubmitLinkForm(token, "DEMO-K1001");
  ASSERT_TRUE(verified);
  ASSERT_EQ(verified->status, 303) << verified->body;
  const std::string location = verified->get_header_value("Location");
  const std::string expected_prefix =
      "https://access.line.me/dialog/bot/accountLink?linkToken=NMZTNuVrPTqlr2IF8Bnymkb7rXfYv5EY"
      "&nonce=";
  ASSERT_EQ(location.rfind(expected_prefix, 0), 0u) << location;
  const std::string nonce = location.substr(expected_prefix.size());
  EXPECT_GE(nonce.size(), 22u);
  // The link token was asked for this user, with the channel's access token.
  auto issued = line_.requests_to(link_token_path);
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(issued[0].Header("Authorization"), "Bearer line-access-token");
  // Nothing bound yet, and the page token is used up.
  EXPECT_FALSE(LinkedOnLine());
  auto reused = SubmitLinkForm(token, "DEMO-K1001");
  ASSERT_TRUE(reused);
  EXPECT_NE(reused->status, 303);
  EXPECT_EQ(line_.requests_to(link_token_path).size(), 1u);

  // LINE reports the link: the member is told, and the conversation is bound.
  ASSERT_EQ(PostLine(Body(AccountLinkEvent("L2", "ok", nonce)))->status, 200);
  const std::string confirmed = WaitForReply("reply-token-L2");
  EXPECT_NE(confirmed.find("アカウント連携が完了しました。"), std::string::npos) << confirmed;
  EXPECT_TRUE(LinkedOnLine());

  ASSERT_EQ(PostLine(Body(TextEvent("L3", "残高を教えて")))->status, 200);
  const std::string balance = WaitForReply("reply-token-L3");
  EXPECT_NE(balance.find("650ポイント"), std::string::npos) << balance;

  // Unlinked, then the same nonce again (a replayed event): nothing is bound.
  ASSERT_EQ(PostLine(Body(TextEvent("L4", "連携解除")))->status, 200);
  EXPECT_NE(WaitForReply("reply-token-L4").find("解除しました"), std::string::npos);
  ASSERT_FALSE(LinkedOnLine());
  ASSERT_EQ(PostLine(Body(AccountLinkEvent("L5", "ok", nonce)))->status, 200);
  const std::string replayed = WaitForReply("reply-token-L5");
  EXPECT_NE(replayed.find("完了しませんでした"), std::string::npos) << replayed;
  EXPECT_FALSE(LinkedOnLine());
  ASSERT_EQ(PostLine(Body(TextEvent("L6", "残高を教えて")))->status, 200);
  const std::string unlinked = WaitForReply("reply-token-L6");
  EXPECT_EQ(unlinked.find("650ポイント"), std::string::npos) << unlinked;
}

TEST_F(ChannelsTest, LineAccountLinkFromAnotherUserOrFailedBindsNothing) {
  Start();
  const std::string other_user = "U99999999999999999999999999999999";
  auto nonce_of = [&](const std::string& event_id) {
    auto verified = SubmitLinkForm(AskForLinkOnLine(event_id), "DEMO-K1001");
    EXPECT_TRUE(verified && verified->status == 303);
    const std::string location = verified ? verified->get_header_value("Location") : "";
    return location.substr(location.find("&nonce=") + 7);
  };
  // Another LINE user brings the nonce: refused, neither is bound.
  ASSERT_EQ(PostLine(Body(AccountLinkEvent("M2", "ok", nonce_of("M1"), other_user)))->status, 200);
  EXPECT_NE(WaitForReply("reply-token-M2").find("完了しませんでした"), std::string::npos);
  EXPECT_FALSE(LinkedOnLine());
  EXPECT_FALSE(LinkedOnLine(other_user));
  // LINE reports a failure: nothing is bound, and the member hears how to try again.
  ASSERT_EQ(PostLine(Body(AccountLinkEvent("M4", "failed", nonce_of("M3"))))->status, 200);
  const std::string failed = WaitForReply("reply-token-M4");
  EXPECT_NE(failed.find("完了しませんでした"), std::string::npos) << failed;
  EXPECT_NE(failed.find("アカウント連携"), std::string::npos) << failed;
  EXPECT_FALSE(LinkedOnLine());
}

TEST_F(ChannelsTest, LineUnreachableForTheLinkTokenIsAPolitePageAndBindsNothing) {
  Start();
  const std::string token = AskForLinkOnLine("N1");
  // More failures than the client's retries: LINE is down.
  line_.Script("/v2/bot/user/", {FakeLineApi::ServerError(), FakeLineApi::ServerError(),
                                 FakeLineApi::ServerError(), FakeLineApi::ServerError()});
  auto down = SubmitLinkForm(token, "DEMO-K1001");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find("LINEとの連携を開始できません"), std::string::npos) << down->body;
  EXPECT_NE(down->body.find("<form"), std::string::npos);  // the member may try again
  EXPECT_TRUE(down->get_header_value("Location").empty());
  EXPECT_FALSE(LinkedOnLine());
  // LINE is back: the same page token still works.
  auto again = SubmitLinkForm(token, "DEMO-K1001");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 303) << again->body;
  EXPECT_FALSE(LinkedOnLine());
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

// LINE, Slack and the generic API each add their replies to the day's outcome counts, which
// agree with /metrics (no /api/v1/ask here: that one is counted by /metrics only).
TEST_F(ChannelsTest, EveryChannelsRepliesAreCountedPerDayAsMetricsCountThem) {
  Start();
  ASSERT_EQ(PostLine(Body(TextEvent("E20", "ポイントの有効期限は？")))->status, 200);
  ASSERT_TRUE(line_.WaitForRequests(1));
  const std::string body =
      slack::testing::Callback(slack::testing::DirectMessage("U0MEMBER", "パスワード忘れた"),
                               "EvS20")
          .dump();
  const std::string ts = std::to_string(std::time(nullptr));
  httplib::Headers h = {{"X-Slack-Signature", slack::ComputeSignature(kSlackSecret, ts, body)},
                        {"X-Slack-Request-Timestamp", ts}};
  ASSERT_EQ(client_->Post("/webhook/slack", h, body, "application/json")->status, 200);
  ASSERT_TRUE(slack_.WaitForRequests(1));
  json message = {
      {"channel_user", "widget"}, {"program", "kagawa"}, {"text", "駐車場はありますか"}};
  ASSERT_EQ(client_
                ->Post("/api/v1/messages", {{"Authorization", std::string("Bearer ") + kApiToken}},
                       message.dump(), "application/json")
                ->status,
            200);

  auto feedback = Get("/api/v1/staff/feedback?program=kagawa", kStaffToken);
  ASSERT_TRUE(feedback);
  ASSERT_EQ(feedback->status, 200) << feedback->body;
  std::map<std::string, int> counted;
  const json summary = json::parse(feedback->body);
  for (const json& d : summary["outcomes_by_day"]) {
    for (const char* outcome : {"answer", "clarify", "fallback"}) {
      counted[outcome] += d[outcome].get<int>();
    }
  }
  EXPECT_GE(counted["answer"], 2) << feedback->body;  // LINE's and Slack's answers
  EXPECT_GE(counted["fallback"], 1) << feedback->body;
  // /metrics counts each channel's replies on its own path: equal counts mean none was missed.
  const std::string metrics = client_->Get("/metrics")->body;
  for (const auto& [outcome, n] : counted) {
    const std::string series =
        "madoguchi_outcomes_total{outcome=\"" + outcome + "\"} " + std::to_string(n) + "\n";
    EXPECT_NE(metrics.find(series), std::string::npos) << series << metrics;
  }
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
