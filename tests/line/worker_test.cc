#include "line/worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "line/fake_line_api.h"
#include "line/fixtures.h"
#include "line/queued_event.h"
#include "line/signature.h"
#include "line/webhook.h"
#include "store/sqlite_inbox.h"

namespace madoguchi::line {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FakeLineApi;
using testing::FixtureNames;
using testing::HaveFixtures;
using testing::ReadFixture;

constexpr char kSecret[] = "worker_test_secret";
constexpr char kUser[] = "U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c";  // the fixtures' user

std::string TextEvent(const std::string& id, const std::string& user, const std::string& text,
                      const std::string& mode = "active") {
  json e = {{"type", "message"},
            {"mode", mode},
            {"timestamp", 1462629479859},
            {"webhookEventId", id},
            {"deliveryContext", {{"isRedelivery", false}}},
            {"replyToken", "reply-" + id},
            {"source", {{"type", "user"}, {"userId", user}}},
            {"message", {{"id", "m" + id}, {"type", "text"}, {"text", text}}}};
  return json{{"destination", "Ubot"}, {"events", json::array({e})}}.dump();
}

// Webhook → inbox → worker → fake LINE, on one fake clock.
class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "line_worker_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
            std::to_string(getpid()) + ".db";
    RemoveFiles();
    OpenInbox();
    channels_ = {{"main", "kagawa", kSecret, "access-token", api_.base_url()}};
    LineWebhookOptions wo;
    wo.now_ms = [this] { return now_.load(); };
    wo.on_enqueued = [this] {
      if (worker_) worker_->Notify();
    };
    webhook_ = std::make_unique<LineWebhookHandler>(inbox_.get(), channels_, wo);

    hooks_.handle = [this](const dialogue::Message& m) -> StatusOr<dialogue::Turn> {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(m);
      if (!handle_errors_.empty()) {
        Status s = handle_errors_.front();
        handle_errors_.erase(handle_errors_.begin());
        return s;
      }
      dialogue::Reply r;
      r.text = m.follow ? "ようこそ" : "答え:" + (m.text.empty() ? m.postback : m.text);
      r.choices = {{"解決した", "feedback:yes:e1"}, {"解決しない", "feedback:no:e1"}};
      return dialogue::Turn{{r}};
    };
    hooks_.forget = [this](const store::ConversationKey& key) {
      std::lock_guard<std::mutex> lock(mu_);
      forgotten_.push_back(key.ToString());
      return Status::Ok();
    };
  }
  void TearDown() override {
    worker_.reset();
    webhook_.reset();
    inbox_.reset();
    RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  void OpenInbox() {
    auto inbox = store::SqliteInbox::Open(path_, {}, [this] { return now_.load(); });
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    inbox_ = std::move(inbox).value();
  }
  LineWorkerOptions Options() {
    LineWorkerOptions o;
    o.threads = 2;
    o.now_ms = [this] { return now_.load(); };
    o.retry_initial = milliseconds(1000);
    o.client.max_attempts = 2;
    o.client.initial_backoff = milliseconds(1);
    o.client.connect_timeout = milliseconds(500);
    o.client.read_timeout = milliseconds(2000);
    o.on_report = [this](const LineWorkerReport& r) {
      std::lock_guard<std::mutex> lock(mu_);
      reports_.push_back(r);
    };
    return o;
  }
  LineWorker& Worker(LineWorkerOptions options) {
    worker_ = std::make_unique<LineWorker>(inbox_.get(), channels_, hooks_, std::move(options));
    return *worker_;
  }
  LineWorker& Worker() { return Worker(Options()); }

  WebhookResponse Post(const std::string& body) {
    WebhookResponse r = webhook_->Handle("main", body, ComputeSignature(kSecret, body));
    EXPECT_EQ(r.http_status, 200) << r.body;
    return r;
  }
  std::vector<std::string> Outcomes() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : reports_) out.push_back(r.outcome);
    return out;
  }
  std::vector<dialogue::Message> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  FakeLineApi api_;
  std::string path_;
  std::atomic<int64_t> now_{1'700'000'000'000};
  std::vector<LineChannel> channels_;
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<LineWebhookHandler> webhook_;
  LineWorkerHooks hooks_;
  std::unique_ptr<LineWorker> worker_;

  std::mutex mu_;
  std::vector<dialogue::Message> seen_;
  std::vector<Status> handle_errors_;
  std::vector<std::string> forgotten_;
  std::vector<LineWorkerReport> reports_;
};

