#include <gtest/gtest.h>

#include <filesystem>

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

TEST_F(ConversationStoreTest, IsWritable) { EXPECT_TRUE(store_->CheckWritable().ok()); }

}  // namespace
}  // namespace madoguchi::store
