// The ConversationStore contract, run against every store: the embedded SQLite file and the
// shared PostgreSQL database (a real server from tests/support). What only one of them has —
// an old SQLite file upgraded, a damaged file, a full disk; two replicas on one database, a
// server that goes away — is tested against that one below.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "base/date.h"
#include "damage.h"
#include "db/postgres.h"
#include "store/postgres_conversation_store.h"
#include "store/sealer.h"
#include "store/sqlite_conversation_store.h"
#include "support/postgres_server.h"

namespace madoguchi::store {
namespace {

enum class Backend { kSqlite, kPostgres };

void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

db::PostgresOptions PostgresAt(const std::string& url) {
  db::PostgresOptions o;
  o.url = url;
  o.password_env = "";
  return o;
}

// Runs `threads` threads, each calling `work(i)` once, released together so that they race.
template <typename Work>
void RaceThreads(int threads, Work work) {
  std::atomic<int> ready{0};
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      ready.fetch_add(1);
      while (ready.load() < threads) std::this_thread::yield();
      work(i);
    });
  }
  for (std::thread& t : pool) t.join();
}

class ConversationStoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      dir_ = std::filesystem::temp_directory_path() / ("convstore-" + RandomToken(6));
      std::filesystem::create_directories(dir_);
    } else {
      url_ = madoguchi::testing::FreshPostgresDatabase("convstore");
      if (url_.empty()) {
        if (!IsSkipped()) FAIL() << "no PostgreSQL database for the test";
        return;
      }
    }
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // A new store on the same file or database: what a restarted process, or another replica,
  // sees.
  StatusOr<std::unique_ptr<ConversationStore>> OpenAnother(ConversationStoreOptions options = {}) {
    if (GetParam() == Backend::kSqlite) {
      SqliteStoreOptions o;
      o.state_ttl_seconds = options.state_ttl_seconds;
      auto s = SqliteConversationStore::Open((dir_ / "c.db").string(), o);
      if (!s.ok()) return s.status();
      return std::unique_ptr<ConversationStore>(std::move(s).value());
    }
    auto s = PostgresConversationStore::Open(PostgresAt(url_), options);
    if (!s.ok()) return s.status();
    return std::unique_ptr<ConversationStore>(std::move(s).value());
  }
  void Reopen(ConversationStoreOptions options = {}) {
    store_.reset();
    auto s = OpenAnother(options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<ConversationStore> store_;
  ConversationKey alice_{"api", "alice"};
  ConversationKey bob_{"api", "bob"};
};

INSTANTIATE_TEST_SUITE_P(Backends, ConversationStoreContract,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& backend) {
                           return backend.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST_P(ConversationStoreContract, StateSurvivesReopening) {
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-19";
  st.flow = "reissue";
  st.flow_step = 2;
  st.flow_failures = 1;
  st.sealed_slots = "sealed";
  st.greeted = true;
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  Reopen();
  auto got = store_->GetState(alice_);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->program, "kagawa");
  EXPECT_EQ((*got)->last_entry_id, "kagawa-19");
  EXPECT_EQ((*got)->flow, "reissue");
  EXPECT_EQ((*got)->flow_step, 2);
  EXPECT_EQ((*got)->flow_failures, 1);
  EXPECT_EQ((*got)->sealed_slots, "sealed");
  EXPECT_TRUE((*got)->greeted);
  EXPECT_GT((*got)->updated_at, 0);  // stamped when not given
  EXPECT_FALSE(store_->GetState(bob_)->has_value());
  // A conversation is keyed by channel and user together.
  EXPECT_FALSE(store_->GetState({"line", "alice"})->has_value());
}

TEST_P(ConversationStoreContract, PutStateReplacesTheWholeState) {
  ConversationState st;
  st.program = "kagawa";
  st.flow = "reissue";
  st.flow_step = 3;
  st.greeted = true;
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  ConversationState next;
  next.program = "kagawa";
  next.last_entry_id = "kagawa-02";
  ASSERT_TRUE(store_->PutState(alice_, next).ok());
  auto got = store_->GetState(alice_);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->flow, "");
  EXPECT_EQ((*got)->flow_step, 0);
  EXPECT_FALSE((*got)->greeted);
  EXPECT_EQ((*got)->last_entry_id, "kagawa-02");
}

