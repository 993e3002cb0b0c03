// AccountLinker's nonces for LINE's account-link flow, over the real SQLite store and a fake
// points core: a nonce is issued only for verified details, works once, expires, binds only the
// chat account it was issued for, and a failed result binds nothing.
#include "dialogue/account_link.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "points/sqlite_points_core.h"
#include "points/test_programs.h"
#include "store/sqlite_conversation_store.h"

namespace madoguchi::dialogue {
namespace {

using points::PointsCore;

constexpr char kMember[] = "K1001";
constexpr char kCode[] = "DEMO-K1001";

// Knows one member of "kagawa"; the rest of the interface is never called by the linker.
class FakeCore final : public PointsCore {
 public:
  int verify_calls = 0;

  StatusOr<points::Verification> Verify(const points::VerifyRequest& r) override {
    ++verify_calls;
    points::Verification v;
    v.verified = r.member_id == kMember && r.birth_date == Birth() && r.auth_code == kCode;
    v.level = v.verified ? points::VerificationLevel::kStrong : points::VerificationLevel::kNone;
    return v;
  }
  StatusOr<points::PointBalance> Balance(const std::string& member_id, const Date&) override {
    if (member_id != kMember) return NotFound("no member");
    points::PointBalance b;
    b.member_id = member_id;
    b.program = "kagawa";
    return b;
  }
  static Date Birth() { return *ParseIsoDate("1980-06-15"); }

  StatusOr<points::Member> CreateMember(const points::NewMember&) override { return Unused(); }
  StatusOr<points::Member> GetMember(const std::string&) override { return Unused(); }
  StatusOr<points::Lot> Grant(const std::string&, const points::GrantRequest&) override {
    return Unused();
  }
  StatusOr<std::vector<points::HistoryEntry>> History(const std::string&, int) override {
    return Unused();
  }
  StatusOr<points::Redemption> Redeem(const std::string&, const points::RedeemRequest&) override {
    return Unused();
  }
  StatusOr<points::StatusChangeResult> ChangeStatus(const std::string&,
                                                    const points::StatusChange&) override {
    return Unused();
  }
  StatusOr<points::ReissueRequest> RequestReissue(const std::string&, const std::string&,
                                                  const Date&) override {
    return Unused();
  }
  StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string&, const Date&) override {
    return Unused();
  }
  StatusOr<points::MemberRank> Rank(const std::string&, const std::string&, const Date&) override {
    return Unused();
  }

