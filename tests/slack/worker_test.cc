#include "slack/worker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "slack/fake_slack_api.h"
#include "slack/handler.h"
#include "slack/queued_event.h"
#include "slack/signature.h"
#include "slack/test_bodies.h"
#include "store/sqlite_inbox.h"

namespace madoguchi::slack {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::ActionsForm;
using testing::Callback;
using testing::DirectMessage;
using testing::FakeSlackApi;
using testing::Mention;

constexpr char kSecret[] = "worker_test_signing_secret";
constexpr char kPath[] = "/api/chat.postMessage";

// Handler → inbox → worker → fake Slack, on one fake clock.
class SlackWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "slack_worker_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
            std::to_string(getpid()) + ".db";
    RemoveFiles();
    auto inbox = store::SqliteInbox::Open(path_, {}, [this] { return now_.load(); });
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    inbox_ = std::move(inbox).value();

    app_.signing_secret = kSecret;
    app_.api_base_url = api_.base_url();
    app_.workspaces = {
        {"T0001", "xoxb-kagawa", "kagawa", {{"C_IBARAKI", "ibaraki"}}},
        {"T0002", "xoxb-staff", "", {{"C_ITKENPO", "itkenpo"}}},
    };
    SlackEventsOptions ho;
    ho.now_ms = [this] { return now_.load(); };
    ho.on_enqueued = [this] {
      if (worker_) worker_->Notify();
    };
    handler_ = std::make_unique<SlackEventsHandler>(inbox_.get(), app_, ho);

    handle_ = [this](const dialogue::Message& m) -> StatusOr<dialogue::Turn> {
      std::lock_guard<std::mutex> lock(mu_);
      seen_.push_back(m);
      if (!handle_errors_.empty()) {
        Status s = handle_errors_.front();
        handle_errors_.erase(handle_errors_.begin());
        return s;
      }
      if (!turns_.empty()) {
        dialogue::Turn t = turns_.front();
        turns_.erase(turns_.begin());
        return t;
      }
      dialogue::Reply r;
      r.text = m.follow ? "ようこそ" : "答え:" + (m.text.empty() ? m.postback : m.text);
      r.choices = {{"解決した", "feedback:yes:e1"}, {"解決しない", "feedback:no:e1"}};
      return dialogue::Turn{{r}};
    };
  }
  void TearDown() override {
    worker_.reset();
    handler_.reset();
    inbox_.reset();
    RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }
  SlackWorkerOptions Options() {
    SlackWorkerOptions o;
    o.threads = 2;
    o.now_ms = [this] { return now_.load(); };
    o.retry_initial = milliseconds(1000);
    o.client.max_attempts = 2;
    o.client.initial_backoff = milliseconds(1);
    o.client.connect_timeout = milliseconds(500);
    o.client.read_timeout = milliseconds(2000);
    o.on_report = [this](const SlackWorkerReport& r) {
      std::lock_guard<std::mutex> lock(mu_);
      reports_.push_back(r);
    };
    return o;
  }
  SlackWorker& Worker(SlackWorkerOptions options) {
    worker_ = std::make_unique<SlackWorker>(inbox_.get(), app_, handle_, std::move(options));
    return *worker_;
  }
  SlackWorker& Worker() { return Worker(Options()); }
  size_t Drain() {
    size_t n = 0;
    while (size_t k = worker_->RunOnce()) n += k;
    return n;
  }

  SlackResponse PostEvent(const json& body, const std::string& retry_num = "") {
    std::string raw = body.dump();
    std::string ts = std::to_string(now_.load() / 1000);
    SlackResponse r = handler_->Handle(
        raw, {ComputeSignature(kSecret, ts, raw), ts, retry_num, "application/json"});
    EXPECT_EQ(r.http_status, 200) << r.body;
    return r;
  }
  SlackResponse PostForm(const std::string& form) {
    std::string ts = std::to_string(now_.load() / 1000);
    SlackResponse r = handler_->Handle(
        form, {ComputeSignature(kSecret, ts, form), ts, "", "application/x-www-form-urlencoded"});
    EXPECT_EQ(r.http_status, 200) << r.body;
    return r;
  }
  std::vector<std::string> Outcomes() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : reports_) out.push_back(r.outcome);
    return out;
  }
  std::vector<SlackWorkerReport> Reports() {
    std::lock_guard<std::mutex> lock(mu_);
    return reports_;
  }
  std::vector<dialogue::Message> Seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }

  FakeSlackApi api_;
  std::string path_;
  std::atomic<int64_t> now_{1'700'000'000'000};
  SlackApp app_;
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<SlackEventsHandler> handler_;
  SlackHandleFn handle_;
  std::unique_ptr<SlackWorker> worker_;

  std::mutex mu_;
  std::vector<dialogue::Message> seen_;
  std::vector<Status> handle_errors_;
  std::vector<dialogue::Turn> turns_;
  std::vector<SlackWorkerReport> reports_;
};