TEST_P(ConversationStoreContract, ExpiredStateForgetsTopicButNotTheGreeting) {
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-19";
  st.flow = "reissue";
  st.greeted = true;
  st.updated_at = 1000;  // long ago
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  auto got = store_->GetState(alice_);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->program, "kagawa");
  EXPECT_EQ((*got)->last_entry_id, "");
  EXPECT_EQ((*got)->flow, "");
  EXPECT_TRUE((*got)->greeted);
}

TEST_P(ConversationStoreContract, TheTimeToLiveIsTheOptionsOwn) {
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-19";
  st.updated_at = UnixSeconds() - 600;  // ten minutes ago
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  EXPECT_EQ((*store_->GetState(alice_))->last_entry_id, "kagawa-19");  // within a day
  ConversationStoreOptions short_lived;
  short_lived.state_ttl_seconds = 60;
  Reopen(short_lived);
  EXPECT_EQ((*store_->GetState(alice_))->last_entry_id, "");
}

TEST_P(ConversationStoreContract, LinkTokensWorkOnceAndExpire) {
  LinkToken t{alice_, "kagawa", /*expires_at=*/2000};
  ASSERT_TRUE(store_->PutLinkToken("h1", t).ok());
  auto peeked = store_->PeekLinkToken("h1", 1500);
  ASSERT_TRUE(peeked.ok()) << peeked.status().ToString();
  EXPECT_EQ(peeked->program, "kagawa");
  EXPECT_EQ(peeked->expires_at, 2000);
  EXPECT_TRUE(store_->PeekLinkToken("h1", 1500).ok());  // peeking uses nothing up
  auto used = store_->ConsumeLinkToken("h1", 2000);     // the last second still counts
  ASSERT_TRUE(used.ok()) << used.status().ToString();
  EXPECT_EQ(used->key.channel, "api");
  EXPECT_EQ(used->key.user, "alice");
  EXPECT_EQ(store_->ConsumeLinkToken("h1", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->PeekLinkToken("h1", 1500).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->PutLinkToken("h2", t).ok());
  EXPECT_EQ(store_->PeekLinkToken("h2", 2001).status().code(), StatusCode::kNotFound);
  // An expired token is deleted when seen, not merely hidden.
  EXPECT_EQ(store_->ConsumeLinkToken("h2", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ConsumeLinkToken("unknown", 1500).status().code(), StatusCode::kNotFound);
}

TEST_P(ConversationStoreContract, LinkTokensKeepTheirAccount) {
  LinkToken t{{"line", "U1"}, "kagawa", /*expires_at=*/2000, "kagawa-line"};
  ASSERT_TRUE(store_->PutLinkToken("h1", t).ok());
  EXPECT_EQ(store_->PeekLinkToken("h1", 1500)->account, "kagawa-line");
  EXPECT_EQ(store_->ConsumeLinkToken("h1", 1500)->account, "kagawa-line");
}

TEST_P(ConversationStoreContract, LinkNoncesWorkOnceAndExpire) {
  LinkNonce n{{"line", "U1"}, "kagawa-line", "kagawa", "sealed-id", /*expires_at=*/2000};
  ASSERT_TRUE(store_->PutLinkNonce("n1", n).ok());
  Reopen();  // durable: the member may take a while in LINE's dialog
  auto used = store_->ConsumeLinkNonce("n1", 2000);
  ASSERT_TRUE(used.ok()) << used.status().ToString();
  EXPECT_EQ(used->key.channel, "line");
  EXPECT_EQ(used->key.user, "U1");
  EXPECT_EQ(used->account, "kagawa-line");
  EXPECT_EQ(used->program, "kagawa");
  EXPECT_EQ(used->sealed_member_id, "sealed-id");
  EXPECT_EQ(used->expires_at, 2000);
  EXPECT_EQ(store_->ConsumeLinkNonce("n1", 1500).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->PutLinkNonce("n2", n).ok());
  EXPECT_EQ(store_->ConsumeLinkNonce("n2", 2001).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ConsumeLinkNonce("n2", 1500).status().code(), StatusCode::kNotFound);
  // A nonce is no link token, and the other way round.
  ASSERT_TRUE(store_->PutLinkNonce("n3", n).ok());
  EXPECT_EQ(store_->ConsumeLinkToken("n3", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ConsumeLinkNonce("n3", 1500).ok());
}

TEST_P(ConversationStoreContract, ATokenOrNonceRacedForOnManyThreadsWorksOnce) {
  constexpr int kThreads = 8;
  ASSERT_TRUE(store_->PutLinkToken("t", {alice_, "kagawa", 2000}).ok());
  ASSERT_TRUE(store_->PutLinkNonce("n", {alice_, "", "kagawa", "s", 2000}).ok());
  std::atomic<int> tokens{0}, nonces{0}, errors{0};
  RaceThreads(kThreads, [&](int) {
    auto t = store_->ConsumeLinkToken("t", 1500);
    if (t.ok()) ++tokens;
    if (!t.ok() && t.status().code() != StatusCode::kNotFound) ++errors;
    auto n = store_->ConsumeLinkNonce("n", 1500);
    if (n.ok()) ++nonces;
    if (!n.ok() && n.status().code() != StatusCode::kNotFound) ++errors;
  });
  EXPECT_EQ(tokens.load(), 1);
  EXPECT_EQ(nonces.load(), 1);
  EXPECT_EQ(errors.load(), 0);
}

TEST_P(ConversationStoreContract, ForgetDropsOnlyThatConversationsStateLinkAndNonces) {
  ConversationState st;
  st.program = "kagawa";
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  ASSERT_TRUE(store_->PutState(bob_, st).ok());
  ASSERT_TRUE(store_->PutLink(alice_, {"kagawa", "sealed-a", 1}).ok());
  ASSERT_TRUE(store_->PutLink(bob_, {"kagawa", "sealed-b", 1}).ok());
  ASSERT_TRUE(store_->PutLinkNonce("a", {alice_, "", "kagawa", "s", 2000}).ok());
  ASSERT_TRUE(store_->PutLinkNonce("b", {bob_, "", "kagawa", "s", 2000}).ok());
  ASSERT_TRUE(store_->Forget(alice_).ok());
  EXPECT_FALSE(store_->GetState(alice_)->has_value());
  EXPECT_FALSE(store_->GetLink(alice_)->has_value());
  EXPECT_EQ(store_->ConsumeLinkNonce("a", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetState(bob_)->has_value());
  EXPECT_TRUE(store_->GetLink(bob_)->has_value());
  EXPECT_TRUE(store_->ConsumeLinkNonce("b", 1500).ok());
}

TEST_P(ConversationStoreContract, LinksAreKeptPerConversationReplacedAndDeleted) {
  ASSERT_TRUE(store_->PutLink(alice_, {"kagawa", "sealed-id", 1}).ok());
  auto link = store_->GetLink(alice_);
  ASSERT_TRUE(link.ok() && link->has_value());
  EXPECT_EQ((*link)->program, "kagawa");
  EXPECT_EQ((*link)->sealed_member_id, "sealed-id");
  EXPECT_EQ((*link)->linked_at, 1);
  EXPECT_FALSE(store_->GetLink(bob_)->has_value());
  ASSERT_TRUE(store_->PutLink(alice_, {"kagawa", "sealed-other", 2}).ok());  // linked again
  EXPECT_EQ((*store_->GetLink(alice_))->sealed_member_id, "sealed-other");
  ASSERT_TRUE(store_->DeleteLink(alice_).ok());
  EXPECT_FALSE(store_->GetLink(alice_)->has_value());
}

TEST_P(ConversationStoreContract, FeedbackAndUnansweredReadBackNewestFirst) {
  ASSERT_TRUE(store_->AddFeedback({alice_, "kagawa", "kagawa-01", true, 10}).ok());
  ASSERT_TRUE(store_->AddFeedback({bob_, "kagawa", "kagawa-02", false, 20}).ok());
  ASSERT_TRUE(store_->AddFeedback({bob_, "ibaraki", "ibaraki-02", false, 30}).ok());
  auto fb = store_->RecentFeedback("kagawa", 10);
  ASSERT_TRUE(fb.ok()) << fb.status().ToString();
  ASSERT_EQ(fb->size(), 2u);
  EXPECT_EQ((*fb)[0].entry_id, "kagawa-02");
  EXPECT_EQ((*fb)[0].key.channel, "api");
  EXPECT_EQ((*fb)[0].key.user, "bob");
  EXPECT_EQ((*fb)[0].program, "kagawa");
  EXPECT_FALSE((*fb)[0].resolved);
  EXPECT_EQ((*fb)[0].at, 20);
  EXPECT_TRUE((*fb)[1].resolved);
  EXPECT_EQ(store_->RecentFeedback("kagawa", 1)->size(), 1u);

  ASSERT_TRUE(store_->AddUnanswered({"kagawa", "api", "年金の手続き", "", 0.1f, 5}).ok());
  ASSERT_TRUE(store_->AddUnanswered({"kagawa", "line", "保険証", "kagawa-03", 0.25f, 6}).ok());
  auto un = store_->RecentUnanswered("kagawa", 10);
  ASSERT_TRUE(un.ok()) << un.status().ToString();
  ASSERT_EQ(un->size(), 2u);
  EXPECT_EQ((*un)[0].redacted_text, "保険証");
  EXPECT_EQ((*un)[0].channel, "line");
  EXPECT_EQ((*un)[0].nearest_entry_id, "kagawa-03");
  EXPECT_EQ((*un)[0].confidence, 0.25f);
  EXPECT_EQ((*un)[0].at, 6);
  EXPECT_EQ((*un)[1].redacted_text, "年金の手続き");
  EXPECT_EQ((*un)[1].confidence, 0.1f);  // a float read back exactly
  EXPECT_TRUE(store_->RecentUnanswered("ibaraki", 10)->empty());
}

TEST_P(ConversationStoreContract, OutcomesAreCountedPerProgramAndTokyoDayAndSurviveReopening) {
  // 2026-04-14T14:59:59Z is 23:59:59 in Tokyo; a second later it is the 15th there.
  constexpr int64_t kEndOf14th = 1776178799;
  for (const char* outcome : {"answer", "answer", "clarify", "fallback"}) {
    ASSERT_TRUE(store_->CountOutcome("kagawa", outcome, kEndOf14th).ok());
  }
  ASSERT_TRUE(store_->CountOutcome("kagawa", "answer", kEndOf14th + 1).ok());
  ASSERT_TRUE(store_->CountOutcome("ibaraki", "fallback", kEndOf14th + 1).ok());
  Reopen();  // durable: /metrics counters start again at 0, these do not
  auto days = store_->OutcomesByDay("kagawa", 30);
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].day, "2026-04-14");
  EXPECT_EQ((*days)[0].answer, 2);
  EXPECT_EQ((*days)[0].clarify, 1);
  EXPECT_EQ((*days)[0].fallback, 1);
  EXPECT_EQ((*days)[1].day, "2026-04-15");
  EXPECT_EQ((*days)[1].answer, 1);
  EXPECT_EQ((*days)[1].clarify, 0);
  EXPECT_EQ((*days)[1].fallback, 0);
  // The most recent days only, still oldest first.
  auto last = store_->OutcomesByDay("kagawa", 1);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].day, "2026-04-15");
  EXPECT_EQ(store_->OutcomesByDay("kagawa", 0)->size(), 1u);  // clamped to one day
  EXPECT_TRUE(store_->OutcomesByDay("itkenpo", 30)->empty());
  EXPECT_EQ(store_->CountOutcome("kagawa", "handoff").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->OutcomesByDay("kagawa", 30)->size(), 2u);  // the refused one counted nowhere
}

