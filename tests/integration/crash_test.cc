// Crash safety and shutdown of the LINE channel with the real binary. `madoguchi serve`
// acknowledges a signed event (200) and the fake LINE API holds the worker's first reply. Then:
//   - SIGKILL, and a start on the same data directory: the event is answered exactly once (the
//     inbox had it on disk before the 200; the reply that never completed did not count);
//   - SIGKILL while LINE has taken the reply (or the push) and not yet answered, and a start on
//     the same data directory: the member has the answer once, neither lost nor doubled (the
//     fake dedupes reply tokens and retry keys as LINE does and counts what it delivered);
//   - SIGTERM: the service waits for the reply in hand, answers it, exits 0, and a later start
//     sends nothing more (the event was finished, not left for the next run).
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "line/fake_line_api.h"
#include "line/signature.h"
#include "line/text_event.h"
#include "support/child_process.h"

extern char** environ;

namespace madoguchi::testing {
namespace {

constexpr char kSecret[] = "crash-test-channel-secret";
constexpr char kUser[] = "U0123456789abcdef0123456789abcdef";

// A fake LINE API that holds the first call until released, and answers later calls 200.
// Released, the first call is dropped unanswered (as if the process that made it had died),
// or with `answer_first` delivered like the others. Counts both.
class HangingLineApi {
 public:
  explicit HangingLineApi(bool answer_first = false) : answer_first_(answer_first) {
    server_.Post(R"(/v2/bot/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock<std::mutex> lock(mu_);
      const bool first = calls_++ == 0;
      cv_.notify_all();
      if (first) {
        cv_.wait(lock, [&] { return released_; });
        if (!answer_first_) {
          res.status = 500;  // the caller is gone by now; nothing was delivered
          return;
        }
      }
      delivered_.push_back(req.path + " " + req.body);
      cv_.notify_all();
      res.set_content(R"({"sentMessages":[{"id":"1","quoteToken":"q"}]})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~HangingLineApi() {
    Release();
    server_.stop();
    thread_.join();
  }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  bool WaitForCalls(int n, std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_ >= n; });
  }
  bool WaitForDelivered(size_t n, std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return delivered_.size() >= n; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    cv_.notify_all();
  }
  std::vector<std::string> delivered() {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }

 private:
  const bool answer_first_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool released_ = false;
  std::vector<std::string> delivered_;
};

pid_t StartServe(const std::string& config) {
  setenv("MADOGUCHI_CRASH_LINE_SECRET", kSecret, 1);
  setenv("MADOGUCHI_CRASH_LINE_TOKEN", "crash-access-token", 1);
  std::vector<std::string> args = {MADOGUCHI_BINARY, "serve",   "--config",
                                   config,           "--today", "2026-05-15"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, MADOGUCHI_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

bool WaitHealthy(int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::milliseconds(200));
  for (int i = 0; i < 300; ++i) {
    auto r = c.Get("/healthz");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A data directory and config for `serve` with one LINE channel on `line`; removed afterwards.
class ServeFixture {
 public:
  ServeFixture(const std::string& line_base_url, const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("madoguchi-" + name + "-" + std::to_string(getpid()))),
        port_(FreeLoopbackPort()) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    nlohmann::json config = {{"listen", "127.0.0.1:" + std::to_string(port_)},
                             {"data_dir", (dir_ / "data").string()},
                             {"points", {{"mode", "embedded"}, {"seed_demo", true}}},
                             {"line_channels",
                              {{{"name", "kagawa"},
                                {"program", "kagawa"},
                                {"secret_env", "MADOGUCHI_CRASH_LINE_SECRET"},
                                {"token_env", "MADOGUCHI_CRASH_LINE_TOKEN"},
                                {"api_base_url", line_base_url}}}}};
    config_path_ = (dir_ / "config.json").string();
    std::ofstream(config_path_) << config.dump();
  }
  ~ServeFixture() { std::filesystem::remove_all(dir_); }

  const std::string& config_path() const { return config_path_; }
  int port() const { return port_; }

  // Posts one signed text event; the status of the acknowledgement, or -1 without an answer.
  int PostEvent() const {
    const std::string body = line::testing::WebhookBody(line::testing::TextEvent{
        "01CRASHTEST", kUser, "ポイントの有効期限は？", "crash-reply-token", "42"}
                                                            .Json());
    httplib::Client c("127.0.0.1", port_);
    auto ack = line::testing::PostSigned(c, "/webhook/line/kagawa", kSecret, body);
    return ack ? ack->status : -1;
  }

 private:
  std::filesystem::path dir_;
  int port_;
  std::string config_path_;
};

TEST(CrashSafety, EventAcknowledgedBeforeKillIsAnsweredOnceAfterRestart) {
  HangingLineApi line;
  ServeFixture serve(line.base_url(), "crash");
  const std::string& config_path = serve.config_path();
  const int port = serve.port();

  pid_t child = StartServe(config_path);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(port));
  ASSERT_EQ(serve.PostEvent(), 200);
  // The worker's first reply is in flight and held: kill the service now.
  ASSERT_TRUE(line.WaitForCalls(1, std::chrono::seconds(10)));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  line.Release();
  EXPECT_TRUE(line.delivered().empty());

  child = StartServe(config_path);
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(port));
  EXPECT_TRUE(line.WaitForDelivered(1, std::chrono::seconds(15)));
  // A second answer would come within the worker's poll; give it the time to show.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(child, SIGTERM);
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::vector<std::string> delivered = line.delivered();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_NE(delivered[0].find("crash-reply-token"), std::string::npos) << delivered[0];
}

using line::testing::FakeLineApi;

// Kills the service while LINE holds the answer to a request it took (held: its path starts
// with `held`), restarts it on the same data directory and stops it once the event is done.
void KillWhileLineHoldsTheAnswer(FakeLineApi& line, const ServeFixture& serve,
                                 const std::string& held, size_t requests_before_kill) {
  line.EmulateDedupe(true);
  line.Hold(held);
  pid_t child = StartServe(serve.config_path());
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(serve.port()));
  ASSERT_EQ(serve.PostEvent(), 200);
  ASSERT_TRUE(line.WaitForRequests(requests_before_kill));
  ASSERT_EQ(line.requests().back().path, held) << "the request in flight";
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  line.Release();  // the answer goes nowhere: the process that asked is gone
  ASSERT_EQ(line.delivered().size(), 1u) << "LINE took it before the kill";

