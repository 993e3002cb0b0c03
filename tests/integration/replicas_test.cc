// Several `madoguchi serve` processes sharing one PostgreSQL (conversation store and inbox) and
// one remote points core, with no sticky routing, as deploy/kubernetes runs them:
//   - a member's conversation moves between replicas mid-flow (a reissue started on A, finished
//     on B);
//   - one replica is killed (SIGKILL), or stopped and started again as a rolling update does,
//     while a bounded stream of signed LINE events goes to both: every event acknowledged with
//     200 is answered exactly once (the fake LINE API counts);
//   - PostgreSQL restarts under load: clear 503s while it is away, then answers again without
//     a restart of the service.
// Real binaries, a real PostgreSQL (tests/support), real HTTP on loopback; only LINE is a fake.
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "line/fake_line_api.h"
#include "line/text_event.h"
#include "support/child_process.h"
#include "support/postgres_server.h"

namespace madoguchi::testing {
namespace {

namespace fs = std::filesystem;
using line::testing::FakeLineApi;

constexpr char kToday[] = "2026-05-15";
constexpr char kLineSecret[] = "replicas-test-channel-secret";
constexpr char kPointsToken[] = "replicas-points-token-0123456789";

int GetStatus(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::milliseconds(500));
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Get(path);
  return r ? r->status : -1;
}

std::string LineUser(int i) {
  char hex[33];
  snprintf(hex, sizeof(hex), "%032x", i + 0xabc000);
  return std::string("U") + hex;
}

// What the replicas share: PostgreSQL, a seeded points core over HTTP, a fake LINE API; and
// each replica's config and log. Everything under one temp directory, removed afterwards.
class Cluster {
 public:
  // `postgres_url`: the database the replicas share.
  Cluster(const std::string& postgres_url, const std::string& name)
      : dir_(fs::temp_directory_path() / ("madoguchi-" + name + "-" + std::to_string(getpid()))),
        postgres_url_(postgres_url) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // Every replica must seal conversation state with the same key.
    setenv("MADOGUCHI_STATE_KEY",
           "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", 1);
    setenv("MADOGUCHI_POINTS_TOKEN", kPointsToken, 1);
    setenv("MADOGUCHI_REPLICAS_LINE_SECRET", kLineSecret, 1);
    setenv("MADOGUCHI_REPLICAS_LINE_TOKEN", "replicas-access-token", 1);
    unsetenv("MADOGUCHI_REPLICAS_NO_PASSWORD");
    line_.EmulateDedupe(true);
  }
  ~Cluster() {
    replicas_.clear();
    points_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Seeds the demo ledger and serves it; false (with the log) when it does not come up.
  ::testing::AssertionResult StartPointsCore() {
    const std::string db = (dir_ / "points.db").string();
    ChildProcess seed({MADOGUCHI_BINARY, "points", "seed-demo", "--db", db, "--today", kToday},
                      (dir_ / "seed.log").string());
    if (seed.Wait() != 0) {
      return ::testing::AssertionFailure() << "seed-demo failed: " << Log("seed");
    }
    points_port_ = FreeLoopbackPort();
    points_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{MADOGUCHI_BINARY, "points", "serve", "--db", db, "--listen",
                                 "127.0.0.1:" + std::to_string(points_port_), "--today", kToday},
        (dir_ / "points.log").string());
    if (WaitFor([&] { return GetStatus(points_port_, "/healthz") == 200; },
                std::chrono::seconds(15))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "points serve did not come up: " << Log("points");
  }

  // Starts replica `i` (a fresh port the first time, the same one after a kill).
  ::testing::AssertionResult StartReplica(int i) {
    if (ports_.count(i) == 0) ports_[i] = FreeLoopbackPort();
    const fs::path data = dir_ / ("replica-" + std::to_string(i));
    fs::create_directories(data);
    nlohmann::json config = {
        {"listen", "127.0.0.1:" + std::to_string(ports_[i])},
        {"data_dir", data.string()},
        {"store",
         {{"postgres", postgres_url_}, {"password_env", "MADOGUCHI_REPLICAS_NO_PASSWORD"}}},
        {"points",
         {{"mode", "http"},
          {"url", "http://127.0.0.1:" + std::to_string(points_port_)},
          {"token_env", "MADOGUCHI_POINTS_TOKEN"}}},
        {"limits", {{"messages_per_minute", 10000}, {"messages_burst", 10000}}},
        {"line_channels",
         {{{"name", "kagawa"},
           {"program", "kagawa"},
           {"secret_env", "MADOGUCHI_REPLICAS_LINE_SECRET"},
           {"token_env", "MADOGUCHI_REPLICAS_LINE_TOKEN"},
           {"api_base_url", line_.base_url()}}}}};
    const std::string config_path = (data / "config.json").string();
    std::ofstream(config_path) << config.dump();
    replicas_[i] = std::make_unique<ChildProcess>(
        std::vector<std::string>{MADOGUCHI_BINARY, "serve", "--config", config_path, "--today",
                                 kToday},
        (dir_ / ("replica-" + std::to_string(i) + ".log")).string());
    if (WaitFor([&] { return GetStatus(ports_[i], "/readyz") == 200; }, std::chrono::seconds(20))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "replica " << i << " did not become ready: " << Log("replica-" + std::to_string(i));
  }

  // SIGKILL: no goodbye, claims left as they were.
  void KillReplica(int i) { replicas_.at(i)->Stop(SIGKILL); }
  // SIGTERM; the exit code.
  int StopReplica(int i) { return replicas_.at(i)->Stop(SIGTERM); }

  int port(int i) { return ports_.at(i); }
  FakeLineApi& line() { return line_; }

  std::string Log(const std::string& name) const {
    std::ifstream in(dir_ / (name + ".log"));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  fs::path dir_;
  std::string postgres_url_;
  FakeLineApi line_;
  int points_port_ = 0;
  std::unique_ptr<ChildProcess> points_;
  std::map<int, int> ports_;
  std::map<int, std::unique_ptr<ChildProcess>> replicas_;
};

// POST /api/v1/messages on replica `port` as `user`: the joined text of the reply, or the
// status as "HTTP n".
std::string Say(int port, const std::string& user, const nlohmann::json& what) {
  nlohmann::json body = what;
  body["channel_user"] = user;
  body["program"] = "kagawa";
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(std::chrono::seconds(10));
  auto r = c.Post("/api/v1/messages", body.dump(), "application/json");
  if (!r) return "HTTP none";
  if (r->status != 200) return "HTTP " + std::to_string(r->status) + " " + r->body;
  std::string text;
  const nlohmann::json parsed = nlohmann::json::parse(r->body);
  for (const auto& m : parsed["messages"]) {
    text += m.value("text", "") + "\n";
    for (const auto& choice : m.value("choices", nlohmann::json::array())) {
      text += "[" + choice.value("label", "") + "=" + choice.value("payload", "") + "]\n";
    }
  }
  return text;
}

// The payload of the choice labelled `label` in a reply Say returned.
std::string Choice(const std::string& reply, const std::string& label) {
  const std::string key = "[" + label + "=";
  size_t at = reply.find(key);
  if (at == std::string::npos) return "";
  size_t end = reply.find(']', at);
  return reply.substr(at + key.size(), end - at - key.size());
}

// A signed LINE text event from user `i` with its own event id and reply token.
int PostLineEvent(int port, int i) {
  line::testing::TextEvent event{"01REPLICAS" + std::to_string(100000 + i), LineUser(i),
                                 "ポイントの有効期限は？", "replicas-reply-" + std::to_string(i),
                                 std::to_string(9000 + i)};
  event.timestamp += i;
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::milliseconds(300));
  c.set_read_timeout(std::chrono::seconds(5));
  auto ack = line::testing::PostSigned(c, "/webhook/line/kagawa", kLineSecret,
                                       line::testing::WebhookBody(event.Json()));
  return ack ? ack->status : -1;
}

// Of the `acked` events (of 0 … events − 1), how many LINE delivered no answer for, and how
// many it delivered more than one for: a reply is matched by its token, a push by its user.
struct Tally {
  int missing = 0;
  int doubled = 0;
};
Tally TallyAnswers(const FakeLineApi& line, const std::vector<int>& acked, int events) {
  std::map<std::string, int> by_token, by_user;
  for (int i = 0; i < events; ++i) {
    by_token["replicas-reply-" + std::to_string(i)] = i;
    by_user[LineUser(i)] = i;
  }
  std::map<int, int> answers;
  for (const auto& r : line.delivered()) {
    nlohmann::json j = r.Json();
    if (r.path == "/v2/bot/message/reply" && by_token.count(j.value("replyToken", ""))) {
      ++answers[by_token[j.value("replyToken", "")]];
    } else if (r.path == "/v2/bot/message/push" && by_user.count(j.value("to", ""))) {
      ++answers[by_user[j.value("to", "")]];
    }
  }
  Tally tally;
  for (int i : acked) {
    tally.missing += answers[i] == 0;
    tally.doubled += answers[i] > 1;
  }
  return tally;
}

class Replicas : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshPostgresDatabase("replicas");
    if (url_.empty()) return;
    cluster_ = std::make_unique<Cluster>(url_, "replicas");
    ASSERT_TRUE(cluster_->StartPointsCore());
    ASSERT_TRUE(cluster_->StartReplica(0));
    ASSERT_TRUE(cluster_->StartReplica(1));
  }
  std::string url_;
  std::unique_ptr<Cluster> cluster_;
};