 private:
  static Status Unused() { return Internal("not used by the linker"); }
};

class AccountLinkNonceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("linknonce-" + store::RandomToken(6));
    std::filesystem::create_directories(dir_);
    auto s = store::SqliteConversationStore::Open((dir_ / "c.db").string(), {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto sealer = store::Sealer::FromHexKey(std::string(64, 'a'));
    ASSERT_TRUE(sealer.ok());
    sealer_ = std::make_unique<store::Sealer>(*sealer);
    linker_ = std::make_unique<AccountLinker>(store_.get(), &core_, sealer_.get(), LinkOptions{},
                                              [this] { return now_; });
  }
  void TearDown() override {
    linker_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The page token of a fresh link URL asked for by `key` through LINE channel `account`.
  std::string PageToken(const store::ConversationKey& key, const std::string& account) {
    auto url = linker_->IssueLinkUrl(key, "kagawa", account);
    EXPECT_TRUE(url.ok());
    return url.ok() ? url->substr(url->find("token=") + 6) : "";
  }
  // A nonce for `key` on `account`, issued after the demo member's right details.
  std::string Nonce(const store::ConversationKey& key, const std::string& account) {
    auto verified = linker_->Verify(PageToken(key, account), kMember, FakeCore::Birth(), kCode);
    EXPECT_TRUE(verified.ok()) << verified.status().ToString();
    if (!verified.ok()) return "";
    auto nonce = linker_->IssueNonce(*verified);
    EXPECT_TRUE(nonce.ok()) << nonce.status().ToString();
    return nonce.ok() ? *nonce : "";
  }
  bool Linked(const store::ConversationKey& key) {
    auto member = linker_->LinkedMember(key, "kagawa");
    return member.ok() && member->has_value() && **member == kMember;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteConversationStore> store_;
  std::unique_ptr<store::Sealer> sealer_;
  FakeCore core_;
  std::unique_ptr<AccountLinker> linker_;
  int64_t now_ = 1'800'000'000;
  const store::ConversationKey alice_{"line", "Ualice"};
  const store::ConversationKey bob_{"line", "Ubob"};
};

TEST_F(AccountLinkNonceTest, VerifyBindsNothingAndKeepsThePageToken) {
  const std::string token = PageToken(alice_, "kagawa");
  auto verified = linker_->Verify(token, kMember, FakeCore::Birth(), kCode);
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->token().key.user, "Ualice");
  EXPECT_EQ(verified->token().account, "kagawa");
  EXPECT_FALSE(Linked(alice_));
  EXPECT_TRUE(linker_->Peek(token).ok());  // not used up: LINE may still fail
}

TEST_F(AccountLinkNonceTest, WrongDetailsGiveNoProofAndNoNonce) {
  const std::string token = PageToken(alice_, "kagawa");
  auto verified = linker_->Verify(token, kMember, FakeCore::Birth(), "WRONG-CODE");
  EXPECT_EQ(verified.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(linker_->Peek(token).ok());  // a typo may be corrected
  EXPECT_FALSE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, NonceIsLongRandomUrlSafeAndUsesUpThePageToken) {
  const std::string token = PageToken(alice_, "kagawa");
  auto verified = linker_->Verify(token, kMember, FakeCore::Birth(), kCode);
  ASSERT_TRUE(verified.ok());
  auto nonce = linker_->IssueNonce(*verified);
  ASSERT_TRUE(nonce.ok());
  EXPECT_GE(nonce->size(), 22u);  // ≥ 128 bits in base64
  EXPECT_LE(nonce->size(), 255u);
  EXPECT_EQ(
      nonce->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos)
      << *nonce;
  EXPECT_EQ(linker_->Peek(token).status().code(), StatusCode::kNotFound);
  // The same proof cannot buy a second nonce.
  EXPECT_EQ(linker_->IssueNonce(*verified).status().code(), StatusCode::kNotFound);
  EXPECT_NE(Nonce(alice_, "kagawa"), *nonce);
}

TEST_F(AccountLinkNonceTest, NonceBindsOnceAndOnlyOnce) {
  const std::string nonce = Nonce(alice_, "kagawa");
  ASSERT_TRUE(linker_->CompleteNonce(alice_, "kagawa", nonce).ok());
  EXPECT_TRUE(Linked(alice_));
  ASSERT_TRUE(linker_->Unlink(alice_).ok());
  // Replayed: refused, and the conversation stays unlinked.
  EXPECT_EQ(linker_->CompleteNonce(alice_, "kagawa", nonce).code(), StatusCode::kNotFound);
  EXPECT_FALSE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, NonceExpiresAfterTenMinutes) {
  const std::string late = Nonce(alice_, "kagawa");
  const std::string in_time = Nonce(bob_, "kagawa");
  now_ += 10 * 60;  // the last second it works
  EXPECT_TRUE(linker_->CompleteNonce(bob_, "kagawa", in_time).ok());
  now_ += 1;
  EXPECT_EQ(linker_->CompleteNonce(alice_, "kagawa", late).code(), StatusCode::kNotFound);
  EXPECT_FALSE(Linked(alice_));
  EXPECT_TRUE(Linked(bob_));
}

TEST_F(AccountLinkNonceTest, AnotherUserOrChannelIsRefusedAndTheNonceIsBurnt) {
  const std::string nonce = Nonce(alice_, "kagawa");
  EXPECT_EQ(linker_->CompleteNonce(bob_, "kagawa", nonce).code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(Linked(bob_));
  EXPECT_FALSE(Linked(alice_));
  // Once shown by the wrong account, the nonce is no good to the right one either.
  EXPECT_EQ(linker_->CompleteNonce(alice_, "kagawa", nonce).code(), StatusCode::kNotFound);

  const std::string other_channel = Nonce(alice_, "ibaraki-line");
  EXPECT_EQ(linker_->CompleteNonce(alice_, "kagawa", other_channel).code(),
            StatusCode::kPermissionDenied);
  EXPECT_FALSE(Linked(alice_));
  // Another channel type with the same user id is another chat account.
  const std::string nonce2 = Nonce(alice_, "kagawa");
  EXPECT_EQ(linker_->CompleteNonce({"slack", "Ualice"}, "kagawa", nonce2).code(),
            StatusCode::kPermissionDenied);
}

TEST_F(AccountLinkNonceTest, FinishConfirmsInJapaneseAndBinds) {
  auto turn =
      linker_->FinishChannelLink(alice_, "kagawa", /*succeeded=*/true, Nonce(alice_, "kagawa"));
  ASSERT_TRUE(turn.ok());
  ASSERT_EQ(turn->messages.size(), 1u);
  EXPECT_EQ(turn->messages[0].text.rfind("アカウント連携が完了しました。", 0), 0u)
      << turn->messages[0].text;
  EXPECT_EQ(turn->messages[0].text.find(kMember), std::string::npos);
  EXPECT_TRUE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, FailedResultBindsNothingAndUsesTheNonceUp) {
  const std::string nonce = Nonce(alice_, "kagawa");
  auto turn = linker_->FinishChannelLink(alice_, "kagawa", /*succeeded=*/false, nonce);
  ASSERT_TRUE(turn.ok());
  ASSERT_EQ(turn->messages.size(), 1u);
  EXPECT_NE(turn->messages[0].text.find("完了しませんでした"), std::string::npos);
  ASSERT_EQ(turn->messages[0].choices.size(), 1u);
  EXPECT_EQ(turn->messages[0].choices[0].payload, "link");  // how to try again
  EXPECT_FALSE(Linked(alice_));
  // A later "ok" with the same nonce (a forged or confused event) binds nothing either.
  auto again = linker_->FinishChannelLink(alice_, "kagawa", /*succeeded=*/true, nonce);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->messages[0].text.find("完了しませんでした"), std::string::npos);
  EXPECT_FALSE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, UnknownNonceGetsThePoliteFailure) {
  auto turn = linker_->FinishChannelLink(alice_, "kagawa", /*succeeded=*/true, "no-such-nonce");
  ASSERT_TRUE(turn.ok());
  EXPECT_NE(turn->messages.at(0).text.find("完了しませんでした"), std::string::npos);
  EXPECT_FALSE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, ForgettingTheConversationDropsItsPendingNonce) {
  const std::string nonce = Nonce(alice_, "kagawa");
  ASSERT_TRUE(store_->Forget(alice_).ok());  // the member blocked the bot meanwhile
  EXPECT_EQ(linker_->CompleteNonce(alice_, "kagawa", nonce).code(), StatusCode::kNotFound);
  EXPECT_FALSE(Linked(alice_));
}

TEST_F(AccountLinkNonceTest, CompleteStillBindsDirectlyForOtherChannels) {
  const store::ConversationKey api{"api", "widget-1"};
  const std::string token = PageToken(api, "");
  ASSERT_TRUE(linker_->Complete(token, kMember, FakeCore::Birth(), kCode).ok());
  EXPECT_TRUE(Linked(api));
  EXPECT_EQ(linker_->Peek(token).status().code(), StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// The link page's lockout against the real points core: failures count for the member number and
// for the page's conversation, so a stranger locks their own conversation, not the member.

class AccountLinkLockoutTest : public ::testing::Test {
 protected:
  AccountLinkLockoutTest() : now_(points::FromUnixSeconds(now_seconds_)) {}

  void SetUp() override {
    auto s = store::SqliteConversationStore::Open(dir_.File("c.db"), {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    points::SqlitePointsCoreOptions o;
    o.db_path = dir_.File("points.db");
    o.programs = points::testing::TestPrograms();
    o.now = &now_;
    o.pbkdf2_iterations = 1000;
    auto core = points::SqlitePointsCore::Open(std::move(o));
    ASSERT_TRUE(core.ok()) << core.status().ToString();
    core_ = std::move(core).value();
    points::NewMember m;
    m.member_id = "K1005";
    m.program = "kagawa";
    m.birth_date = Birth();
    m.auth_code = "DEMO-K1005";
    ASSERT_TRUE(core_->CreateMember(m).ok());
    auto sealer = store::Sealer::FromHexKey(std::string(64, 'b'));
    ASSERT_TRUE(sealer.ok());
    sealer_ = std::make_unique<store::Sealer>(*sealer);
    linker_ = std::make_unique<AccountLinker>(store_.get(), core_.get(), sealer_.get(),
                                              LinkOptions{}, [this] { return now_seconds_; });
  }

  static Date Birth() { return *ParseIsoDate("2001-04-01"); }
  std::string Token(const store::ConversationKey& key) {
    auto url = linker_->IssueLinkUrl(key, "kagawa");
    EXPECT_TRUE(url.ok());
    return url.ok() ? url->substr(url->find("token=") + 6) : "";
  }

  points::testing::TempDir dir_;
  int64_t now_seconds_ = 1'760'000'000;
  points::ManualNow now_;
  std::unique_ptr<store::SqliteConversationStore> store_;
  std::unique_ptr<points::SqlitePointsCore> core_;
  std::unique_ptr<store::Sealer> sealer_;
  std::unique_ptr<AccountLinker> linker_;
};

TEST_F(AccountLinkLockoutTest, AStrangerLocksTheirOwnConversationNotTheMember) {
  const store::ConversationKey mallory{"api", "mallory"};
  const std::string token = Token(mallory);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(linker_->Complete(token, "K1005", Birth(), "WRONG-" + std::to_string(i)).code(),
              StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(linker_->Complete(token, "K1005", Birth(), "WRONG-5").code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(linker_->Complete(token, "K1005", Birth(), "DEMO-K1005").code(),
            StatusCode::kResourceExhausted);
  // The member, from their own conversation, typing the number in lower case and full width.
  const store::ConversationKey kazuko{"line", "Ukazuko"};
  Status linked = linker_->Complete(Token(kazuko), "ｋ１００５", Birth(), "DEMO-K1005");
  ASSERT_TRUE(linked.ok()) << linked.ToString();
  auto member = linker_->LinkedMember(kazuko, "kagawa");
  ASSERT_TRUE(member.ok() && member->has_value());
  EXPECT_EQ(**member, "K1005");  // as registered
}

TEST_F(AccountLinkLockoutTest, AnUnknownNumberReadsAndLocksLikeAWrongBirthDate) {
  std::vector<Status> unknown, wrong_birth;
  const std::string t1 = Token({"api", "eve"}), t2 = Token({"api", "trudy"});
  for (int i = 0; i < 5; ++i) {
    unknown.push_back(linker_->Complete(t1, "K9999", Birth(), "DEMO-K1005"));
    wrong_birth.push_back(
        linker_->Complete(t2, "K1005", *ParseIsoDate("2001-04-02"), "DEMO-K1005"));
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(unknown[i].code(), wrong_birth[i].code()) << i;
    EXPECT_EQ(unknown[i].reason(), wrong_birth[i].reason()) << i;
    EXPECT_EQ(unknown[i].message(), wrong_birth[i].message()) << i;
  }
  EXPECT_EQ(unknown[4].code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace madoguchi::dialogue
