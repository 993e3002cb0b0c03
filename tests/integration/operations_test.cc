// The operator's side of the service as `madoguchi serve` wires it (cli::Service), over
// loopback: reloading the knowledge base (POST /api/v1/kb/reload) while /api/v1/ask keeps
// answering, the points core's outages in /metrics, and the per-user limit on LINE, where a
// limited member is told once instead of getting a 429. Readiness on a full disk or a damaged
// file.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/rate_limited_handle.h"
#include "gtest/gtest.h"
#include "integration/test_service.h"
#include "line/fake_line_api.h"
#include "line/text_event.h"
#include "service/engine.h"
#include "store/damage.h"

namespace madoguchi::testing {
namespace {

using line::testing::FakeLineApi;
using nlohmann::json;

const Date kToday = *ParseIsoDate("2026-05-15");
constexpr char kApiToken[] = "operations-api-token-0123456789";
constexpr char kStaffToken[] = "operations-staff-token-0123456789";
constexpr char kLineSecret[] = "operations-line-channel-secret";
constexpr char kEntry[] = "kagawa-03";  // 「ログインできません。」
constexpr char kQuestion[] = "ログインできない";

using points::testing::ReadFile;
using points::testing::WriteFile;

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// --- POST /api/v1/kb/reload -------------------------------------------------------------------

class KbReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_dir_ = dir_.File("faq");
    std::filesystem::copy(service::DefaultDataPath("faq"), kb_dir_,
                          std::filesystem::copy_options::recursive);
    faq_file_ = kb_dir_ + "/kagawa/faq.json";
    original_ = ReadFile(faq_file_);
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this](cli::ServiceOptions& so) {
      so.config.kb_dir = kb_dir_;
      so.staff_token = kStaffToken;
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }

  void WriteAnswer(const std::string& answer) {
    json faq = json::parse(original_);
    for (json& e : faq["entries"]) {
      if (e["id"] == kEntry) e["answer"] = answer;
    }
    WriteFile(faq_file_, faq.dump(2));
  }

  httplib::Result Reload(const std::string& token, const std::string& body = "") {
    return client_->Post("/api/v1/kb/reload", Bearer(token), body, "application/json");
  }

  // /api/v1/ask's answer to kQuestion; "" when it did not answer 200.
  std::string Ask() {
    auto r =
        client_->Post("/api/v1/ask", Bearer(kApiToken),
                      json{{"program", "kagawa"}, {"text", kQuestion}}.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    if (!r || r->status != 200) return "";
    json j = json::parse(r->body);
    EXPECT_EQ(j.value("id", ""), kEntry);
    return j.value("text", "");
  }

  std::string Metrics() {
    auto m = client_->Get("/metrics");
    return m ? m->body : "";
  }

  points::testing::TempDir dir_;
  std::string kb_dir_;
  std::string faq_file_;
  std::string original_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(KbReloadTest, NeedsTheStaffToken) {
  auto none = client_->Post("/api/v1/kb/reload", "", "application/json");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  auto api = Reload(kApiToken);
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401) << "the API token is not a staff token";
  auto wrong = Reload("not-the-staff-token-0123456789");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(json::parse(wrong->body)["error"], "unauthorized");
  EXPECT_NE(Metrics().find("madoguchi_knowledge_base_reloads_total{result=\"ok\"} 0"),
            std::string::npos)
      << "refused requests reload nothing";
}

TEST_F(KbReloadTest, ReloadServesTheEditedAnswer) {
  const std::string before = Ask();
  WriteAnswer("再読み込み後の回答です。");
  EXPECT_EQ(Ask(), before);

  auto r = Reload(kStaffToken);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["status"], "reloaded");
  ASSERT_TRUE(j["programs"].is_object());
  EXPECT_GT(j["programs"].value("kagawa", 0), 20);
  EXPECT_TRUE(j["programs"].contains("ibaraki"));
  EXPECT_TRUE(j["took_ms"].is_number_integer());
  EXPECT_EQ(Ask(), "再読み込み後の回答です。");
  EXPECT_NE(Metrics().find("madoguchi_knowledge_base_reloads_total{result=\"ok\"} 1"),
            std::string::npos)
      << Metrics();
}

TEST_F(KbReloadTest, BrokenKnowledgeBaseIsRefusedAndThePreviousOneKeepsAnswering) {
  WriteAnswer("最初の回答です。");
  ASSERT_EQ(Reload(kStaffToken)->status, 200);
  WriteFile(faq_file_, original_.substr(0, original_.size() / 2));

  auto r = Reload(kStaffToken);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["error"], "kb_invalid");
  EXPECT_NE(j["message"].get<std::string>().find("これまでのナレッジベース"), std::string::npos);
  EXPECT_NE(j["detail"].get<std::string>().find("kagawa/faq.json"), std::string::npos)
      << j["detail"];
  EXPECT_EQ(Ask(), "最初の回答です。");

  const std::string metrics = Metrics();
  EXPECT_NE(metrics.find("madoguchi_knowledge_base_reloads_total{result=\"ok\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("madoguchi_knowledge_base_reloads_total{result=\"error\"} 1"),
            std::string::npos)
      << metrics;
}

