#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

#include "damage.h"
#include "store/sealer.h"
#include "store/sqlite_conversation_store.h"

namespace madoguchi::store {
namespace {

class ConversationStoreTest : public ::testing::Test {
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
  void Reopen(SqliteStoreOptions options = {}) {
    store_.reset();
    auto s = SqliteConversationStore::Open((dir_ / "c.db").string(), options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  std::filesystem::path dir_;
  std::unique_ptr<SqliteConversationStore> store_;
  ConversationKey alice_{"api", "alice"};
  ConversationKey bob_{"api", "bob"};
};

TEST_F(ConversationStoreTest, StateSurvivesReopening) {
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-19";
  st.flow = "reissue";
  st.flow_step = 2;
  st.sealed_slots = "sealed";
  st.greeted = true;
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  Reopen();
  auto got = store_->GetState(alice_);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->last_entry_id, "kagawa-19");
  EXPECT_EQ((*got)->flow_step, 2);
  EXPECT_TRUE((*got)->greeted);
  EXPECT_FALSE(store_->GetState(bob_)->has_value());
}

TEST_F(ConversationStoreTest, ExpiredStateForgetsTopicButNotTheGreeting) {
  ConversationState st;
  st.program = "kagawa";
  st.last_entry_id = "kagawa-19";
  st.flow = "reissue";
  st.greeted = true;
  st.updated_at = 1000;  // long ago
  ASSERT_TRUE(store_->PutState(alice_, st).ok());
  auto got = store_->GetState(alice_);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->last_entry_id, "");
  EXPECT_EQ((*got)->flow, "");
  EXPECT_TRUE((*got)->greeted);
}

TEST_F(ConversationStoreTest, LinkTokensWorkOnceAndExpire) {
  LinkToken t{alice_, "kagawa", /*expires_at=*/2000};
  ASSERT_TRUE(store_->PutLinkToken("h1", t).ok());
  EXPECT_TRUE(store_->PeekLinkToken("h1", 1500).ok());
  auto used = store_->ConsumeLinkToken("h1", 1500);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(used->key.user, "alice");
  EXPECT_EQ(store_->ConsumeLinkToken("h1", 1500).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->PutLinkToken("h2", t).ok());
  EXPECT_EQ(store_->ConsumeLinkToken("h2", 2001).status().code(), StatusCode::kNotFound);
}

TEST_F(ConversationStoreTest, LinkTokensKeepTheirAccount) {
  LinkToken t{{"line", "U1"}, "kagawa", /*expires_at=*/2000, "kagawa-line"};
  ASSERT_TRUE(store_->PutLinkToken("h1", t).ok());
  EXPECT_EQ(store_->PeekLinkToken("h1", 1500)->account, "kagawa-line");
  EXPECT_EQ(store_->ConsumeLinkToken("h1", 1500)->account, "kagawa-line");
}

// A file written before link tokens had an account: opening it adds the column, and a token
// already in it still works (with no account).
TEST_F(ConversationStoreTest, OldLinkTokenTableGainsTheAccountColumn) {
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

TEST_F(ConversationStoreTest, LinkNoncesWorkOnceAndExpire) {
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
  EXPECT_EQ(store_->ConsumeLinkNonce("n1", 1500).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->PutLinkNonce("n2", n).ok());
  EXPECT_EQ(store_->ConsumeLinkNonce("n2", 2001).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->ConsumeLinkNonce("n2", 1500).status().code(), StatusCode::kNotFound);
  // A nonce is no link token, and the other way round.
  ASSERT_TRUE(store_->PutLinkNonce("n3", n).ok());
  EXPECT_EQ(store_->ConsumeLinkToken("n3", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ConsumeLinkNonce("n3", 1500).ok());
}

TEST_F(ConversationStoreTest, ForgetDropsOnlyThatConversationsNonces) {
  ASSERT_TRUE(store_->PutLinkNonce("a", {alice_, "", "kagawa", "s", 2000}).ok());
  ASSERT_TRUE(store_->PutLinkNonce("b", {bob_, "", "kagawa", "s", 2000}).ok());
  ASSERT_TRUE(store_->Forget(alice_).ok());
  EXPECT_EQ(store_->ConsumeLinkNonce("a", 1500).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->ConsumeLinkNonce("b", 1500).ok());
}

TEST_F(ConversationStoreTest, LinksAreKeptPerConversationAndForgotten) {
  ASSERT_TRUE(store_->PutLink(alice_, {"kagawa", "sealed-id", 1}).ok());
  EXPECT_TRUE(store_->GetLink(alice_)->has_value());
  EXPECT_FALSE(store_->GetLink(bob_)->has_value());
  ASSERT_TRUE(store_->Forget(alice_).ok());
  EXPECT_FALSE(store_->GetLink(alice_)->has_value());
}

TEST_F(ConversationStoreTest, FeedbackAndUnansweredReadBackNewestFirst) {
  ASSERT_TRUE(store_->AddFeedback({alice_, "kagawa", "kagawa-01", true, 10}).ok());
  ASSERT_TRUE(store_->AddFeedback({bob_, "kagawa", "kagawa-02", false, 20}).ok());
  ASSERT_TRUE(store_->AddFeedback({bob_, "ibaraki", "ibaraki-02", false, 30}).ok());
  auto fb = store_->RecentFeedback("kagawa", 10);
  ASSERT_TRUE(fb.ok());
  ASSERT_EQ(fb->size(), 2u);
  EXPECT_EQ((*fb)[0].entry_id, "kagawa-02");
  EXPECT_FALSE((*fb)[0].resolved);
  ASSERT_TRUE(store_->AddUnanswered({"kagawa", "api", "年金の手続き", "", 0.1f, 5}).ok());
  auto un = store_->RecentUnanswered("kagawa", 10);
  ASSERT_TRUE(un.ok());
  ASSERT_EQ(un->size(), 1u);
  EXPECT_EQ((*un)[0].redacted_text, "年金の手続き");
}

TEST_F(ConversationStoreTest, OutcomesAreCountedPerProgramAndTokyoDayAndSurviveReopening) {
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
  EXPECT_TRUE(store_->OutcomesByDay("itkenpo", 30)->empty());
  EXPECT_EQ(store_->CountOutcome("kagawa", "handoff").code(), StatusCode::kInvalidArgument);
}

TEST_F(ConversationStoreTest, OutcomeCountsHoldNoText) {
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

TEST_F(ConversationStoreTest, IsWritable) {
  EXPECT_TRUE(store_->CheckWritable().ok());
  EXPECT_TRUE(store_->CheckWritable().ok());  // the heartbeat row exists by now
}

TEST_F(ConversationStoreTest, IsNotWritableWhenTheDiskTakesNoMoreBytes) {
  {
    testing::NoFileWrites full;
    Status s = store_->CheckWritable();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  }
  EXPECT_TRUE(store_->CheckWritable().ok());  // the disk has room again
}

TEST_F(ConversationStoreTest, IsNotWritableWhenTheFileIsDamaged) {
  store_.reset();
  ASSERT_GT(testing::DamageTables((dir_ / "c.db").string()), 0);
  Reopen();  // the schema is intact, so the file opens
  Status s = store_->CheckWritable();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("malformed"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace madoguchi::store