TEST_P(ConversationStoreContract, IsWritable) {
  EXPECT_TRUE(store_->CheckWritable().ok());
  EXPECT_TRUE(store_->CheckWritable().ok());  // the heartbeat row exists by now
}

// --- The SQLite file only -----------------------------------------------------------------

class SqliteConversationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("convstore-" + RandomToken(6));
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    store_.reset();
    auto s = SqliteConversationStore::Open((dir_ / "c.db").string(), {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteConversationStore> store_;
};

// A file written before link tokens had an account: opening it adds the column, and a token
// already in it still works (with no account).
TEST_F(SqliteConversationStoreTest, OldLinkTokenTableGainsTheAccountColumn) {
  store_.reset();
  const std::string path = (dir_ / "old.db").string();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db,
                   "CREATE TABLE link_token (token_hash TEXT PRIMARY KEY, channel TEXT NOT "
                   "NULL, user TEXT NOT NULL, program TEXT NOT NULL, expires_at INTEGER NOT "
                   "NULL); INSERT INTO link_token VALUES ('old', 'api', 'a', 'kagawa', 2000);",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  for (int i = 0; i < 2; ++i) {  // and opening it again changes nothing
    auto s = SqliteConversationStore::Open(path, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  auto old = store_->PeekLinkToken("old", 1500);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->account, "");
  ASSERT_TRUE(store_->PutLinkToken("new", {{"line", "U1"}, "kagawa", 2000, "kagawa-line"}).ok());
  EXPECT_EQ(store_->ConsumeLinkToken("new", 1500)->account, "kagawa-line");
}

TEST_F(SqliteConversationStoreTest, OutcomeCountsHoldNoText) {
  ASSERT_TRUE(store_->CountOutcome("kagawa", "fallback").ok());
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "c.db").string().c_str(), &db), SQLITE_OK);
  std::vector<std::string> columns;
  sqlite3_stmt* info = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA table_info(outcome_daily)", -1, &info, nullptr),
            SQLITE_OK);
  while (sqlite3_step(info) == SQLITE_ROW) {
    columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(info, 1)));
  }
  sqlite3_finalize(info);
  sqlite3_close(db);
  EXPECT_EQ(columns, (std::vector<std::string>{"program", "day", "outcome", "count"}));
}