TEST_F(KbReloadTest, AMalformedBodyIsRefusedBeforeReloading) {
  auto r = Reload(kStaffToken, "{not json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(Metrics().find("madoguchi_knowledge_base_reloads_total{result=\"ok\"} 0"),
            std::string::npos);
  auto object = Reload(kStaffToken, "{}");
  ASSERT_TRUE(object);
  EXPECT_EQ(object->status, 200) << object->body;
}

// Members keep being answered, in full, while staff reload.
TEST_F(KbReloadTest, AskingDuringReloadsAlwaysAnswers) {
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> answered{0};
  std::thread asker([&] {
    httplib::Client c("127.0.0.1", service_->port());
    while (!done.load()) {
      auto r = c.Post("/api/v1/ask", Bearer(kApiToken),
                      json{{"program", "kagawa"}, {"text", kQuestion}}.dump(), "application/json");
      if (!r || r->status != 200) ++failures;
      ++answered;
    }
  });
  for (int i = 0; i < 3; ++i) {
    WriteAnswer("回答" + std::to_string(i));
    auto r = Reload(kStaffToken);
    EXPECT_TRUE(r && r->status == 200);
  }
  done = true;
  asker.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(answered.load(), 0);
  EXPECT_EQ(Ask(), "回答2");
}

// --- points-core errors in /metrics -----------------------------------------------------------