TEST_F(Replicas, AConversationMovesBetweenReplicasMidFlow) {
  const int a = cluster_->port(0), b = cluster_->port(1);
  std::string reply = Say(a, "member-1", {{"text", "認証コードを再発行したい"}});
  ASSERT_NE(reply.find("会員番号"), std::string::npos) << reply;
  reply = Say(b, "member-1", {{"text", "K1001"}});
  ASSERT_NE(reply.find("生年月日を入力してください"), std::string::npos) << reply;
  reply = Say(a, "member-1", {{"text", "昭和55年6月15日"}});
  ASSERT_NE(reply.find("再発行を申し込みますか"), std::string::npos) << reply;
  const std::string yes = Choice(reply, "はい");
  ASSERT_FALSE(yes.empty()) << reply;
  reply = Say(b, "member-1", {{"postback", yes}});
  EXPECT_NE(reply.find("お申し込みを受け付けました"), std::string::npos) << reply;
  // Over, on both: a question is a question again.
  reply = Say(a, "member-1", {{"text", "ポイントの有効期限は？"}});
  EXPECT_EQ(reply.find("生年月日"), std::string::npos) << reply;
  EXPECT_NE(reply.find("有効期限"), std::string::npos) << reply;
}

TEST_F(Replicas, EveryAcknowledgedLineEventIsAnsweredOnceWhenAReplicaIsKilled) {
  constexpr int kEvents = 60;
  FakeLineApi& line = cluster_->line();
  // LINE takes replies on arrival but answers them only after Release: each replica's workers
  // are then mid-send, with more events claimed behind them, when replica 0 is killed.
  line.Hold("/v2/bot/message/reply");
  std::vector<int> acked;
  for (int i = 0; i < kEvents; ++i) {
    if (i == kEvents * 2 / 3) {
      ASSERT_TRUE(line.WaitForRequests(2)) << "both replicas are sending";
      cluster_->KillReplica(0);
    }
    // Alternate, as a load balancer would, with no stickiness: a third go to the dead one.
    int status = PostLineEvent(cluster_->port(i % 2), i);
    if (status == 200) acked.push_back(i);
  }
  line.Release();
  ASSERT_GE(acked.size(), static_cast<size_t>(kEvents * 2 / 3));
  ASSERT_LT(acked.size(), static_cast<size_t>(kEvents)) << "the killed replica answered";
  // Replica 1 drains its own events at once and replica 0's once their leases run out.
  const bool all = WaitFor([&] { return TallyAnswers(line, acked, kEvents).missing == 0; },
                           std::chrono::seconds(150));
  // The reply replica 0 had in flight went through (LINE took it) but was never confirmed: once
  // its lease runs out replica 1 takes the event up and sends once more with the same reply
  // token, which LINE refuses as used. That second try must come, and must not count twice.
  EXPECT_TRUE(WaitFor([&] { return line.requests().size() > line.delivered().size(); },
                      std::chrono::seconds(150)))
      << "replica 0's claimed event was never taken up again";
  // Anything sent twice would show within a few polls more.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const Tally tally = TallyAnswers(line, acked, kEvents);
  EXPECT_TRUE(all);
  EXPECT_EQ(tally.missing, 0) << "acknowledged events never answered";
  EXPECT_EQ(tally.doubled, 0) << "events answered more than once";
  EXPECT_EQ(cluster_->StopReplica(1), 0);
}