TEST_F(WorkerTest, TextMessageIsAnsweredByReply) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  Post(ReadFixture("text-user.json"));
  EXPECT_EQ(Worker().RunOnce(), 1u);

  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key.channel, "line");
  EXPECT_EQ(seen[0].key.user, kUser);
  EXPECT_EQ(seen[0].program, "kagawa");
  EXPECT_EQ(seen[0].text, "ポイントの有効期限はいつですか");
  EXPECT_FALSE(seen[0].follow);
  // The LINE channel it came through, so an account link asked for here finishes on it.
  EXPECT_EQ(seen[0].account, "main");

  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/reply");
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer access-token");
  json body = reqs[0].Json();
  EXPECT_EQ(body["replyToken"], "42d4088b955e5ce0c632302ebf2d012e");
  ASSERT_EQ(body["messages"].size(), 1u);
  EXPECT_EQ(body["messages"][0]["text"], "答え:ポイントの有効期限はいつですか");
  EXPECT_EQ(body["messages"][0]["quickReply"]["items"][0]["action"]["data"], "feedback:yes:e1");
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"replied"});
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, PostbackFollowAndUnfollow) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  Post(ReadFixture("postback.json"));
  Post(ReadFixture("follow.json"));
  Post(ReadFixture("unfollow.json"));
  LineWorker& w = Worker();
  while (w.RunOnce() > 0) {
  }
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].postback, "action=feedback&entry=kagawa-04&value=resolved");
  EXPECT_TRUE(seen[0].text.empty());
  EXPECT_TRUE(seen[1].follow);
  EXPECT_EQ(forgotten_, std::vector<std::string>{std::string("line:") + kUser});
  auto replies = api_.requests_to("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 2u) << "nothing is sent to a member who blocked us";
  EXPECT_EQ(replies[1].Json()["messages"][0]["text"], "ようこそ");
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"replied", "replied", "silent"}));
}

TEST_F(WorkerTest, EveryFixtureIsHandledWithoutError) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  hooks_.on_account_link = [](const LineChannel&, const std::string&, const std::string&,
                              const std::string&) -> StatusOr<dialogue::Turn> {
    return dialogue::Turn{};
  };
  for (const std::string& name : FixtureNames()) Post(ReadFixture(name));
  int64_t queued = *inbox_->Depth();
  LineWorker& w = Worker();
  size_t processed = 0;
  while (size_t n = w.RunOnce()) processed += n;
  EXPECT_EQ(processed, static_cast<size_t>(queued));
  EXPECT_EQ(*inbox_->Depth(), 0);
  EXPECT_EQ(*inbox_->DeadLettered(), 0);
  for (const std::string& outcome : Outcomes()) {
    EXPECT_TRUE(outcome == "replied" || outcome == "silent" || outcome == "skipped") << outcome;
  }
  // Only 1:1 chats in active mode were answered, and only text, postback, follow and
  // non-text messages (with the notice) needed an answer.
  for (const auto& req : api_.requests()) {
    EXPECT_EQ(req.path, "/v2/bot/message/reply");
  }
  for (const auto& m : Seen()) EXPECT_FALSE(m.key.user.empty());
}

TEST_F(WorkerTest, NonTextMessagesGetThePoliteNotice) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  Post(ReadFixture("sticker.json"));
  Post(ReadFixture("image.json"));
  LineWorker& w = Worker();
  while (w.RunOnce() > 0) {
  }
  EXPECT_TRUE(Seen().empty()) << "the conversation is not asked";
  auto replies = api_.requests_to("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 2u);
  std::string text = replies[0].Json()["messages"][0]["text"];
  EXPECT_NE(text.find("テキストで"), std::string::npos) << text;
}