TEST_F(SlackWorkerTest, DirectMessageIsAnswered) {
  PostEvent(Callback(DirectMessage("U1", "ポイントの有効期限は？"), "Ev1"));
  EXPECT_EQ(Worker().RunOnce(), 1u);

  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].key.channel, "slack");
  EXPECT_EQ(seen[0].key.user, "T0001:U1");
  EXPECT_EQ(seen[0].program, "kagawa");
  EXPECT_EQ(seen[0].text, "ポイントの有効期限は？");
  EXPECT_EQ(seen[0].postback, "");
  EXPECT_FALSE(seen[0].follow);

  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, kPath);
  EXPECT_EQ(reqs[0].Header("Authorization"), "Bearer xoxb-kagawa");
  json body = reqs[0].Json();
  EXPECT_EQ(body["channel"], "D0001");
  EXPECT_EQ(body["text"], "答え:ポイントの有効期限は？");
  EXPECT_FALSE(body.contains("thread_ts")) << "a DM is answered in the DM";
  EXPECT_EQ(body["blocks"].back()["type"], "actions");
  EXPECT_EQ(body["blocks"].back()["elements"][0]["value"], "feedback:yes:e1");

  auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, "posted");
  EXPECT_EQ(reports[0].team, "T0001");
  EXPECT_EQ(reports[0].kind, "message");
  EXPECT_EQ(reports[0].event_id, "T0001/Ev1");
  EXPECT_EQ(reports[0].posted, 1);
  EXPECT_EQ(*inbox_->Depth(kInboxChannel), 0);
}

TEST_F(SlackWorkerTest, MentionUsesTheChannelsProgramAndAThread) {
  PostEvent(Callback(Mention("U7", "ランクは？", "C_IBARAKI", "1700000000.000500"), "EvM"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].program, "ibaraki") << "the channel mapping wins over the workspace";
  EXPECT_EQ(seen[0].text, "ランクは？");
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Json()["channel"], "C_IBARAKI");
  EXPECT_EQ(reqs[0].Json()["thread_ts"], "1700000000.000500");
}

TEST_F(SlackWorkerTest, ChatsWithoutAProgramAreSkipped) {
  // T0002 has no default program: only #itkenpo is answered there.
  PostEvent(Callback(DirectMessage("U5", "hi"), "EvS1", "T0002"));
  PostEvent(Callback(Mention("U5", "料率は？", "C_ITKENPO", "1.0"), "EvS2", "T0002"));
  Worker();
  EXPECT_EQ(Drain(), 2u);
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"skipped", "posted"}));
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].program, "itkenpo");
  ASSERT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(api_.requests()[0].Header("Authorization"), "Bearer xoxb-staff");
}

TEST_F(SlackWorkerTest, ButtonTapIsAPostback) {
  PostForm(ActionsForm("entry:kagawa-18", "D0001", "U1", "T0001"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].postback, "entry:kagawa-18");
  EXPECT_EQ(seen[0].text, "");
  EXPECT_EQ(seen[0].key.user, "T0001:U1");
  ASSERT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(api_.requests()[0].Json()["text"], "答え:entry:kagawa-18");
}