// A rolling update: events stream to both replicas while replica 0 is stopped (SIGTERM) and
// started again on the same port, as a Deployment replaces a pod. What replica 0 acknowledged
// before it went is answered once (by itself while stopping, or by replica 1), what reached it
// while it was down was refused (the sender redelivers), and it exits cleanly.
TEST_F(Replicas, ARollingRestartAnswersEveryAcknowledgedEventOnce) {
  constexpr int kEvents = 90;
  FakeLineApi& line = cluster_->line();
  std::vector<int> acked;
  int refused = 0;
  int exit_code = -1;
  for (int i = 0; i < kEvents; ++i) {
    if (i == kEvents / 3) exit_code = cluster_->StopReplica(0);
    if (i == kEvents * 2 / 3) {
      ASSERT_TRUE(cluster_->StartReplica(0));
    }
    int status = PostLineEvent(cluster_->port(i % 2), i);
    if (status == 200) {
      acked.push_back(i);
    } else {
      ++refused;
    }
  }
  EXPECT_EQ(exit_code, 0) << "a stopped replica finishes what it holds and exits cleanly";
  EXPECT_GT(refused, 0) << "the stopped replica took nothing";
  EXPECT_LT(refused, kEvents / 2);
  EXPECT_TRUE(WaitFor([&] { return TallyAnswers(line, acked, kEvents).missing == 0; },
                      std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const Tally tally = TallyAnswers(line, acked, kEvents);
  EXPECT_EQ(tally.missing, 0) << "acknowledged events never answered";
  EXPECT_EQ(tally.doubled, 0) << "events answered more than once";
}

// PostgreSQL restarts while members write: replies fail clearly (503 with a reason, never a
// hang or a crash) while it is away, and succeed again afterwards with no restart of ours.
TEST(ReplicasPostgresRestart, ClearErrorsThenRecoveryWithoutARestart) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> server =
      madoguchi::testing::OwnPostgresServer("restart_load", &url);
  if (server == nullptr) return;
  Cluster cluster(url, "pg-restart");
  ASSERT_TRUE(cluster.StartPointsCore());
  ASSERT_TRUE(cluster.StartReplica(0));
  const int port = cluster.port(0);

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unavailable{0}, other{0};
  std::string other_sample;
  std::mutex sample_mu;
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      for (int n = 0; !stop; ++n) {
        httplib::Client c("127.0.0.1", port);
        c.set_read_timeout(std::chrono::seconds(15));
        nlohmann::json body = {{"channel_user", "load-" + std::to_string(t)},
                               {"program", "kagawa"},
                               {"text", "ポイントの有効期限は？"}};
        auto r = c.Post("/api/v1/messages", body.dump(), "application/json");
        if (r && r->status == 200) {
          ++ok;
        } else if (r && r->status == 503) {
          ++unavailable;
        } else {
          ++other;
          std::lock_guard<std::mutex> lock(sample_mu);
          other_sample = r ? std::to_string(r->status) + " " + r->body : "no answer";
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  ASSERT_TRUE(WaitFor([&] { return ok > 10; }, std::chrono::seconds(20)));
  ASSERT_TRUE(server->Stop().ok());
  EXPECT_TRUE(WaitFor([&] { return GetStatus(port, "/readyz") == 503; }, std::chrono::seconds(15)))
      << "readiness must follow PostgreSQL";
  const int unavailable_before = unavailable;
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_GT(unavailable.load(), unavailable_before) << "members are told, not left hanging";
  EXPECT_EQ(GetStatus(port, "/healthz"), 200) << "alive: not to be restarted for it";
  ASSERT_TRUE(server->Restart().ok());
  const int ok_after_restart = ok;
  EXPECT_TRUE(WaitFor([&] { return GetStatus(port, "/readyz") == 200; }, std::chrono::seconds(20)));
  EXPECT_TRUE(WaitFor([&] { return ok > ok_after_restart + 10; }, std::chrono::seconds(20)));
  stop = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(other.load(), 0) << other_sample;
  EXPECT_EQ(cluster.StopReplica(0), 0) << cluster.Log("replica-0");
}

}  // namespace
}  // namespace madoguchi::testing