TEST_F(WorkerTest, StandbyGroupsAndOtherTypesGetNoAnswer) {
  Post(TextEvent("E1", "Ustandby", "こんにちは", "standby"));
  if (HaveFixtures()) {
    Post(ReadFixture("text-group.json"));              // standby, in a group
    Post(ReadFixture("nodejs-middleware-body.json"));  // a group chat
    Post(ReadFixture("beacon.json"));
    Post(ReadFixture("unsend.json"));
    Post(ReadFixture("join.json"));
    Post(ReadFixture("unknown.json"));
  }
  LineWorker& w = Worker();
  while (w.RunOnce() > 0) {
  }
  EXPECT_TRUE(Seen().empty());
  EXPECT_TRUE(api_.requests().empty());
  EXPECT_EQ(*inbox_->Depth(), 0);
  EXPECT_EQ(Outcomes().front(), "silent");
}

TEST_F(WorkerTest, InvalidReplyTokenFallsBackToPush) {
  Post(TextEvent("E1", "Uaaa", "残高"));
  api_.Script("/v2/bot/message/reply", {FakeLineApi::InvalidReplyToken()});
  Worker().RunOnce();
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/reply");
  EXPECT_EQ(reqs[1].path, "/v2/bot/message/push");
  EXPECT_EQ(reqs[1].Json()["to"], "Uaaa");
  EXPECT_EQ(reqs[1].Json()["messages"], reqs[0].Json()["messages"]);
  EXPECT_EQ(reqs[1].Header("X-Line-Retry-Key"), LineClient::RetryKeyFor("line/main/E1"));
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"pushed"});
}

TEST_F(WorkerTest, OldEventsArePushedWithoutTryingTheToken) {
  Post(TextEvent("E1", "Uaaa", "残高"));
  now_ += 60'000;  // the worker was busy, or down, for a minute
  Worker().RunOnce();
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/push");
}

TEST_F(WorkerTest, TransientSendFailureRetriesWithoutAskingAgain) {
  Post(TextEvent("E1", "Uaaa", "残高"));
  api_.Script("/v2/bot/message/reply", {FakeLineApi::ServerError(), FakeLineApi::ServerError()});
  LineWorker& w = Worker();
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  EXPECT_EQ(api_.requests().size(), 2u) << "the client's own two tries";
  EXPECT_EQ(*inbox_->Depth(), 1);
  EXPECT_EQ(w.RunOnce(), 0u) << "not before the retry delay";

  now_ += 1000;
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Seen().size(), 1u) << "the checkpointed answer was re-sent, not recomputed";
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].path, "/v2/bot/message/reply") << "the token is still young";
  EXPECT_EQ(reqs[2].Json()["messages"], reqs[0].Json()["messages"]);
  EXPECT_EQ(Outcomes().back(), "replied");
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, AReplyThatGotThroughUnseenIsNotPushedAgain) {
  api_.EmulateDedupe(true);
  Post(TextEvent("E1", "Uaaa", "残高"));
  // LINE took the reply, but its answer was lost; the client's second try hits a 500.
  api_.Script("/v2/bot/message/reply", {FakeLineApi::LostAnswer(), FakeLineApi::ServerError()});
  LineWorker& w = Worker();
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});

  now_ += 1000;  // the token is still young: it was used, by that lost reply
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Outcomes().back(), "replied");
  EXPECT_TRUE(api_.requests_to("/v2/bot/message/push").empty()) << "a push would be a second";
  EXPECT_EQ(api_.delivered().size(), 1u);
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, AReplyWhoseFirstTryWentUnansweredIsNotPushed) {
  api_.EmulateDedupe(true);
  Post(TextEvent("E1", "Uaaa", "残高"));
  // The client's first try got through, its answer was lost; its second finds the token used.
  api_.Script("/v2/bot/message/reply", {FakeLineApi::LostAnswer()});
  Worker().RunOnce();
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"replied"});
  EXPECT_TRUE(api_.requests_to("/v2/bot/message/push").empty());
  EXPECT_EQ(api_.delivered().size(), 1u);
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, APushRetriedWithItsKeyCountsA409AsSent) {
  api_.EmulateDedupe(true);
  Post(TextEvent("E1", "Uaaa", "残高"));
  api_.Script("/v2/bot/message/reply", {FakeLineApi::InvalidReplyToken()});
  api_.Script("/v2/bot/message/push", {FakeLineApi::LostAnswer(), FakeLineApi::ServerError()});
  LineWorker& w = Worker();
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});

  now_ += 1000;
  EXPECT_EQ(w.RunOnce(), 1u);
  EXPECT_EQ(Outcomes().back(), "pushed");
  // Pushed again, not replied: the recorded way. LINE answered 409 to the repeated key.
  EXPECT_EQ(api_.requests_to("/v2/bot/message/reply").size(), 1u);
  auto pushes = api_.requests_to("/v2/bot/message/push");
  ASSERT_EQ(pushes.size(), 3u);
  for (const auto& p : pushes) {
    EXPECT_EQ(p.Header("X-Line-Retry-Key"), LineClient::RetryKeyFor("line/main/E1"));
  }
  EXPECT_EQ(api_.delivered().size(), 1u);
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, RateLimitThenSuccess) {
  Post(TextEvent("E1", "Uaaa", "残高"));
  api_.Script("/v2/bot/message/reply", {FakeLineApi::TooManyRequests("0")});
  Worker().RunOnce();
  EXPECT_EQ(api_.requests().size(), 2u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"replied"});
}

