// Which conversation store the config picks: the SQLite file in the data directory by default,
// the PostgreSQL database "store.postgres" names otherwise (a real server from tests/support),
// and a shared store refused without the shared state key. With a shared store the per-user
// message limit is shared too: two services (replicas) on one database, over HTTP. A service
// on PostgreSQL opens one pool for the store, the inbox and the limiters, and serves through a
// pool of one connection without a request waiting on itself.
#include "cli/helpdesk_assembly.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/service.h"
#include "db/postgres.h"
#include "line/fake_line_api.h"
#include "line/text_event.h"
#include "points/test_programs.h"
#include "store/postgres_conversation_store.h"
#include "support/postgres_server.h"

namespace madoguchi::cli {
namespace {

constexpr char kStateKey[] = "MADOGUCHI_STATE_KEY";
const std::string kKey(64, 'c');

// Sets or unsets an environment variable for one test, and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

class HelpdeskAssemblyTest : public ::testing::Test {
 protected:
  AssemblyOptions Options() {
    AssemblyOptions o;
    o.config.data_dir = dir_.File("data");
    o.link_page_url = "http://127.0.0.1:8080/link";
    o.today = ParseIsoDate("2026-04-15");
    return o;
  }
  bool InData(const std::string& name) {
    return std::filesystem::exists(dir_.File("data") + "/" + name);
  }
  points::testing::TempDir dir_;
};

TEST_F(HelpdeskAssemblyTest, WithoutAStoreKeyConversationsAreTheSqliteFile) {
  ScopedEnv key(kStateKey, nullptr);
  auto assembled = AssembleHelpdesk(Options());
  ASSERT_TRUE(assembled.ok()) << assembled.status().ToString();
  EXPECT_EQ(assembled->store_description, "SQLite, " + dir_.File("data") + "/conversations.db");
  EXPECT_TRUE(InData("conversations.db"));
  EXPECT_TRUE(InData("state.key"));  // one process: a key of its own is fine
  EXPECT_TRUE(assembled->helpdesk->store().CheckWritable().ok());
}

TEST_F(HelpdeskAssemblyTest, APostgresStoreNeedsTheStateKeyFromTheEnvironment) {
  ScopedEnv key(kStateKey, nullptr);
  AssemblyOptions o = Options();
  o.config.store.postgres_url = "postgresql://madoguchi@127.0.0.1:1/madoguchi";
  auto assembled = AssembleHelpdesk(o);
  ASSERT_FALSE(assembled.ok());
  EXPECT_EQ(assembled.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(assembled.status().message().find(kStateKey), std::string::npos)
      << assembled.status().message();
  // Refused before anything was written: no key file, no ledger, no SQLite conversations.
  EXPECT_FALSE(InData("state.key"));
  EXPECT_FALSE(InData("points.db"));
  EXPECT_FALSE(InData("conversations.db"));
}

TEST_F(HelpdeskAssemblyTest, APostgresStoreThatDoesNotAnswerStopsTheStart) {
  ScopedEnv key(kStateKey, kKey.c_str());
  AssemblyOptions o = Options();
  // Port 1 on loopback: nothing listens there.
  o.config.store.postgres_url = "postgresql://madoguchi@127.0.0.1:1/madoguchi";
  auto assembled = AssembleHelpdesk(o);
  ASSERT_FALSE(assembled.ok());
  EXPECT_EQ(assembled.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(assembled.status().message().find("conversation store"), std::string::npos)
      << assembled.status().message();
}

TEST_F(HelpdeskAssemblyTest, APostgresStoreKeepsTheConversationsInTheDatabase) {
  const std::string url = madoguchi::testing::FreshPostgresDatabase("assembly");
  if (url.empty()) return;
  ScopedEnv key(kStateKey, kKey.c_str());
  ScopedEnv password("MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD", nullptr);
  AssemblyOptions o = Options();
  o.config.store.postgres_url = url;
  o.config.store.password_env = "MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD";
  o.config.store.pool_size = 2;
  auto assembled = AssembleHelpdesk(o);
  ASSERT_TRUE(assembled.ok()) << assembled.status().ToString();
  EXPECT_EQ(assembled->store_description, "PostgreSQL, " + url);
  EXPECT_FALSE(InData("conversations.db"));
  EXPECT_FALSE(InData("state.key"));  // the key came from the environment
  EXPECT_TRUE(assembled->helpdesk->store().CheckWritable().ok());

  dialogue::Message m;
  m.key = {"api", "assembly-user"};
  m.program = "kagawa";
  m.text = "ポイントの有効期限は？";
  auto turn = assembled->helpdesk->Handle(m);
  ASSERT_TRUE(turn.ok()) << turn.status().ToString();
  ASSERT_FALSE(turn->messages.empty());

  // Another replica on the same database sees the conversation and the day's counts.
  db::PostgresOptions po;
  po.url = url;
  po.password_env = "";
  auto other = store::PostgresConversationStore::Open(po, {});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto state = (*other)->GetState(m.key);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_TRUE(state->has_value());
  EXPECT_EQ((*state)->program, "kagawa");
  EXPECT_TRUE((*state)->greeted);
  auto days = (*other)->OutcomesByDay("kagawa", 1);
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].answer + (*days)[0].clarify + (*days)[0].fallback,
            static_cast<int64_t>(turn->messages.size()));
}

TEST_F(HelpdeskAssemblyTest, ReplicasOnAPostgresStoreShareTheMessageLimit) {
  const std::string url = madoguchi::testing::FreshPostgresDatabase("assembly_limit");
  if (url.empty()) return;
  ScopedEnv key(kStateKey, kKey.c_str());
  ScopedEnv password("MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD", nullptr);
  std::unique_ptr<Service> replicas[2];
  for (int i = 0; i < 2; ++i) {
    ServiceOptions o;
    o.config.listen = "127.0.0.1:0";
    o.config.data_dir = dir_.File("replica" + std::to_string(i));
    o.config.store.postgres_url = url;
    o.config.store.password_env = "MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD";
    o.config.rate_limit.per_minute = 1;  // nothing refills during the test
    o.config.rate_limit.burst = 2;
    o.today = ParseIsoDate("2026-04-15");
    auto started = Service::Start(o);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    replicas[i] = std::move(started).value();
  }
  auto post = [&](int replica, const std::string& user) {
    httplib::Client client("127.0.0.1", replicas[replica]->port());
    auto r = client.Post(
        "/api/v1/messages",
        R"({"channel_user":")" + user + R"(","program":"kagawa","text":"ポイントの有効期限は？"})",
        "application/json");
    return r ? r->status : -1;
  };
  // The member's messages alternate between the replicas, as a load balancer spreads them.
  EXPECT_EQ(post(0, "alice"), 200);
  EXPECT_EQ(post(1, "alice"), 200);
  EXPECT_EQ(post(0, "alice"), 429);
  EXPECT_EQ(post(1, "alice"), 429);
  EXPECT_EQ(post(1, "bob"), 200);  // others are not affected
}

// Connections to `url`'s database other than the asking one: what the service holds open.
int OtherConnections(db::PgPool& pool) {
  int n = -1;
  Status s = pool.Run([&](db::PgConnection& conn) -> Status {
    auto r = conn.Exec(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    if (!r.ok()) return r.status();
    n = static_cast<int>(r->Int(0, 0));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return n;
}

// With a pool of one connection, every part on PostgreSQL (store, inbox, both limiters) takes
// turns on it: a member's message (limit, then conversation) and a LINE webhook (inbox depth,
// then enqueue; the worker's claim, limit, conversation, checkpoint, completion) each give the
// connection back before taking it again. Were any of them to hold it while asking for another,
// it would wait out the pool's acquire timeout (5 s) and fail; every call here must finish well
// within that, and the service must never have held more than its one connection.
TEST_F(HelpdeskAssemblyTest, OnePoolOfOneConnectionServesMessagesAndLineWithoutWaitingOnItself) {
  const std::string url = madoguchi::testing::FreshPostgresDatabase("assembly_one_pool");
  if (url.empty()) return;
  ScopedEnv key(kStateKey, kKey.c_str());
  ScopedEnv password("MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD", nullptr);
  constexpr char kLineSecret[] = "assembly-line-channel-secret";
  ScopedEnv line_secret("MADOGUCHI_ASSEMBLY_TEST_LINE_SECRET", kLineSecret);
  ScopedEnv line_token("MADOGUCHI_ASSEMBLY_TEST_LINE_TOKEN", "line-access-token");
  line::testing::FakeLineApi line;

  ServiceOptions o;
  o.config.listen = "127.0.0.1:0";
  o.config.data_dir = dir_.File("one_pool");
  o.config.store.postgres_url = url;
  o.config.store.password_env = "MADOGUCHI_ASSEMBLY_TEST_NO_PASSWORD";
  o.config.store.pool_size = 1;
  o.config.line_channels.push_back({"kagawa", "kagawa", "MADOGUCHI_ASSEMBLY_TEST_LINE_SECRET",
                                    "MADOGUCHI_ASSEMBLY_TEST_LINE_TOKEN", line.base_url()});
  o.config.rate_limit.burst = 1000;
  o.today = ParseIsoDate("2026-04-15");
  o.line_worker.idle_poll = std::chrono::milliseconds(20);
  auto started = Service::Start(o);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  std::unique_ptr<Service> service = std::move(started).value();

  // Members asking over the API and over LINE at once, so the HTTP threads and the LINE worker
  // contend for the one connection.
  constexpr int kPerThread = 4;
  constexpr int kThreads = 3;
  constexpr auto kWellWithinAcquireTimeout = std::chrono::seconds(3);
  std::atomic<int> slow{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", service->port());
      client.set_read_timeout(std::chrono::seconds(20));
      for (int i = 0; i < kPerThread; ++i) {
        const std::string n = std::to_string(t * 100 + i);
        // LINE's user ids: "U" and 32 hexadecimal digits.
        const std::string user = "U" + std::string(32 - n.size(), '0') + n;
        auto t0 = std::chrono::steady_clock::now();
        auto api = client.Post("/api/v1/messages",
                               R"({"channel_user":"api-)" + n +
                                   R"(","program":"kagawa","text":"ポイントの有効期限は？"})",
                               "application/json");
        if (std::chrono::steady_clock::now() - t0 > kWellWithinAcquireTimeout) ++slow;
        if (!api || api->status != 200) ++failed;

        const std::string body = line::testing::WebhookBody(line::testing::TextEvent{
            "E" + n, user, "ポイントの有効期限は？", "reply-token-" + n, "1" + n}
                                                                .Json());
        t0 = std::chrono::steady_clock::now();
        auto hook = line::testing::PostSigned(client, "/webhook/line/kagawa", kLineSecret, body);
        if (std::chrono::steady_clock::now() - t0 > kWellWithinAcquireTimeout) ++slow;
        if (!hook || hook->status != 200) ++failed;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(slow.load(), 0);
  // Every LINE event is answered by the worker, through the same connection.
  EXPECT_TRUE(line.WaitForDelivered(kThreads * kPerThread, std::chrono::seconds(20)))
      << line.delivered().size() << " of " << kThreads * kPerThread << " replies";
  // The worker completes an event just after its reply is delivered.
  StatusOr<int64_t> depth = -1;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  do {
    depth = service->inbox()->Depth();
    ASSERT_TRUE(depth.ok()) << depth.status().ToString();
    if (*depth != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (*depth != 0 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(*depth, 0);

  // One pool of one: the store's, the inbox's and the limiters' statements all went through a
  // single server connection.
  db::PostgresOptions po;
  po.url = url;
  po.password_env = "";
  po.pool_size = 1;
  auto observer = db::PgPool::Open(po);
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  EXPECT_EQ(OtherConnections(**observer), 1);
  service.reset();
}

}  // namespace
}  // namespace madoguchi::cli
