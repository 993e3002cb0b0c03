#include "slack/handler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "slack/queued_event.h"
#include "slack/signature.h"
#include "slack/test_bodies.h"
#include "store/sqlite_inbox.h"

namespace madoguchi::slack {
namespace {

using nlohmann::json;
using testing::ActionsForm;
using testing::Callback;
using testing::DirectMessage;
using testing::Mention;

constexpr char kSecret[] = "handler_test_signing_secret";
constexpr int64_t kNowMs = 1'700'000'000'000;
constexpr char kNowTs[] = "1700000000";

class SlackHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "slack_handler_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
            std::to_string(getpid()) + ".db";
    RemoveFiles();
    auto inbox = store::SqliteInbox::Open(path_, {}, [this] { return now_.load(); });
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    inbox_ = std::move(inbox).value();
    app_.signing_secret = kSecret;
    app_.workspaces = {{"T0001", "xoxb-1", "kagawa", {}}};
    SlackEventsOptions options;
    options.now_ms = [this] { return now_.load(); };
    options.on_enqueued = [this] { ++notified_; };
    options.max_body_bytes = 64 * 1024;
    handler_ = std::make_unique<SlackEventsHandler>(inbox_.get(), app_, options);
  }
  void TearDown() override {
    handler_.reset();
    inbox_.reset();
    RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  // Signed as Slack signs it, `age_s` seconds before now.
  SlackRequestHeaders Signed(const std::string& body, int64_t age_s = 0,
                             const std::string& content_type = "application/json") {
    std::string ts = std::to_string(kNowMs / 1000 - age_s);
    return {ComputeSignature(kSecret, ts, body), ts, "", content_type};
  }
  SlackResponse Post(const std::string& body, const std::string& retry_num = "") {
    SlackRequestHeaders h = Signed(body);
    h.retry_num = retry_num;
    return handler_->Handle(body, h);
  }
  int64_t Depth() { return *inbox_->Depth(kInboxChannel); }

  std::string path_;
  std::atomic<int64_t> now_{kNowMs};
  std::atomic<int> notified_{0};
  SlackApp app_;
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<SlackEventsHandler> handler_;
};

TEST_F(SlackHandlerTest, UrlVerificationEchoesTheChallenge) {
  std::string body = R"({"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl",)"
                     R"("challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",)"
                     R"("type":"url_verification"})";
  SlackResponse r = Post(body);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(json::parse(r.body)["challenge"],
            "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  EXPECT_EQ(r.event_type, "url_verification");
  EXPECT_EQ(Depth(), 0);
}

TEST_F(SlackHandlerTest, UrlVerificationMustBeSignedToo) {
  std::string body = R"({"challenge":"c","type":"url_verification"})";
  SlackResponse r = handler_->Handle(body, {"v0=00", kNowTs, "", "application/json"});
  EXPECT_EQ(r.http_status, 401);
}

TEST_F(SlackHandlerTest, MessageIsEnqueued) {
  SlackResponse r = Post(Callback(DirectMessage("U1", "有効期限は？"), "Ev100").dump());
  EXPECT_EQ(r.http_status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(r.enqueued, 1);
  EXPECT_EQ(r.duplicates, 0);
  EXPECT_EQ(r.event_type, "message");
  EXPECT_FALSE(r.retry);
  EXPECT_EQ(notified_.load(), 1);

  auto claimed = inbox_->Claim(10, kInboxChannel);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  const store::InboxEvent& e = (*claimed)[0];
  EXPECT_EQ(e.channel, "slack");
  EXPECT_EQ(e.event_id, "T0001/Ev100");
  EXPECT_EQ(e.ordering_key, "slack:T0001:U1");
  EXPECT_EQ(e.received_at_ms, kNowMs);
  auto in = DecodeQueuedEvent(e.payload);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->kind, InboundKind::kMessage);
  EXPECT_EQ(in->text, "有効期限は？");
  EXPECT_EQ(in->channel_id, "D0001");
}

TEST_F(SlackHandlerTest, AFullInboxIs503AndEnqueuesNothing) {
  // The service's store::InboxAdmission says whether there is room.
  bool room = false;
  SlackEventsOptions options;
  options.now_ms = [this] { return now_.load(); };
  options.admit = [&room] { return room; };
  handler_ = std::make_unique<SlackEventsHandler>(inbox_.get(), app_, options);
  const std::string body = Callback(DirectMessage("U1", "有効期限は？"), "Ev300").dump();
  SlackResponse refused = Post(body);
  EXPECT_EQ(refused.http_status, 503);
  EXPECT_EQ(refused.error, "inbox_full");
  EXPECT_EQ(Depth(), 0);
  // Nothing to enqueue, nothing to refuse: Slack's URL check still answers.
  SlackResponse check = Post(R"({"type":"url_verification","challenge":"c1","token":"t"})");
  EXPECT_EQ(check.http_status, 200);

  room = true;
  EXPECT_EQ(Post(body, "1").http_status, 200) << "Slack's retry";
  EXPECT_EQ(Depth(), 1);
}

TEST_F(SlackHandlerTest, RetriedEventIsStoredOnce) {
  std::string body = Callback(DirectMessage("U1", "交換したい"), "Ev200").dump();
  SlackResponse first = Post(body);
  EXPECT_EQ(first.enqueued, 1);
  // Slack did not see our 200 in time and redelivers, with the same event_id.
  for (const char* retry : {"1", "2", "3"}) {
    SlackResponse again = Post(body, retry);
    EXPECT_EQ(again.http_status, 200);
    EXPECT_TRUE(again.retry);
    EXPECT_EQ(again.enqueued, 0);
    EXPECT_EQ(again.duplicates, 1);
  }
  EXPECT_EQ(Depth(), 1);
  EXPECT_EQ(notified_.load(), 1) << "a duplicate does not wake the worker";
  // A redelivery may come as a new body (event_time etc. changed): the event id still decides.
  json changed = Callback(DirectMessage("U1", "交換したい"), "Ev200");
  changed["event_time"] = 1700000099;
  EXPECT_EQ(Post(changed.dump(), "1").duplicates, 1);
  EXPECT_EQ(Depth(), 1);
}

TEST_F(SlackHandlerTest, SignatureFailuresAre401AndChangeNothing) {
  std::string body = Callback(DirectMessage("U1", "hi")).dump();
  SlackRequestHeaders good = Signed(body);

  SlackRequestHeaders bad = good;
  bad.signature[10] = bad.signature[10] == 'a' ? 'b' : 'a';
  SlackResponse r = handler_->Handle(body, bad);
  EXPECT_EQ(r.http_status, 401);
  EXPECT_EQ(r.error, "invalid_signature");
  EXPECT_EQ(json::parse(r.body)["error"], "invalid_signature");

  EXPECT_EQ(handler_->Handle(body + " ", good).error, "invalid_signature") << "tampered";
  EXPECT_EQ(handler_->Handle(body, {"", good.timestamp, "", ""}).error, "missing_signature");
  EXPECT_EQ(handler_->Handle(body, {good.signature, "", "", ""}).error, "missing_timestamp");
  EXPECT_EQ(handler_->Handle(body, {good.signature, "abc", "", ""}).error, "invalid_timestamp");
  EXPECT_EQ(Depth(), 0);
  EXPECT_EQ(notified_.load(), 0);
}

TEST_F(SlackHandlerTest, TimestampWindow) {
  std::string body = Callback(DirectMessage("U1", "hi"), "EvWindow").dump();
  SlackResponse ok = handler_->Handle(body, Signed(body, 299));
  EXPECT_EQ(ok.http_status, 200);
  SlackResponse late = handler_->Handle(body, Signed(body, 301));
  EXPECT_EQ(late.http_status, 401);
  EXPECT_EQ(late.error, "stale_timestamp");
  SlackResponse early = handler_->Handle(body, Signed(body, -301));
  EXPECT_EQ(early.http_status, 401) << "a timestamp from the future is refused too";
}

TEST_F(SlackHandlerTest, MalformedSignedBodiesAre400) {
  for (std::string body : {std::string("not json"), std::string("[]"),
                           std::string(R"({"type":"event_callback"})"), std::string("{}")}) {
    SlackResponse r = Post(body);
    EXPECT_EQ(r.http_status, 400) << body;
    EXPECT_EQ(r.error, "invalid_body");
  }
  std::string form = "payload=%7Bbroken";
  SlackResponse r = handler_->Handle(form, Signed(form, 0, "application/x-www-form-urlencoded"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(Depth(), 0);
}

TEST_F(SlackHandlerTest, OversizedBodyIs413BeforeAnythingElse) {
  std::string body(64 * 1024 + 1, 'x');
  EXPECT_EQ(handler_->Handle(body, {"", "", "", ""}).http_status, 413) << "even unsigned";
  SlackResponse r = handler_->Handle(body, Signed(body));
  EXPECT_EQ(r.http_status, 413);
  EXPECT_EQ(r.error, "body_too_large");
  std::string fits(64 * 1024, ' ');
  EXPECT_EQ(handler_->Handle(fits, Signed(fits)).http_status, 400) << "at the limit: parsed";
}

TEST_F(SlackHandlerTest, BotMessagesAreAcknowledgedAndIgnored) {
  json event = DirectMessage("U9", "I am a bot");
  event["bot_id"] = "B1";
  event["subtype"] = "bot_message";
  SlackResponse r = Post(Callback(event, "EvBot").dump());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.enqueued, 0);
  EXPECT_EQ(r.ignored, "bot");
  json edited = DirectMessage("U1", "edited");
  edited["subtype"] = "message_changed";
  r = Post(Callback(edited, "EvEdit").dump());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.ignored, "subtype:message_changed");
  EXPECT_EQ(Depth(), 0);
}

TEST_F(SlackHandlerTest, UnknownEventTypesAre200WithNothingEnqueued) {
  SlackResponse r = Post(Callback({{"type", "reaction_added"}, {"user", "U1"}}).dump());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.enqueued, 0);
  EXPECT_EQ(r.ignored, "unsupported:reaction_added");
  r = Post(R"({"type":"app_rate_limited","team_id":"T0001","minute_rate_limited":1518467820})");
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(Depth(), 0);
}

TEST_F(SlackHandlerTest, ButtonTapBecomesAPostback) {
  std::string form = ActionsForm("entry:kagawa-18", "D0001", "U1", "T0001");
  SlackResponse r = handler_->Handle(form, Signed(form, 0, "application/x-www-form-urlencoded"));
  EXPECT_EQ(r.http_status, 200) << r.body;
  EXPECT_EQ(r.body, "") << "Slack wants an empty 200 for interactions";
  EXPECT_EQ(r.event_type, "block_actions");
  EXPECT_EQ(r.enqueued, 1);
  auto claimed = inbox_->Claim(10, kInboxChannel);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  auto in = DecodeQueuedEvent((*claimed)[0].payload);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->kind, InboundKind::kButton);
  EXPECT_EQ(in->postback, "entry:kagawa-18");
  EXPECT_EQ(in->text, "");
  // The same tap again (same trigger_id), without a Content-Type header: recognised as a form
  // by its shape, and stored once.
  SlackResponse again = handler_->Handle(form, Signed(form, 0, ""));
  EXPECT_EQ(again.http_status, 200);
  EXPECT_EQ(again.duplicates, 1);
}

TEST_F(SlackHandlerTest, MentionsAndUnknownWorkspaces) {
  SlackResponse r = Post(Callback(Mention("U1", "ランクは？", "C1", "1.5"), "EvM").dump());
  EXPECT_EQ(r.enqueued, 1);
  r = Post(Callback(DirectMessage("U1", "hi"), "EvX", "T_OTHER").dump());
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.enqueued, 0);
  EXPECT_EQ(r.ignored, "unknown_team");
  EXPECT_EQ(Depth(), 1);
}

}  // namespace
}  // namespace madoguchi::slack