TEST_F(WorkerTest, UnavailableConversationIsRetriedThenApologisedFor) {
  handle_errors_ = {Unavailable("store busy")};
  Post(TextEvent("E1", "Uaaa", "残高"));
  LineWorker& w = Worker();
  w.RunOnce();
  EXPECT_TRUE(api_.requests().empty());
  now_ += 1000;
  w.RunOnce();
  EXPECT_EQ(Seen().size(), 2u);
  ASSERT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(api_.requests()[0].Json()["messages"][0]["text"], "答え:残高");
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"retry", "replied"}));

  // Unavailable on every attempt: on the last one the member hears we cannot answer.
  handle_errors_ = std::vector<Status>(10, Unavailable("store down"));
  Post(TextEvent("E2", "Ubbb", "残高"));
  for (int i = 0; i < 5; ++i) {
    w.RunOnce();
    now_ += 60'000;
  }
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].path, "/v2/bot/message/push");
  std::string text = reqs[1].Json()["messages"][0]["text"];
  EXPECT_NE(text.find("ただいまお答えできません"), std::string::npos) << text;
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(WorkerTest, FinalConversationErrorIsApologisedFor) {
  handle_errors_ = {NotFound("no program")};
  Post(TextEvent("E1", "Uaaa", "残高"));
  Worker().RunOnce();
  ASSERT_EQ(api_.requests().size(), 1u);
  EXPECT_NE(api_.requests()[0].body.find("ただいまお答えできません"), std::string::npos);
  std::lock_guard<std::mutex> lock(mu_);
  ASSERT_EQ(reports_.size(), 1u);
  EXPECT_EQ(reports_[0].outcome, "replied");
  EXPECT_EQ(reports_[0].status.code(), StatusCode::kNotFound);
}