TEST(PointsCoreErrorsTest, AnOutageIsCountedByCallAndCode) {
  StatusOr<std::unique_ptr<TestService>> s =
      TestService::Start({kToday, PointsMode::kRemote, "", {}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  httplib::Client client("127.0.0.1", (*s)->port());
  ASSERT_EQ(client.Get("/readyz")->status, 200);
  EXPECT_EQ(client.Get("/metrics")->body.find("madoguchi_points_core_errors_total"),
            std::string::npos);

  (*s)->StopPointsServer();
  // Readiness asks the core for an exchange window and reports the outage, but stays ready:
  // members still get every FAQ answer.
  auto ready = client.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->body, R"({"status":"ready","points_core":"unavailable"})");
  const std::string metrics = client.Get("/metrics")->body;
  EXPECT_NE(metrics.find("madoguchi_points_core_errors_total{op=\"exchange_window\",code="
                         "\"unavailable\"} 1"),
            std::string::npos)
      << metrics;
}

// --- the per-user limit on LINE ---------------------------------------------------------------

// A signed LINE text event from `user` to the kagawa channel, as LINE posts it.
httplib::Result PostLineText(httplib::Client& client, const std::string& event_id,
                             const std::string& user, const std::string& text) {
  return line::testing::PostSigned(
      client, "/webhook/line/kagawa", kLineSecret,
      line::testing::WebhookBody(line::testing::TextEvent{event_id, user, text}.Json()));
}

class LineLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MADOGUCHI_TEST_OPS_LINE_SECRET", kLineSecret, 1);
    setenv("MADOGUCHI_TEST_OPS_LINE_TOKEN", "line-access-token", 1);
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this](cli::ServiceOptions& so) {
      so.config.line_channels.push_back({"kagawa", "kagawa", "MADOGUCHI_TEST_OPS_LINE_SECRET",
                                         "MADOGUCHI_TEST_OPS_LINE_TOKEN", line_.base_url()});
      // Two messages, then (practically) no refill within the test.
      so.config.rate_limit.burst = 2;
      so.config.rate_limit.per_minute = 0.001;
      so.line_worker.idle_poll = std::chrono::milliseconds(50);
      so.line_worker.threads = 1;  // events in arrival order, so the notice is the third
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }

  httplib::Result PostText(const std::string& event_id, const std::string& text) {
    return PostLineText(*client_, event_id, "U0123456789abcdef0123456789abcdef", text);
  }

  FakeLineApi line_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(LineLimitTest, ALimitedMemberIsToldOnceAndTheWebhookStillAcks) {
  for (int i = 1; i <= 5; ++i) {
    auto r = PostText("L" + std::to_string(i), "ポイントの有効期限は？");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "LINE always gets its 200";
  }
  ASSERT_TRUE(line_.WaitForRequests(3));
  // Time for the two events after the notice, which must send nothing.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (service_->service().metrics().Render().find("notice=\"none\"} 2") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto replies = line_.requests_to("/v2/bot/message/reply");
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_TRUE(line_.requests_to("/v2/bot/message/push").empty());
  json notice = replies[2].Json();
  EXPECT_EQ(notice["replyToken"], "reply-token-L3");
  ASSERT_EQ(notice["messages"].size(), 1u);
  EXPECT_EQ(notice["messages"][0]["text"], cli::kRateLimitedNotice);
  EXPECT_NE(replies[1].Json()["messages"][0]["text"], cli::kRateLimitedNotice);

  const std::string metrics = client_->Get("/metrics")->body;
  EXPECT_NE(
      metrics.find("madoguchi_channel_rate_limited_total{channel=\"line\",notice=\"sent\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_NE(
      metrics.find("madoguchi_channel_rate_limited_total{channel=\"line\",notice=\"none\"} 2"),
      std::string::npos)
      << metrics;
}

// --- backpressure: limits.inbox_max_depth ----------------------------------------------------

class BackpressureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MADOGUCHI_TEST_OPS_LINE_SECRET", kLineSecret, 1);
    setenv("MADOGUCHI_TEST_OPS_LINE_TOKEN", "line-access-token", 1);
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this](cli::ServiceOptions& so) {
      so.config.line_channels.push_back({"kagawa", "kagawa", "MADOGUCHI_TEST_OPS_LINE_SECRET",
                                         "MADOGUCHI_TEST_OPS_LINE_TOKEN", line_.base_url()});
      so.config.inbox_max_depth = 3;
      so.inbox_depth_refresh = std::chrono::milliseconds(0);  // every webhook counts
      so.line_worker.idle_poll = std::chrono::milliseconds(50);
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }

  // A signed webhook with one text event from its own member (so the worker may take several).
  httplib::Result PostText(const std::string& event_id) {
    // A member per event: the per-member limit stays out of the way.
    return PostLineText(*client_, event_id, "U0123456789abcdef0123456789ab" + event_id, kQuestion);
  }

  FakeLineApi line_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(BackpressureTest, AFullInboxRefusesWebhooksWithoutEnqueueingUntilItDrains) {
  line_.Hold();  // the workers' replies wait: the inbox fills
  for (const char* id : {"B1", "B2", "B3"}) {
    auto r = PostText(id);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << id;
  }
  auto refused = PostText("B4");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(json::parse(refused->body)["error"], "inbox_full");
  EXPECT_EQ(*service_->service().inbox()->Depth(), 3);  // B4 was not enqueued
  const std::string metrics = client_->Get("/metrics")->body;
  EXPECT_NE(
      metrics.find("madoguchi_webhook_refused_total{channel=\"line\",reason=\"inbox_full\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("madoguchi_inbox_depth 3"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("madoguchi_inbox_max_depth 3"), std::string::npos) << metrics;

  line_.Release();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (*service_->service().inbox()->Depth() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(*service_->service().inbox()->Depth(), 0);
  // LINE delivers the refused webhook again; now there is room.
  auto redelivered = PostText("B4");
  ASSERT_TRUE(redelivered);
  EXPECT_EQ(redelivered->status, 200);
  ASSERT_TRUE(line_.WaitForDelivered(4));
  std::vector<std::string> tokens;
  for (const auto& r : line_.delivered()) tokens.push_back(r.Json()["replyToken"]);
  std::sort(tokens.begin(), tokens.end());
  EXPECT_EQ(tokens, (std::vector<std::string>{"reply-token-B1", "reply-token-B2", "reply-token-B3",
                                              "reply-token-B4"}));
}

// --- /readyz: a real write to the conversation store and the inbox ---------------------------

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MADOGUCHI_TEST_OPS_LINE_SECRET", kLineSecret, 1);
    setenv("MADOGUCHI_TEST_OPS_LINE_TOKEN", "line-access-token", 1);
  }

  // The service on data_dir_, with a LINE channel so that it has an inbox.
  void Start() {
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this](cli::ServiceOptions& so) {
      so.config.data_dir = data_dir_;
      so.config.line_channels.push_back({"kagawa", "kagawa", "MADOGUCHI_TEST_OPS_LINE_SECRET",
                                         "MADOGUCHI_TEST_OPS_LINE_TOKEN", line_.base_url()});
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }
  void Stop() {
    client_.reset();
    service_.reset();
  }

  // The status of GET /readyz and the check it names ("" when ready).
  std::pair<int, std::string> Ready() {
    auto r = client_->Get("/readyz");
    if (!r) return {-1, ""};
    json j = json::parse(r->body, nullptr, false);
    return {r->status, j.is_object() ? j.value("check", "") : ""};
  }

  points::testing::TempDir dir_;
  const std::string data_dir_ = dir_.File("data");
  FakeLineApi line_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ReadinessTest, ADamagedConversationStoreIsNotReady) {
  Start();
  ASSERT_EQ(Ready().first, 200);
  Stop();
  ASSERT_GT(store::testing::DamageTables(data_dir_ + "/conversations.db"), 0);
  Start();
  EXPECT_EQ(Ready(), std::make_pair(503, std::string("database")));
}

TEST_F(ReadinessTest, ADamagedInboxIsNotReady) {
  Start();
  ASSERT_EQ(Ready().first, 200);
  Stop();
  ASSERT_EQ(store::testing::DamageTables(data_dir_ + "/inbox.db", {"inbox_heartbeat"}), 1);
  Start();
  EXPECT_EQ(Ready(), std::make_pair(503, std::string("inbox")));
}

TEST_F(ReadinessTest, AFullDiskIsNotReadyUntilThereIsRoomAgain) {
  Start();
  ASSERT_EQ(Ready().first, 200);
  {
    store::testing::NoFileWrites full;
    EXPECT_EQ(Ready(), std::make_pair(503, std::string("database")));
  }
  EXPECT_EQ(Ready().first, 200);
}

}  // namespace
}  // namespace madoguchi::testing
