// Which conversation store the config picks: the SQLite file in the data directory by default,
// the PostgreSQL database "store.postgres" names otherwise (a real server from tests/support),
// and a shared store refused without the shared state key. With a shared store the per-user
// message limit is shared too: two services (replicas) on one database, over HTTP.
#include "cli/helpdesk_assembly.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>

#include "cli/service.h"
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

}  // namespace
}  // namespace madoguchi::cli