TEST_F(SqliteConversationStoreTest, IsNotWritableWhenTheDiskTakesNoMoreBytes) {
  {
    testing::NoFileWrites full;
    Status s = store_->CheckWritable();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  }
  EXPECT_TRUE(store_->CheckWritable().ok());  // the disk has room again
}

TEST_F(SqliteConversationStoreTest, IsNotWritableWhenTheFileIsDamaged) {
  store_.reset();
  ASSERT_GT(testing::DamageTables((dir_ / "c.db").string()), 0);
  Reopen();  // the schema is intact, so the file opens
  Status s = store_->CheckWritable();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("malformed"), std::string::npos) << s.ToString();
}

// --- PostgreSQL only: several replicas on one database ------------------------------------

class PostgresConversationStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = madoguchi::testing::FreshPostgresDatabase("convstore_pg");
    if (url_.empty() && !IsSkipped()) FAIL() << "no PostgreSQL database for the test";
  }
  // One replica: a store with its own pool of connections.
  std::unique_ptr<PostgresConversationStore> Replica() {
    auto s = PostgresConversationStore::Open(PostgresAt(url_), {});
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  // What the test reads besides the store: the database as it is.
  StatusOr<db::PgResult> Sql(const std::string& sql) {
    auto pool = db::PgPool::Open(PostgresAt(url_));
    if (!pool.ok()) return pool.status();
    std::optional<db::PgResult> rows;
    Status s = (*pool)->Run([&](db::PgConnection& conn) -> Status {
      auto r = conn.Exec(sql);
      if (!r.ok()) return r.status();
      rows.emplace(std::move(r).value());
      return Status::Ok();
    });
    if (!s.ok()) return s;
    return std::move(*rows);
  }
  std::string url_;
  ConversationKey alice_{"line", "U1"};
};