TEST_F(SlackWorkerTest, RetriedDeliveryIsAnsweredOnce) {
  json body = Callback(DirectMessage("U1", "交換したい"), "EvR");
  PostEvent(body);
  Worker();
  Drain();
  // Slack missed our 200 and redelivers, before and after the answer went out.
  PostEvent(body, "1");
  PostEvent(body, "2");
  Drain();
  EXPECT_EQ(Seen().size(), 1u);
  EXPECT_EQ(api_.requests().size(), 1u);
}

TEST_F(SlackWorkerTest, BotMessagesNeverReachTheConversation) {
  json bot = DirectMessage("U0BOT", "答え:…");
  bot["bot_id"] = "B1";
  PostEvent(Callback(bot, "EvB1"));
  json own = DirectMessage("U0BOT", "答え:…");  // our bot user, even without bot_id
  PostEvent(Callback(own, "EvB2"));
  Worker();
  EXPECT_EQ(Drain(), 0u);
  EXPECT_TRUE(Seen().empty());
  EXPECT_TRUE(api_.requests().empty());
}

TEST_F(SlackWorkerTest, BareMentionWelcomesAndFilesGetTheNotice) {
  PostEvent(Callback(Mention("U1", "", "C1", "1.0"), "EvG"));
  json file = DirectMessage("U1", "");
  file["subtype"] = "file_share";
  file["files"] = json::array({{{"id", "F1"}}});
  PostEvent(Callback(file, "EvF"));
  Worker();
  EXPECT_EQ(Drain(), 2u);
  auto seen = Seen();
  ASSERT_EQ(seen.size(), 1u) << "the notice needs no conversation";
  EXPECT_TRUE(seen[0].follow);
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Json()["text"], "ようこそ");
  EXPECT_NE(reqs[1].Json()["text"].get<std::string>().find("テキストで"), std::string::npos);
}

TEST_F(SlackWorkerTest, UnavailableConversationIsRetriedWithBackoff) {
  handle_errors_ = {Unavailable("conversation store busy")};
  PostEvent(Callback(DirectMessage("U1", "残高は？"), "EvU"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  EXPECT_TRUE(api_.requests().empty());
  EXPECT_EQ(worker_->RunOnce(), 0u) << "not before the delay";
  now_ += 1000;
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"retry", "posted"}));
  EXPECT_EQ(Seen().size(), 2u);
  ASSERT_EQ(api_.requests().size(), 1u);
}

TEST_F(SlackWorkerTest, FinalConversationFailureSendsTheErrorNotice) {
  handle_errors_ = {Internal("bug")};
  PostEvent(Callback(DirectMessage("U1", "残高は？"), "EvE"));
  Worker();
  Drain();
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_NE(reqs[0].Json()["text"].get<std::string>().find("ただいまお答えできません"),
            std::string::npos);
  auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, "posted");
  EXPECT_EQ(reports[0].status.code(), StatusCode::kInternal) << "the failure is still reported";
}

TEST_F(SlackWorkerTest, SlackOutageRetriesWithoutRerunningTheConversation) {
  // Two 500s exhaust the client's two attempts; the event goes back to the inbox.
  api_.Script(kPath, {FakeSlackApi::ServerError(), FakeSlackApi::ServerError()});
  PostEvent(Callback(DirectMessage("U1", "交換期間は？"), "EvO"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  now_ += 1000;
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"retry", "posted"}));
  EXPECT_EQ(Seen().size(), 1u) << "the checkpointed answer is re-sent, not recomputed";
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[2].Json()["text"], "答え:交換期間は？");
  EXPECT_EQ(reqs[2].body, reqs[0].body);
}