TEST_F(WorkerTest, AccountLinkGoesToItsHook) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  Post(ReadFixture("account_link.json"));
  LineWorker& unhooked = Worker();
  unhooked.RunOnce();
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"skipped"});
  EXPECT_TRUE(api_.requests().empty());

  std::vector<std::string> calls;
  hooks_.on_account_link = [&](const LineChannel& channel, const std::string& user,
                               const std::string& result,
                               const std::string& nonce) -> StatusOr<dialogue::Turn> {
    calls.push_back(channel.program + "|" + user + "|" + result + "|" + nonce);
    dialogue::Reply r;
    r.text = "アカウント連携が完了しました。";
    return dialogue::Turn{{r}};
  };
  std::string body = ReadFixture("account_link.json");
  // Another event: its own id and nonce.
  body.replace(body.find("n7Kq2xVb9LmP4sRt6WyZ"), 20, "nonce-0123456789");
  body.replace(body.find("01JQ7K3M5N8P9R2S4T6V000041"), 26, "01JQ7K3M5N8P9R2S4T6V999999");
  Post(body);
  Worker().RunOnce();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0], "kagawa|U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c|ok|nonce-0123456789");
  ASSERT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(api_.requests()[0].Json()["messages"][0]["text"], "アカウント連携が完了しました。");
}

TEST_F(WorkerTest, ChannelClientIssuesLinkTokens) {
  LineWorker& w = Worker();
  EXPECT_EQ(w.ClientFor("nobody"), nullptr);
  ASSERT_NE(w.ClientFor("main"), nullptr);
  auto token = w.ClientFor("main")->IssueLinkToken("Uaaa");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_EQ(api_.requests().at(0).path, "/v2/bot/user/Uaaa/linkToken");
  EXPECT_EQ(api_.requests().at(0).Header("Authorization"), "Bearer access-token");
}

TEST_F(WorkerTest, RedeliveryIsAnsweredOnce) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  std::string body = ReadFixture("webhook-redelivery.json");
  Post(body);
  LineWorker& w = Worker();
  w.RunOnce();
  EXPECT_EQ(Post(body).duplicates, 1);
  EXPECT_EQ(w.RunOnce(), 0u);
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(WorkerTest, EventsLeftByACrashArePushedAfterRestart) {
  Post(TextEvent("E1", "Uaaa", "残高"));
  {
    // A worker claims the event and dies before answering.
    auto claimed = inbox_->Claim(1, kInboxChannel);
    ASSERT_EQ(claimed->size(), 1u);
  }
  webhook_.reset();
  inbox_.reset();
  now_ += 90'000;  // the restart took a while: the reply token is gone
  OpenInbox();
  Worker().RunOnce();
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/v2/bot/message/push");
  EXPECT_EQ(reqs[0].Json()["messages"][0]["text"], "答え:残高");
  EXPECT_EQ(Worker().RunOnce(), 0u) << "answered exactly once";
}

TEST_F(WorkerTest, PoolAnswersEveryoneAndEachMemberInOrder) {
  LineWorker& w = Worker();
  w.Start();
  for (int i = 0; i < 6; ++i) {
    for (const char* user : {"Ua", "Ub", "Uc"}) {
      Post(TextEvent(std::string(user) + std::to_string(i), user, "q" + std::to_string(i)));
    }
  }
  ASSERT_TRUE(api_.WaitForRequests(18));
  w.Stop();
  EXPECT_EQ(*inbox_->Depth(), 0);
  std::map<std::string, std::vector<std::string>> by_user;
  for (const auto& m : Seen()) by_user[m.key.user].push_back(m.text);
  for (const char* user : {"Ua", "Ub", "Uc"}) {
    EXPECT_EQ(by_user[user], (std::vector<std::string>{"q0", "q1", "q2", "q3", "q4", "q5"}))
        << user;
  }
}

TEST_F(WorkerTest, StopCutsRetryWaitsShortAndKeepsTheEvent) {
  LineWorkerOptions o = Options();
  o.client.max_attempts = 3;
  o.client.max_retry_after = milliseconds(60'000);
  LineWorker& w = Worker(o);
  api_.Script("/v2/bot/message/reply", {FakeLineApi::TooManyRequests("30")});
  w.Start();
  Post(TextEvent("E1", "Uaaa", "残高"));
  ASSERT_TRUE(api_.WaitForRequests(1));
  auto start = std::chrono::steady_clock::now();
  w.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(*inbox_->Depth(), 1) << "still there for the next run";
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  w.Start();  // a stopped worker stays stopped
  EXPECT_EQ(*inbox_->Depth(), 1);
}

}  // namespace
}  // namespace madoguchi::line