TEST_F(PostgresConversationStoreTest, ALinkTokenRacedForByTwoReplicasWorksExactlyOnce) {
  auto a = Replica();
  auto b = Replica();
  ASSERT_TRUE(a && b);
  constexpr int kTokens = 40;
  for (int i = 0; i < kTokens; ++i) {
    ASSERT_TRUE(a->PutLinkToken("t" + std::to_string(i), {alice_, "kagawa", 2000}).ok());
    ASSERT_TRUE(b->PutLinkNonce("n" + std::to_string(i), {alice_, "", "kagawa", "s", 2000}).ok());
  }
  // Two threads per replica, all four racing for the same token at once, token after token.
  std::atomic<int> tokens{0}, nonces{0}, errors{0};
  RaceThreads(4, [&](int thread) {
    ConversationStore& replica = thread % 2 ? static_cast<ConversationStore&>(*b) : *a;
    for (int i = 0; i < kTokens; ++i) {
      auto t = replica.ConsumeLinkToken("t" + std::to_string(i), 1500);
      if (t.ok()) ++tokens;
      if (!t.ok() && t.status().code() != StatusCode::kNotFound) ++errors;
      auto n = replica.ConsumeLinkNonce("n" + std::to_string(i), 1500);
      if (n.ok()) ++nonces;
      if (!n.ok() && n.status().code() != StatusCode::kNotFound) ++errors;
    }
  });
  EXPECT_EQ(tokens.load(), kTokens);
  EXPECT_EQ(nonces.load(), kTokens);
  EXPECT_EQ(errors.load(), 0);
}