  child = StartServe(serve.config_path());
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(serve.port()));
  // The restarted worker takes the event up again and sends once more, which LINE refuses.
  EXPECT_TRUE(line.WaitForRequests(requests_before_kill + 1, std::chrono::seconds(15)));
  // A further send would come within the worker's poll; give it the time to show.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(child, SIGTERM);
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(CrashSafety, AReplyInFlightAtKillIsNeitherLostNorSentTwice) {
  FakeLineApi line;
  ServeFixture serve(line.base_url(), "reply-in-flight");
  KillWhileLineHoldsTheAnswer(line, serve, "/v2/bot/message/reply", 1);
  std::vector<FakeLineApi::Request> delivered = line.delivered();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].Json()["replyToken"], "crash-reply-token");
  // The used token is LINE's own "already sent": no push follows it.
  EXPECT_TRUE(line.requests_to("/v2/bot/message/push").empty());
  ASSERT_EQ(line.requests_to("/v2/bot/message/reply").size(), 2u);
}

TEST(CrashSafety, APushInFlightAtKillIsNeitherLostNorSentTwice) {
  FakeLineApi line;
  // The token is refused at once (as when it expired), so the answer goes by push.
  line.Script("/v2/bot/message/reply", {FakeLineApi::InvalidReplyToken()});
  ServeFixture serve(line.base_url(), "push-in-flight");
  KillWhileLineHoldsTheAnswer(line, serve, "/v2/bot/message/push", 2);
  std::vector<FakeLineApi::Request> delivered = line.delivered();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0].path, "/v2/bot/message/push");
  // After the restart the push is repeated with the same key (LINE answers 409), never replied.
  std::vector<FakeLineApi::Request> pushes = line.requests_to("/v2/bot/message/push");
  ASSERT_EQ(pushes.size(), 2u);
  EXPECT_FALSE(pushes[0].Header("X-Line-Retry-Key").empty());
  EXPECT_EQ(pushes[1].Header("X-Line-Retry-Key"), pushes[0].Header("X-Line-Retry-Key"));
  EXPECT_EQ(line.requests_to("/v2/bot/message/reply").size(), 1u);
}

TEST(Shutdown, SigtermFinishesTheReplyInHandThenExits) {
  HangingLineApi line(/*answer_first=*/true);
  ServeFixture serve(line.base_url(), "drain");
  pid_t child = StartServe(serve.config_path());
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(serve.port()));
  ASSERT_EQ(serve.PostEvent(), 200);
  ASSERT_TRUE(line.WaitForCalls(1, std::chrono::seconds(10)));

  kill(child, SIGTERM);
  // The reply is still held by the fake LINE API: the service must be waiting for it, not gone.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int status = 0;
  EXPECT_EQ(waitpid(child, &status, WNOHANG), 0) << "exited with a reply in flight";
  line.Release();
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(line.delivered().size(), 1u);
  EXPECT_NE(line.delivered()[0].find("crash-reply-token"), std::string::npos);

  // Finished before the exit: a new start has nothing left to send.
  child = StartServe(serve.config_path());
  ASSERT_GT(child, 0);
  ASSERT_TRUE(WaitHealthy(serve.port()));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  kill(child, SIGTERM);
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(line.delivered().size(), 1u);
}

}  // namespace
}  // namespace madoguchi::testing
