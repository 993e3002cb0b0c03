// ErrorCountingPointsCore: every call is forwarded as it is, and only the failures that mean the
// core could not answer (unavailable, internal) are reported, by call.
#include "points/error_counting_points_core.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace madoguchi::points {
namespace {

// Answers every call with `next` (an error) or a value, and remembers what it was asked.
class ScriptedCore : public PointsCore {
 public:
  Status next;  // OK: answer with a value
  std::vector<std::string> calls;

  StatusOr<Member> CreateMember(const NewMember& m) override {
    Member member;
    member.member_id = m.member_id;
    return Answer<Member>("create_member", member);
  }
  StatusOr<Member> GetMember(const std::string& id) override {
    Member member;
    member.member_id = id;
    return Answer<Member>("get_member", member);
  }
  StatusOr<Lot> Grant(const std::string&, const GrantRequest&) override {
    return Answer<Lot>("grant", Lot{});
  }
  StatusOr<PointBalance> Balance(const std::string& id, const Date&) override {
    PointBalance b;
    b.member_id = id;
    b.balance = 1250;
    return Answer<PointBalance>("balance", b);
  }
  StatusOr<std::vector<HistoryEntry>> History(const std::string&, int) override {
    return Answer<std::vector<HistoryEntry>>("history", {});
  }
  StatusOr<Redemption> Redeem(const std::string&, const RedeemRequest&) override {
    return Answer<Redemption>("redeem", Redemption{});
  }
  StatusOr<StatusChangeResult> ChangeStatus(const std::string&, const StatusChange&) override {
    return Answer<StatusChangeResult>("change_status", StatusChangeResult{});
  }
  StatusOr<ReissueRequest> RequestReissue(const std::string&, const std::string&,
                                          const Date&) override {
    return Answer<ReissueRequest>("request_reissue", ReissueRequest{});
  }
  StatusOr<Verification> Verify(const VerifyRequest&) override {
    return Answer<Verification>("verify", Verification{true, VerificationLevel::kWeak});
  }
  StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string&, const Date&) override {
    return Answer<rules::ExchangeWindow>("exchange_window", rules::ExchangeWindow{});
  }
  StatusOr<MemberRank> Rank(const std::string&, const std::string&, const Date&) override {
    return Answer<MemberRank>("rank", MemberRank{});
  }

 private:
  template <typename T>
  StatusOr<T> Answer(const char* op, T value) {
    calls.push_back(op);
    if (!next.ok()) return next;
    return value;
  }
};

struct Reported {
  std::string op;
  StatusCode code;
};

class ErrorCountingPointsCoreTest : public ::testing::Test {
 protected:
  ErrorCountingPointsCoreTest() {
    auto inner = std::make_unique<ScriptedCore>();
    inner_ = inner.get();
    core_ = std::make_unique<ErrorCountingPointsCore>(
        std::move(inner), [this](std::string_view op, StatusCode code) {
          std::lock_guard<std::mutex> lock(mu_);
          reported_.push_back({std::string(op), code});
        });
  }

  // Calls every operation once.
  void CallAll() {
    const Date d = *ParseIsoDate("2026-05-15");
    NewMember m;
    m.member_id = "K1001";
    m.program = "kagawa";
    m.birth_date = d;
    (void)core_->CreateMember(m);
    (void)core_->GetMember("K1001");
    (void)core_->Grant("K1001", {"健診受診", 100, d});
    (void)core_->Balance("K1001", d);
    (void)core_->History("K1001", 5);
    (void)core_->Redeem("K1001", {"図書カード", 100, d});
    (void)core_->ChangeStatus("K1001", {MemberStatus::kRetired, d});
    (void)core_->RequestReissue("K1001", "key-1", d);
    (void)core_->Verify({"K1001", d, std::nullopt, {}});
    (void)core_->ExchangeWindow("kagawa", d);
    (void)core_->Rank("ibaraki", "K1001", d);
  }

  ScriptedCore* inner_;
  std::unique_ptr<ErrorCountingPointsCore> core_;
  std::mutex mu_;
  std::vector<Reported> reported_;
};

const std::vector<std::string> kAllOps = {
    "create_member", "get_member",      "grant",  "balance",         "history", "redeem",
    "change_status", "request_reissue", "verify", "exchange_window", "rank"};

TEST_F(ErrorCountingPointsCoreTest, ForwardsEveryCallAndItsAnswer) {
  CallAll();
  EXPECT_EQ(inner_->calls, kAllOps);
  StatusOr<PointBalance> b = core_->Balance("K2002", *ParseIsoDate("2026-05-15"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->member_id, "K2002");
  EXPECT_EQ(b->balance, 1250);
  EXPECT_TRUE(reported_.empty());
}

TEST_F(ErrorCountingPointsCoreTest, ReportsUnavailableAndInternalByOperation) {
  for (StatusCode code : {StatusCode::kUnavailable, StatusCode::kInternal}) {
    SCOPED_TRACE(StatusCodeName(code));
    reported_.clear();
    inner_->next = Status(code, "points core: connection refused", kReasonUnavailable);
    CallAll();
    ASSERT_EQ(reported_.size(), kAllOps.size());
    for (size_t i = 0; i < kAllOps.size(); ++i) {
      EXPECT_EQ(reported_[i].op, kAllOps[i]);
      EXPECT_EQ(reported_[i].code, code);
    }
  }
  // The error itself reaches the caller unchanged.
  StatusOr<PointBalance> b = core_->Balance("K1001", *ParseIsoDate("2026-05-15"));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), StatusCode::kInternal);
  EXPECT_EQ(b.status().message(), "points core: connection refused");
}

// A wrong member number, a locked verification, a closed exchange window: the core answered.
TEST_F(ErrorCountingPointsCoreTest, AnswersAboutTheRequestAreNotReported) {
  for (const Status& s :
       {Status(StatusCode::kNotFound, "会員が見つかりません。", kReasonNotFound),
        Status(StatusCode::kPermissionDenied, "確認できませんでした。"),
        Status(StatusCode::kResourceExhausted, "しばらくお待ちください。", kReasonLocked),
        Status(StatusCode::kFailedPrecondition, "受付停止中です。", kReasonExchangeClosed),
        Status(StatusCode::kInvalidArgument, "入力が正しくありません。", kReasonInvalidArgument),
        Status(StatusCode::kAlreadyExists, "登録済みです。", kReasonAlreadyExists)}) {
    SCOPED_TRACE(s.ToString());
    inner_->next = s;
    CallAll();
    StatusOr<PointBalance> b = core_->Balance("K1001", *ParseIsoDate("2026-05-15"));
    ASSERT_FALSE(b.ok());
    EXPECT_EQ(b.status().code(), s.code());
  }
  EXPECT_TRUE(reported_.empty());
}

TEST(ErrorCountingPointsCore, WithoutAHookForwardsOnly) {
  auto inner = std::make_unique<ScriptedCore>();
  inner->next = Unavailable("down");
  ErrorCountingPointsCore core(std::move(inner), nullptr);
  EXPECT_EQ(core.Verify({"K1001", *ParseIsoDate("1980-04-01"), std::nullopt, {}}).status().code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace madoguchi::points