TEST_F(PostgresConversationStoreTest, OutcomeCountsFromTwoReplicasAddUp) {
  auto a = Replica();
  auto b = Replica();
  ASSERT_TRUE(a && b);
  constexpr int64_t kNoonInTokyo = 1776222000;  // 2026-04-15 12:00 JST
  constexpr int kEach = 50;
  std::atomic<int> errors{0};
  RaceThreads(6, [&](int thread) {
    ConversationStore& replica = thread % 2 ? static_cast<ConversationStore&>(*b) : *a;
    for (int i = 0; i < kEach; ++i) {
      if (!replica.CountOutcome("kagawa", i % 5 == 0 ? "fallback" : "answer", kNoonInTokyo).ok()) {
        ++errors;
      }
    }
  });
  EXPECT_EQ(errors.load(), 0);
  for (ConversationStore* replica :
       {static_cast<ConversationStore*>(a.get()), static_cast<ConversationStore*>(b.get())}) {
    auto days = replica->OutcomesByDay("kagawa", 7);
    ASSERT_TRUE(days.ok()) << days.status().ToString();
    ASSERT_EQ(days->size(), 1u);
    EXPECT_EQ((*days)[0].day, "2026-04-15");
    EXPECT_EQ((*days)[0].answer, 6 * kEach * 4 / 5);
    EXPECT_EQ((*days)[0].fallback, 6 * kEach / 5);
    EXPECT_EQ((*days)[0].clarify, 0);
  }
  // Counts only: no conversation, no text.
  auto columns =
      Sql("SELECT column_name FROM information_schema.columns "
          "WHERE table_name = 'conversation_outcome_daily' ORDER BY ordinal_position");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  std::vector<std::string> names;
  for (int i = 0; i < columns->rows(); ++i) names.push_back(columns->Text(i, 0));
  EXPECT_EQ(names, (std::vector<std::string>{"program", "day", "outcome", "n"}));
}