TEST_F(SlackWorkerTest, RateLimitWithRetryAfterIsHonoured) {
  api_.Script(kPath, {FakeSlackApi::TooManyRequests("1")});
  PostEvent(Callback(DirectMessage("U1", "hi"), "Ev429"));
  Worker();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Drain(), 1u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(900));
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"posted"});
  EXPECT_EQ(api_.requests().size(), 2u);
}

TEST_F(SlackWorkerTest, PermanentSlackErrorsAreDropped) {
  api_.Script(kPath, {FakeSlackApi::LogicalError("channel_not_found")});
  PostEvent(Callback(DirectMessage("U1", "hi"), "EvNF"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  auto reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].outcome, "dropped");
  EXPECT_EQ(reports[0].status.reason(), "channel_not_found");
  now_ += 600'000;
  EXPECT_EQ(Drain(), 0u) << "not retried";
  EXPECT_EQ(api_.requests().size(), 1u);
  EXPECT_EQ(*inbox_->Depth(kInboxChannel), 0);
}

TEST_F(SlackWorkerTest, MultiMessageTurnResumesWhereItStopped) {
  dialogue::Reply welcome;
  welcome.text = "ようこそ";
  dialogue::Reply answer;
  answer.text = "答え";
  turns_ = {dialogue::Turn{{welcome, answer}}};
  // The first message goes out; the second fails through both of the client's attempts.
  api_.Script(kPath, {{200, R"({"ok":true,"channel":"D0001","ts":"1.1"})", ""},
                      FakeSlackApi::ServerError(),
                      FakeSlackApi::ServerError()});
  PostEvent(Callback(DirectMessage("U1", "こんにちは"), "EvMM"));
  Worker();
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  now_ += 1000;
  EXPECT_EQ(Drain(), 1u);
  EXPECT_EQ(Outcomes(), (std::vector<std::string>{"retry", "posted"}));
  auto reqs = api_.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].Json()["text"], "ようこそ");
  EXPECT_EQ(reqs[3].Json()["text"], "答え") << "the welcome is not posted twice";
  EXPECT_EQ(Seen().size(), 1u);
  auto reports = Reports();
  EXPECT_EQ(reports[0].posted, 1);
  EXPECT_EQ(reports[1].posted, 1);
}

TEST_F(SlackWorkerTest, PoolAnswersAsynchronouslyAndStopJoins) {
  SlackWorkerOptions o = Options();
  o.idle_poll = milliseconds(50);
  SlackWorker& w = Worker(o);
  w.Start();
  for (int i = 0; i < 6; ++i) {
    PostEvent(Callback(DirectMessage("U" + std::to_string(i), "質問" + std::to_string(i)),
                       "EvP" + std::to_string(i)));
  }
  ASSERT_TRUE(api_.WaitForRequests(6));
  w.Stop();
  w.Stop();  // idempotent
  EXPECT_EQ(api_.requests().size(), 6u);
  EXPECT_EQ(*inbox_->Depth(kInboxChannel), 0);
  // After Stop, new events stay in the inbox for the next run.
  PostEvent(Callback(DirectMessage("U9", "後で"), "EvLater"));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(*inbox_->Depth(kInboxChannel), 1);
}

TEST_F(SlackWorkerTest, StopCutsAClientRetryWaitShort) {
  // A long Retry-After within max_retry_after keeps the client waiting; Stop must not.
  api_.Script(kPath, {FakeSlackApi::TooManyRequests("20")});
  SlackWorkerOptions o = Options();
  o.idle_poll = milliseconds(20);
  SlackWorker& w = Worker(o);
  w.Start();
  PostEvent(Callback(DirectMessage("U1", "hi"), "EvStop"));
  ASSERT_TRUE(api_.WaitForRequests(1));
  std::this_thread::sleep_for(milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  w.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(Outcomes(), std::vector<std::string>{"retry"});
  EXPECT_EQ(*inbox_->Depth(kInboxChannel), 1) << "back in the inbox for the next run";
}

}  // namespace
}  // namespace madoguchi::slack