TEST_F(PostgresConversationStoreTest, WhatOneReplicaWritesTheOtherReads) {
  auto a = Replica();
  auto b = Replica();
  ASSERT_TRUE(a && b);
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-07";
  st.greeted = true;
  ASSERT_TRUE(a->PutState(alice_, st).ok());
  ASSERT_TRUE(a->PutLink(alice_, {"kagawa", "sealed", 5}).ok());
  ASSERT_TRUE(a->PutLinkToken("h", {alice_, "kagawa", 2000, "kagawa-line"}).ok());
  EXPECT_EQ((*b->GetState(alice_))->last_entry_id, "kagawa-07");
  EXPECT_EQ((*b->GetLink(alice_))->sealed_member_id, "sealed");
  EXPECT_EQ(b->ConsumeLinkToken("h", 1500)->account, "kagawa-line");
  EXPECT_EQ(a->PeekLinkToken("h", 1500).status().code(), StatusCode::kNotFound);
}

TEST_F(PostgresConversationStoreTest, AStoreOpenedTwiceAtOnceMigratesOnce) {
  // The schema's CREATE TABLEs have no IF NOT EXISTS: had both run it, one would fail.
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<PostgresConversationStore>> stores(kReplicas);
  std::vector<Status> opened(kReplicas, Status::Ok());
  RaceThreads(kReplicas, [&](int i) {
    auto s = PostgresConversationStore::Open(PostgresAt(url_), {});
    if (s.ok()) {
      stores[static_cast<size_t>(i)] = std::move(s).value();
    } else {
      opened[static_cast<size_t>(i)] = s.status();
    }
  });
  for (int i = 0; i < kReplicas; ++i) {
    EXPECT_TRUE(opened[static_cast<size_t>(i)].ok()) << opened[static_cast<size_t>(i)].ToString();
  }
  auto versions =
      Sql("SELECT version FROM madoguchi_schema_versions WHERE component = 'conversation_store'");
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  ASSERT_EQ(versions->rows(), 1);
  EXPECT_EQ(versions->Int(0, 0), 1);
  ASSERT_NE(stores[0], nullptr);
  EXPECT_TRUE(stores[0]->CheckWritable().ok());
}

TEST_F(PostgresConversationStoreTest, ADatabaseFromANewerBinaryIsRefused) {
  ASSERT_NE(Replica(), nullptr);
  ASSERT_TRUE(Sql("UPDATE madoguchi_schema_versions SET version = 99 "
                  "WHERE component = 'conversation_store'")
                  .ok());
  auto s = PostgresConversationStore::Open(PostgresAt(url_), {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition) << s.status().ToString();
}

// A server of the test's own, since it is stopped: the readiness check says so, and the store
// works again once the server is back, without being reopened.
TEST(PostgresConversationStoreOutage, IsNotWritableWhileTheServerIsDownAndRecovers) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> server =
      madoguchi::testing::OwnPostgresServer("outage", &url);
  if (server == nullptr) return;
  db::PostgresOptions o = PostgresAt(url);
  o.connect_timeout = std::chrono::milliseconds(1000);
  auto store = PostgresConversationStore::Open(o, {});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->CheckWritable().ok());
  ASSERT_TRUE((*store)->PutLink({"api", "a"}, {"kagawa", "sealed", 1}).ok());

  ASSERT_TRUE(server->Stop().ok());
  Status down = (*store)->CheckWritable();
  EXPECT_EQ(down.code(), StatusCode::kUnavailable) << down.ToString();
  EXPECT_NE(down.message().find("heartbeat"), std::string::npos) << down.ToString();
  EXPECT_EQ((*store)->GetLink({"api", "a"}).status().code(), StatusCode::kUnavailable);

  ASSERT_TRUE(server->Restart().ok());
  EXPECT_TRUE((*store)->CheckWritable().ok());
  auto link = (*store)->GetLink({"api", "a"});
  ASSERT_TRUE(link.ok()) << link.status().ToString();
  EXPECT_TRUE(link->has_value());
}

}  // namespace
}  // namespace madoguchi::store
