// Tests of the points core: the pure rules (FIFO, lockout, reissue interval, hashing), then the
// ledger on each database, one suite run against SqlitePointsCore over real SQLite files in a
// temp dir and PostgresPointsCore on a real PostgreSQL server the harness starts (several
// cores on one database standing in for several processes). The behaviour every PointsCore
// shares is also run against the HTTP client in tests/points_http.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <atomic>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "points/auth_code.h"
#include "points/demo_seed.h"
#include "points/fifo.h"
#include "points/postgres_points_core.h"
#include "points/reissue.h"
#include "points/sqlite_points_core.h"
#include "points/test_programs.h"
#include "points/validation.h"
#include "points/verification.h"
#include "support/postgres_server.h"

namespace madoguchi::points {
namespace {

using testing::D;
using testing::TempDir;

// ---------------------------------------------------------------------------------------------
// Pure rules

Lot MakeLot(int64_t id, int64_t remaining, Date granted, std::optional<Date> expires) {
  Lot l;
  l.lot_id = id;
  l.points = remaining;
  l.remaining = remaining;
  l.granted_on = granted;
  l.expires_on = expires;
  return l;
}

TEST(FifoTest, UsableThroughTheLastDayOnly) {
  Lot lot = MakeLot(1, 10, D(2025, 6, 1), D(2027, 3, 31));
  EXPECT_FALSE(IsUsableOn(lot, D(2025, 5, 31)));  // not granted yet
  EXPECT_TRUE(IsUsableOn(lot, D(2025, 6, 1)));
  EXPECT_TRUE(IsUsableOn(lot, D(2027, 3, 31)));
  EXPECT_FALSE(IsUsableOn(lot, D(2027, 4, 1)));
  lot.remaining = 0;
  EXPECT_FALSE(IsUsableOn(lot, D(2026, 1, 1)));
}

TEST(FifoTest, SpendsWhatLapsesFirstThenOldestGrant) {
  std::vector<Lot> lots = {
      MakeLot(1, 100, D(2025, 6, 1), D(2027, 3, 31)),
      MakeLot(2, 100, D(2024, 6, 1), D(2026, 3, 31)),
      MakeLot(3, 100, D(2025, 4, 1), D(2027, 3, 31)),
      MakeLot(4, 100, D(2024, 1, 1), std::nullopt),    // never lapses: last
      MakeLot(5, 100, D(2023, 6, 1), D(2025, 3, 31)),  // lapsed
  };
  std::vector<Lot> ordered = UsableInSpendingOrder(lots, D(2025, 12, 1));
  ASSERT_EQ(ordered.size(), 4u);
  EXPECT_EQ(ordered[0].lot_id, 2);
  EXPECT_EQ(ordered[1].lot_id, 3);
  EXPECT_EQ(ordered[2].lot_id, 1);
  EXPECT_EQ(ordered[3].lot_id, 4);

  auto debits = PlanDebits(ordered, 250);
  ASSERT_TRUE(debits.has_value());
  ASSERT_EQ(debits->size(), 3u);
  EXPECT_EQ((*debits)[0].lot_id, 2);
  EXPECT_EQ((*debits)[0].points, 100);
  EXPECT_EQ((*debits)[2].lot_id, 1);
  EXPECT_EQ((*debits)[2].points, 50);
  EXPECT_FALSE(PlanDebits(ordered, 401).has_value());
  EXPECT_TRUE(PlanDebits(ordered, 400).has_value());
}

TEST(FifoTest, GroupsExpiringPointsByDaySoonestFirst) {
  std::vector<Lot> lots = {
      MakeLot(1, 30, D(2025, 6, 1), D(2027, 3, 31)),
      MakeLot(2, 20, D(2024, 6, 1), D(2026, 3, 31)),
      MakeLot(3, 10, D(2025, 4, 1), D(2027, 3, 31)),
      MakeLot(4, 99, D(2025, 4, 1), std::nullopt),
  };
  std::vector<ExpiringPoints> g = GroupByExpiry(lots);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].expires_on, D(2026, 3, 31));
  EXPECT_EQ(g[0].points, 20);
  EXPECT_EQ(g[1].expires_on, D(2027, 3, 31));
  EXPECT_EQ(g[1].points, 40);
}

TEST(AuthCodeTest, StoresOnlyASaltedHash) {
  StatusOr<std::string> a = HashAuthCode("ABCD-1234", 1000);
  StatusOr<std::string> b = HashAuthCode("ABCD-1234", 1000);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->find("ABCD"), std::string::npos);
  EXPECT_NE(*a, *b);  // fresh salt each time
  EXPECT_EQ(a->rfind("pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_TRUE(AuthCodeMatches("ABCD-1234", *a));
  EXPECT_FALSE(AuthCodeMatches("ABCD-1235", *a));
  EXPECT_FALSE(AuthCodeMatches("ABCD-1234", ""));
  EXPECT_FALSE(AuthCodeMatches("ABCD-1234", "pbkdf2-sha256$abc$00$00"));
  EXPECT_FALSE(AuthCodeMatches("ABCD-1234", "pbkdf2-sha256$999999999$00$00"));
}

TEST(LockoutTest, FifthConsecutiveFailureLocksForAnHour) {
  LockoutPolicy policy;
  TimePoint t0 = FromUnixSeconds(1'760'000'000);
  LockState s;
  for (int i = 0; i < 4; ++i) s = AfterAttempt(s, false, t0, policy);
  EXPECT_EQ(s.failed_attempts, 4);
  EXPECT_FALSE(IsLocked(s, t0));
  LockState reset = AfterAttempt(s, true, t0, policy);
  EXPECT_EQ(reset.failed_attempts, 0);
  s = AfterAttempt(s, false, t0, policy);
  EXPECT_TRUE(IsLocked(s, t0));
  EXPECT_TRUE(IsLocked(s, t0 + std::chrono::minutes(59)));
  EXPECT_FALSE(IsLocked(s, t0 + std::chrono::hours(1)));
  // After the lock, counting starts afresh.
  LockState after = AfterAttempt(s, false, t0 + std::chrono::hours(1), policy);
  EXPECT_EQ(after.failed_attempts, 1);
  EXPECT_EQ(after.locked_until, 0);
}

TEST(ReissueRuleTest, IntervalAndArrival) {
  kb::ReissueRule rule{"postcard", 14, 30};
  EXPECT_TRUE(EarlierRequestStands(rule, D(2026, 5, 1), D(2026, 5, 30)));
  EXPECT_FALSE(EarlierRequestStands(rule, D(2026, 5, 1), D(2026, 5, 31)));
  EXPECT_TRUE(EarlierRequestStands(rule, D(2026, 5, 30), D(2026, 5, 1)));  // back-dated
  EXPECT_EQ(EstimatedArrival(rule, D(2026, 12, 25)), D(2027, 1, 8));
}

TEST(ValidationTest, Utf8AndIds) {
  EXPECT_TRUE(IsValidUtf8("健診受診 ok"));
  EXPECT_FALSE(IsValidUtf8("\xe5\x81"));      // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_TRUE(ValidateMemberId("K1001").ok());
  EXPECT_FALSE(ValidateMemberId("").ok());
  EXPECT_FALSE(ValidateMemberId("K 1001").ok());
  EXPECT_FALSE(ValidateMemberId("../etc").ok());
  EXPECT_FALSE(ValidateMemberId(std::string(33, '1')).ok());
}

// ---------------------------------------------------------------------------------------------
// LedgerCore on every database it runs on: SqlitePointsCore and PostgresPointsCore. (The same
// contract through the HTTP API is in tests/points_http.)

// A temp SQLite file. Each Open is a core with connections of its own, like a second process.
class SqliteLedger {
 public:
  bool Prepare() { return true; }

  std::unique_ptr<PointsCore> Open(const NowSource* now) {
    SqlitePointsCoreOptions o;
    o.db_path = File();
    o.programs = testing::TestPrograms();
    o.now = now;
    o.pbkdf2_iterations = 1000;  // the default's cost adds nothing to these tests
    StatusOr<std::unique_ptr<SqlitePointsCore>> core = SqlitePointsCore::Open(std::move(o));
    EXPECT_TRUE(core.ok()) << core.status().ToString();
    return core.ok() ? std::move(core).value() : nullptr;
  }

  // Runs a query on the file directly, as an auditor would; -1 when it returns no row.
  int64_t Count(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(File().c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }

  std::string File() const { return dir_.File("points.db"); }

 private:
  TempDir dir_;
};

// A fresh database on the test PostgreSQL server. Each Open is a core with a pool of its own,
// exactly what a second `points serve` process has.
class PostgresLedger {
 public:
  // False (the test is skipped or failed) when there is no server.
  bool Prepare() {
    url_ = madoguchi::testing::FreshPostgresDatabase("points");
    return !url_.empty();
  }

  std::unique_ptr<PointsCore> Open(const NowSource* now) {
    PostgresPointsCoreOptions o;
    o.postgres.url = url_;
    o.programs = testing::TestPrograms();
    o.now = now;
    o.pbkdf2_iterations = 1000;
    StatusOr<std::unique_ptr<PostgresPointsCore>> core = PostgresPointsCore::Open(std::move(o));
    EXPECT_TRUE(core.ok()) << core.status().ToString();
    return core.ok() ? std::move(core).value() : nullptr;
  }

  // As SqliteLedger::Count, with the tests' table names in PostgreSQL's (points_lots for lots).
  int64_t Count(const std::string& sql) {
    static const std::regex kTable(
        R"(\b(FROM|JOIN)\s+(members|lots|lot_debits|redemptions|forfeits|status_changes|)"
        R"(reissue_requests|reissue_keys|audit|verify_guards)\b)");
    std::string pg = std::regex_replace(sql, kTable, "$1 points_$2");
    if (pool_ == nullptr) {
      db::PostgresOptions o;
      o.url = url_;
      StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(o);
      EXPECT_TRUE(pool.ok()) << pool.status().ToString();
      if (!pool.ok()) return -1;
      pool_ = std::move(pool).value();
    }
    int64_t n = -1;
    Status s = pool_->Run([&](db::PgConnection& conn) -> Status {
      StatusOr<db::PgResult> r = conn.Exec(pg);
      if (!r.ok()) return r.status();
      if (r->rows() > 0) n = r->Int(0, 0);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

 private:
  std::string url_;
  std::unique_ptr<db::PgPool> pool_;
};

template <typename Ledger>
class LedgerCoreTest : public ::testing::Test {
 protected:
  LedgerCoreTest() : now_(FromUnixSeconds(1'760'000'000)) {}

  void SetUp() override {
    if (!ledger_.Prepare()) return;
    core_ = OpenCore();
    ASSERT_NE(core_, nullptr);
  }

  // Another core on the same database, as another process would open it.
  std::unique_ptr<PointsCore> OpenCore() { return ledger_.Open(&now_); }

  void AddMember(const std::string& id, const std::string& program = "kagawa",
                 std::optional<Date> eligible_from = std::nullopt) {
    NewMember m;
    m.member_id = id;
    m.program = program;
    m.birth_date = D(1980, 6, 15);
    m.auth_code = "CODE-" + id;
    m.eligible_from = eligible_from;
    StatusOr<Member> r = core_->CreateMember(m);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  Lot GrantOk(const std::string& id, int64_t points, Date on,
              const std::string& activity = "健診") {
    StatusOr<Lot> lot = core_->Grant(id, GrantRequest{activity, points, on});
    EXPECT_TRUE(lot.ok()) << lot.status().ToString();
    return lot.ok() ? *lot : Lot{};
  }

  int64_t BalanceOn(const std::string& id, Date on) {
    StatusOr<PointBalance> b = core_->Balance(id, on);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() ? b->balance : -1;
  }

  // A query's first value, run on the database directly.
  int64_t Count(const std::string& sql) { return ledger_.Count(sql); }

  Ledger ledger_;
  ManualNow now_;
  std::unique_ptr<PointsCore> core_;
};

using Ledgers = ::testing::Types<SqliteLedger, PostgresLedger>;
class LedgerNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteLedger> ? "Sqlite" : "Postgres";
  }
};
TYPED_TEST_SUITE(LedgerCoreTest, Ledgers, LedgerNames);

// What only the SQLite file has: its format versions, WAL, file modes.
class SqliteCoreTest : public LedgerCoreTest<SqliteLedger> {
 protected:
  std::string DbFile() const { return ledger_.File(); }
};

TYPED_TEST(LedgerCoreTest, FiscalYearBoundaryDecidesExpiry) {
  this->AddMember("K1");
  // 31 March is the last day of fiscal 2025; 1 April starts fiscal 2026.
  EXPECT_EQ(this->GrantOk("K1", 100, D(2026, 3, 31)).expires_on, D(2027, 3, 31));
  EXPECT_EQ(this->GrantOk("K1", 100, D(2026, 4, 1)).expires_on, D(2028, 3, 31));
  // 令和元年5月1日 and 平成31年4月30日 are in the same fiscal year 2019.
  EXPECT_EQ(this->GrantOk("K1", 10, D(2019, 5, 1)).expires_on, D(2021, 3, 31));
  EXPECT_EQ(this->GrantOk("K1", 10, D(2019, 4, 30)).expires_on, D(2021, 3, 31));
  // The design's example: granted 令和3年12月 → lapses 令和5年3月31日.
  EXPECT_EQ(this->GrantOk("K1", 10, D(2021, 12, 10)).expires_on, D(2023, 3, 31));
}

TYPED_TEST(LedgerCoreTest, LeapDayGrants) {
  this->AddMember("K1");
  this->AddMember("I1", "ibaraki");
  EXPECT_EQ(this->GrantOk("K1", 100, D(2024, 2, 29)).expires_on, D(2025, 3, 31));
  EXPECT_EQ(this->GrantOk("I1", 100, D(2024, 2, 29)).expires_on, D(2024, 12, 31));
  EXPECT_EQ(this->BalanceOn("I1", D(2024, 2, 28)), 0);
  EXPECT_EQ(this->BalanceOn("I1", D(2024, 2, 29)), 100);
  EXPECT_EQ(this->BalanceOn("I1", D(2024, 12, 31)), 100);
  EXPECT_EQ(this->BalanceOn("I1", D(2025, 1, 1)), 0);
  EXPECT_EQ(this->BalanceOn("K1", D(2025, 3, 31)), 100);
  EXPECT_EQ(this->BalanceOn("K1", D(2025, 4, 1)), 0);
}

TYPED_TEST(LedgerCoreTest, ExchangeClosedOn30AprilOpenOn1May) {
  this->AddMember("K1");
  this->GrantOk("K1", 500, D(2025, 6, 1));
  StatusOr<Redemption> april =
      this->core_->Redeem("K1", RedeemRequest{"図書カード", 100, D(2026, 4, 30)});
  ASSERT_FALSE(april.ok());
  EXPECT_EQ(april.status().reason(), kReasonExchangeClosed);
  EXPECT_EQ(april.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(april.status().message().find("2026年5月1日"), std::string::npos)
      << april.status().message();
  EXPECT_EQ(this->BalanceOn("K1", D(2026, 4, 30)), 500);  // refused: nothing spent

  StatusOr<Redemption> may =
      this->core_->Redeem("K1", RedeemRequest{"図書カード", 100, D(2026, 5, 1)});
  ASSERT_TRUE(may.ok()) << may.status().ToString();
  EXPECT_EQ(may->balance_after, 400);
  // 31 March is open too (the last day of the previous window).
  EXPECT_TRUE(this->core_->Redeem("K1", RedeemRequest{"図書カード", 100, D(2026, 3, 31)}).ok());

  StatusOr<rules::ExchangeWindow> w = this->core_->ExchangeWindow("kagawa", D(2026, 4, 1));
  ASSERT_TRUE(w.ok());
  EXPECT_FALSE(w->open);
  EXPECT_EQ(w->next_open, D(2026, 5, 1));
  EXPECT_TRUE(this->core_->ExchangeWindow("ibaraki", D(2026, 4, 1))->open);
  EXPECT_EQ(this->core_->ExchangeWindow("nowhere", D(2026, 4, 1)).status().reason(),
            kReasonNotFound);
}

TYPED_TEST(LedgerCoreTest, RedemptionSpendsLotsFifoByExpiry) {
  this->AddMember("K1");
  Lot newer = this->GrantOk("K1", 300, D(2025, 6, 1));  // lapses 2027-03-31
  Lot older = this->GrantOk("K1", 200, D(2024, 9, 1));  // lapses 2026-03-31
  Lot same_fy =
      this->GrantOk("K1", 100, D(2025, 4, 1));  // lapses 2027-03-31, granted before `newer`
  ASSERT_TRUE(this->core_->Redeem("K1", RedeemRequest{"QUOカード", 250, D(2025, 12, 1)}).ok());
  StatusOr<PointBalance> b = this->core_->Balance("K1", D(2025, 12, 1));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->balance, 350);
  // `older` is gone, 50 came out of `same_fy`, `newer` is whole.
  ASSERT_EQ(b->lots.size(), 2u);
  EXPECT_EQ(b->lots[0].lot_id, same_fy.lot_id);
  EXPECT_EQ(b->lots[0].remaining, 50);
  EXPECT_EQ(b->lots[1].lot_id, newer.lot_id);
  EXPECT_EQ(b->lots[1].remaining, 300);
  ASSERT_EQ(b->expiring.size(), 1u);
  EXPECT_EQ(b->expiring[0].points, 350);
  EXPECT_EQ(b->expiring[0].expires_on, D(2027, 3, 31));
  (void)older;
}

TYPED_TEST(LedgerCoreTest, LapsedLotsAreNotSpentAndShortBalanceIsRefused) {
  this->AddMember("K1");
  this->GrantOk("K1", 200, D(2024, 9, 1));  // lapses 2026-03-31
  this->GrantOk("K1", 100, D(2025, 9, 1));  // lapses 2027-03-31
  StatusOr<Redemption> r =
      this->core_->Redeem("K1", RedeemRequest{"QUOカード", 150, D(2026, 5, 1)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), kReasonInsufficientPoints);
  EXPECT_EQ(this->BalanceOn("K1", D(2026, 5, 1)), 100);
  EXPECT_TRUE(this->core_->Redeem("K1", RedeemRequest{"QUOカード", 100, D(2026, 5, 1)}).ok());
  EXPECT_EQ(this->BalanceOn("K1", D(2026, 5, 1)), 0);
}

TYPED_TEST(LedgerCoreTest, RetirementForfeitsEverythingAndIsRecorded) {
  this->AddMember("K1");
  this->GrantOk("K1", 300, D(2025, 6, 1));
  this->GrantOk("K1", 200, D(2025, 9, 1));
  this->GrantOk("K1", 50,
                D(2023, 9, 1));  // lapsed on 2025-03-31: not forfeited, it was already gone
  StatusOr<StatusChangeResult> r =
      this->core_->ChangeStatus("K1", StatusChange{MemberStatus::kRetired, D(2026, 1, 31)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->forfeited_points, 500);
  EXPECT_EQ(this->BalanceOn("K1", D(2026, 1, 31)), 0);

  StatusOr<std::vector<HistoryEntry>> h = this->core_->History("K1", 10);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 4u);  // three grants stay, plus the forfeit
  EXPECT_EQ((*h)[0].kind, HistoryEntry::Kind::kForfeit);
  EXPECT_EQ((*h)[0].points, 500);
  EXPECT_EQ((*h)[0].label, "retired");
  EXPECT_EQ((*h)[0].on, D(2026, 1, 31));
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM lots WHERE member_id = 'K1'"), 3);
  EXPECT_EQ(this->Count("SELECT SUM(points) FROM lot_debits WHERE forfeit_id IS NOT NULL"), 500);

  EXPECT_EQ(
      this->core_->Redeem("K1", RedeemRequest{"QUOカード", 1, D(2026, 2, 1)}).status().reason(),
      kReasonNotEligible);
  EXPECT_EQ(this->core_->Grant("K1", GrantRequest{"健診", 10, D(2026, 2, 1)}).status().reason(),
            kReasonNotEligible);
  // Back to active restores nothing.
  ASSERT_TRUE(
      this->core_->ChangeStatus("K1", StatusChange{MemberStatus::kActive, D(2026, 3, 1)}).ok());
  EXPECT_EQ(this->BalanceOn("K1", D(2026, 3, 1)), 0);
}

TYPED_TEST(LedgerCoreTest, StatusesThatKeepPointsForfeitNothing) {
  this->AddMember("I1", "ibaraki");
  this->GrantOk("I1", 300, D(2026, 2, 1));
  StatusOr<StatusChangeResult> r =
      this->core_->ChangeStatus("I1", StatusChange{MemberStatus::kRetired, D(2026, 3, 1)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->forfeited_points, 0);
  EXPECT_EQ(this->BalanceOn("I1", D(2026, 3, 1)), 300);
}

TYPED_TEST(LedgerCoreTest, NotEligibleBeforeEligibilityStarts) {
  this->AddMember("K1", "kagawa", D(2026, 6, 1));
  this->GrantOk("K1", 300, D(2026, 5, 1));
  EXPECT_EQ(
      this->core_->Redeem("K1", RedeemRequest{"QUOカード", 100, D(2026, 5, 31)}).status().reason(),
      kReasonNotEligible);
  EXPECT_TRUE(this->core_->Redeem("K1", RedeemRequest{"QUOカード", 100, D(2026, 6, 1)}).ok());
}

TYPED_TEST(LedgerCoreTest, ReissueIsIdempotentAndRateLimited) {
  this->AddMember("K1");
  StatusOr<ReissueRequest> first = this->core_->RequestReissue("K1", "key-1", D(2026, 5, 1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->repeated);
  EXPECT_EQ(first->delivery, "postcard");
  EXPECT_EQ(first->requested_on, D(2026, 5, 1));
  EXPECT_EQ(first->estimated_arrival, D(2026, 5, 15));

  // The same key again, even days later: exactly the first answer (a new request, not a
  // repeat), and nothing written.
  StatusOr<ReissueRequest> replay = this->core_->RequestReissue("K1", "key-1", D(2026, 5, 3));
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(replay->repeated);
  EXPECT_EQ(replay->request_id, first->request_id);
  EXPECT_EQ(replay->requested_on, D(2026, 5, 1));
  EXPECT_EQ(replay->estimated_arrival, first->estimated_arrival);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM audit WHERE action LIKE 'reissue%'"), 1);

  // Another key within 30 days: the first request, with its date.
  StatusOr<ReissueRequest> again = this->core_->RequestReissue("K1", "key-2", D(2026, 5, 30));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->repeated);
  EXPECT_EQ(again->request_id, first->request_id);
  EXPECT_EQ(again->requested_on, D(2026, 5, 1));
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM reissue_requests"), 1);

  // From day 30 on, a new one.
  StatusOr<ReissueRequest> later = this->core_->RequestReissue("K1", "key-3", D(2026, 5, 31));
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->repeated);
  EXPECT_NE(later->request_id, first->request_id);
  EXPECT_EQ(later->estimated_arrival, D(2026, 6, 14));
  // key-2 still gets the answer it had: the earlier request, as a repeat.
  StatusOr<ReissueRequest> key2 = this->core_->RequestReissue("K1", "key-2", D(2026, 7, 1));
  ASSERT_TRUE(key2.ok());
  EXPECT_EQ(key2->request_id, first->request_id);
  EXPECT_TRUE(key2->repeated);
  // And key-3 its new request; member numbers are read in any case and width.
  StatusOr<ReissueRequest> key3 = this->core_->RequestReissue("ｋ１", "key-3", D(2026, 7, 1));
  ASSERT_TRUE(key3.ok()) << key3.status().ToString();
  EXPECT_EQ(key3->request_id, later->request_id);
  EXPECT_FALSE(key3->repeated);

  EXPECT_EQ(this->core_->RequestReissue("K404", "key-1", D(2026, 5, 1)).status().reason(),
            kReasonNotFound);
  EXPECT_EQ(this->core_->RequestReissue("K1", "", D(2026, 5, 1)).status().code(),
            StatusCode::kInvalidArgument);
}

TYPED_TEST(LedgerCoreTest, ConcurrentReissuesMakeOneRequest) {
  this->AddMember("K1");
  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      StatusOr<ReissueRequest> r =
          this->core_->RequestReissue("K1", "key-" + std::to_string(i), D(2026, 5, 1));
      if (r.ok()) ids[i] = r->request_id;
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM reissue_requests"), 1);
}

TYPED_TEST(LedgerCoreTest, VerificationLevelsAndLockout) {
  this->AddMember("K1");
  VerifyRequest weak{"K1", D(1980, 6, 15), std::nullopt, {}};
  VerifyRequest strong{"K1", D(1980, 6, 15), std::string("CODE-K1"), {}};
  VerifyRequest wrong{"K1", D(1980, 6, 15), std::string("CODE-XX"), {}};
  EXPECT_EQ(this->core_->Verify(weak)->level, VerificationLevel::kWeak);
  EXPECT_EQ(this->core_->Verify(strong)->level, VerificationLevel::kStrong);
  StatusOr<Verification> bad_birth =
      this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 16), {}, {}});
  ASSERT_TRUE(bad_birth.ok());
  EXPECT_FALSE(bad_birth->verified);
  // Unknown numbers look like a mismatch, not like a missing member.
  StatusOr<Verification> unknown =
      this->core_->Verify(VerifyRequest{"K404", D(1980, 6, 15), {}, {}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->verified);

  // bad_birth counted once; a success in between resets the count.
  ASSERT_TRUE(this->core_->Verify(strong)->verified);
  for (int i = 0; i < 4; ++i) {
    StatusOr<Verification> v = this->core_->Verify(wrong);
    ASSERT_TRUE(v.ok());
    EXPECT_FALSE(v->verified);
  }
  StatusOr<Verification> fifth = this->core_->Verify(wrong);
  ASSERT_FALSE(fifth.ok());
  EXPECT_EQ(fifth.status().reason(), kReasonLocked);
  EXPECT_EQ(fifth.status().code(), StatusCode::kResourceExhausted);
  // Locked: even the right answers are refused, weak ones too.
  EXPECT_EQ(this->core_->Verify(strong).status().reason(), kReasonLocked);
  EXPECT_EQ(this->core_->Verify(weak).status().reason(), kReasonLocked);
  this->now_.Advance(std::chrono::minutes(59));
  EXPECT_EQ(this->core_->Verify(strong).status().reason(), kReasonLocked);
  this->now_.Advance(std::chrono::minutes(1));
  StatusOr<Verification> after = this->core_->Verify(strong);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->level, VerificationLevel::kStrong);
  EXPECT_GE(this->Count("SELECT COUNT(*) FROM audit WHERE action = 'verify_failed'"), 6);
}

TYPED_TEST(LedgerCoreTest, UnknownNumbersAnswerCountAndLockLikeRealOnes) {
  this->AddMember("K1");
  // The same five wrong tries on a real number and on one nobody has: the same replies, the
  // same rows written (one audit row and one guard each), the same lock.
  for (const char* number : {"K1", "K404"}) {
    int64_t audits = this->Count("SELECT COUNT(*) FROM audit");
    for (int i = 0; i < 4; ++i) {
      StatusOr<Verification> v = this->core_->Verify(VerifyRequest{number, D(1980, 6, 16), {}, {}});
      ASSERT_TRUE(v.ok()) << number << ": " << v.status().ToString();
      EXPECT_FALSE(v->verified);
      EXPECT_EQ(v->level, VerificationLevel::kNone);
    }
    StatusOr<Verification> fifth =
        this->core_->Verify(VerifyRequest{number, D(1980, 6, 16), {}, {}});
    EXPECT_EQ(fifth.status().reason(), kReasonLocked) << number;
    EXPECT_EQ(
        fifth.status().message(),
        this->core_->Verify(VerifyRequest{number, D(1980, 6, 15), {}, {}}).status().message());
    EXPECT_EQ(this->Count("SELECT COUNT(*) FROM audit") - audits, 5) << number;
  }
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM verify_guards"), 2);
  // The guards hold no typed number in clear.
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM verify_guards WHERE guard_key LIKE '%404%' "
                        "AND length(guard_key) != 64"),
            0);
  // An hour on, both are open again and forgotten at the next attempt.
  this->now_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {}})->verified);
  EXPECT_FALSE(this->core_->Verify(VerifyRequest{"K404", D(1980, 6, 15), {}, {}})->verified);
}

TYPED_TEST(LedgerCoreTest, StrangersCannotLockAMemberOutOfACleanConversation) {
  this->AddMember("K1");
  this->AddMember("K2");
  const VerifyRequest guess{"K1", D(1980, 6, 16), {}, {"conv-stranger"}};
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(this->core_->Verify(guess)->verified);
  EXPECT_EQ(this->core_->Verify(guess).status().reason(), kReasonLocked);
  // The number is locked for the stranger and for callers that name no requester ...
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-stranger"}})
                .status()
                .reason(),
            kReasonLocked);
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {}}).status().reason(),
            kReasonLocked);
  // ... and the stranger's conversation is locked for every number, even with right answers.
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K2", D(1980, 6, 15), {}, {"conv-stranger"}})
                .status()
                .reason(),
            kReasonLocked);
  // The member, from a conversation (and client) that has not failed, still gets through, weak
  // (the postal reissue) and strong (linking); the success lifts the number's lock.
  StatusOr<Verification> own = this->core_->Verify(
      VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-member", "client-member"}});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->level, VerificationLevel::kWeak);
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {}})->level,
            VerificationLevel::kWeak);
  // A clean conversation that guesses wrong on a locked number learns nothing new and is no
  // longer clean: its next try meets the lock.
  for (int i = 0; i < 5; ++i)
    (void)this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 16), {}, {}});
  ASSERT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {}}).status().reason(),
            kReasonLocked);
  const VerifyRequest fresh_guess{"K1", D(1980, 6, 17), {}, {"conv-fresh"}};
  StatusOr<Verification> one = this->core_->Verify(fresh_guess);
  ASSERT_TRUE(one.ok());
  EXPECT_FALSE(one->verified);
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-fresh"}})
                .status()
                .reason(),
            kReasonLocked);
}

TYPED_TEST(LedgerCoreTest, ConversationFailuresCountAcrossNumbersAndSuccessDoesNotClearThem) {
  this->AddMember("K1");
  // Walking through numbers from one conversation: the fifth failure locks the conversation.
  for (int i = 0; i < 4; ++i) {
    VerifyRequest v{"K40" + std::to_string(i), D(1980, 6, 15), {}, {"conv-walker"}};
    EXPECT_FALSE(this->core_->Verify(v)->verified);
    if (i == 2) {
      // Its own member's details in between do not reset the count.
      EXPECT_TRUE(
          this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-walker"}})->verified);
    }
  }
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K499", D(1980, 6, 15), {}, {"conv-walker"}})
                .status()
                .reason(),
            kReasonLocked);
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-walker"}})
                .status()
                .reason(),
            kReasonLocked);
  // Other conversations are not affected; malformed requesters are refused and count nowhere.
  EXPECT_TRUE(
      this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-other"}})->verified);
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {""}}).status().code(),
            StatusCode::kInvalidArgument);
  this->now_.Advance(std::chrono::hours(1));
  EXPECT_TRUE(
      this->core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {"conv-walker"}})->verified);
}

TYPED_TEST(LedgerCoreTest, MemberNumbersIgnoreCaseAndWidthAndMalformedOnesNeverCount) {
  this->AddMember("K1005");
  this->AddMember("K1001");
  this->GrantOk("k1005", 100, D(2026, 5, 1));
  for (const char* typed : {"K1005", "k1005", "ｋ１００５", "Ｋ１００５", " K1005　"}) {
    StatusOr<PointBalance> b = this->core_->Balance(typed, D(2026, 5, 2));
    ASSERT_TRUE(b.ok()) << typed << ": " << b.status().ToString();
    EXPECT_EQ(b->member_id, "K1005") << typed;
    EXPECT_EQ(b->balance, 100) << typed;
  }
  StatusOr<Verification> v = this->core_->Verify(
      VerifyRequest{"ｋ１００１", D(1980, 6, 15), std::string("CODE-K1001"), {}});
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->level, VerificationLevel::kStrong);
  EXPECT_TRUE(this->core_->History("k1001", 5).ok());
  // A number that differs from a registered one only in case is the same number.
  NewMember dup;
  dup.member_id = "k1005";
  dup.program = "kagawa";
  dup.birth_date = D(1990, 1, 1);
  EXPECT_EQ(this->core_->CreateMember(dup).status().reason(), kReasonAlreadyExists);
  // Malformed numbers are refused before anything is counted.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(this->core_->Verify(VerifyRequest{"K1005!", D(1980, 6, 16), {}, {"conv-a"}})
                  .status()
                  .code(),
              StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM verify_guards"), 0);
  EXPECT_TRUE(
      this->core_->Verify(VerifyRequest{"K1005", D(1980, 6, 15), {}, {"conv-a"}})->verified);
}

TYPED_TEST(LedgerCoreTest, DatesOutsideTheLedgerRangeAreRefused) {
  this->AddMember("K1");
  auto refused = [](const Status& s) {
    return s.code() == StatusCode::kInvalidArgument && s.reason() == kReasonInvalidArgument;
  };
  EXPECT_TRUE(
      refused(this->core_->Grant("K1", GrantRequest{"健診", 10, D(9999, 12, 31)}).status()));
  EXPECT_TRUE(
      refused(this->core_->Grant("K1", GrantRequest{"健診", 10, D(1999, 12, 31)}).status()));
  EXPECT_TRUE(refused(this->core_->Balance("K1", D(2100, 1, 1)).status()));
  EXPECT_TRUE(refused(this->core_->Redeem("K1", RedeemRequest{"本", 1, D(10000, 1, 1)}).status()));
  EXPECT_TRUE(refused(this->core_->RequestReissue("K1", "key", D(2100, 1, 1)).status()));
  EXPECT_TRUE(
      refused(this->core_->ChangeStatus("K1", StatusChange{MemberStatus::kRetired, D(1900, 1, 1)})
                  .status()));
  EXPECT_TRUE(refused(this->core_->ExchangeWindow("kagawa", D(2100, 1, 1)).status()));
  // The last day of the range still expires on a real day, never "never".
  EXPECT_EQ(this->GrantOk("K1", 10, D(2099, 12, 31)).expires_on, D(2101, 3, 31));
  EXPECT_EQ(this->GrantOk("K1", 10, D(2000, 1, 1)).expires_on, D(2001, 3, 31));
  // Birth dates: none in the future (the core's clock says 2025-10-09), none before 1900.
  NewMember m;
  m.member_id = "K2";
  m.program = "kagawa";
  m.birth_date = D(2099, 1, 1);
  EXPECT_TRUE(refused(this->core_->CreateMember(m).status()));
  m.birth_date = D(1899, 12, 31);
  EXPECT_TRUE(refused(this->core_->CreateMember(m).status()));
  m.birth_date = D(2025, 10, 9);
  EXPECT_TRUE(this->core_->CreateMember(m).ok());
  m.member_id = "K3";
  m.birth_date = D(1980, 1, 1);
  m.eligible_from = D(9999, 1, 1);
  EXPECT_TRUE(refused(this->core_->CreateMember(m).status()));
  // A birth date no one can have is refused before it counts as a failure.
  EXPECT_TRUE(refused(this->core_->Verify(VerifyRequest{"K1", D(2099, 1, 1), {}, {}}).status()));
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM verify_guards"), 0);
}

TEST_F(SqliteCoreTest, MigratesAVersion1FileWithItsLocks) {
  AddMember("K1");
  AddMember("K2");
  ASSERT_TRUE(core_->RequestReissue("K2", "key-1", D(2026, 5, 1)).ok());
  core_.reset();
  // Back to version 1 as an earlier release wrote it: K1 locked on its own row.
  const int64_t until = ToUnixSeconds(now_.Now() + std::chrono::minutes(30));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(DbFile().c_str(), &db), SQLITE_OK);
  std::string sql =
      "DROP TABLE verify_guards; DROP TABLE ledger_meta; DROP INDEX members_by_number_nocase;"
      "ALTER TABLE reissue_keys DROP COLUMN first_repeated;"
      "UPDATE members SET locked_until = " +
      std::to_string(until) + " WHERE member_id = 'K1'; PRAGMA user_version = 1;";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  core_ = OpenCore();
  ASSERT_NE(core_, nullptr);
  EXPECT_EQ(Count("PRAGMA user_version"), 2);
  EXPECT_EQ(core_->Verify(VerifyRequest{"K1", D(1980, 6, 15), {}, {}}).status().reason(),
            kReasonLocked);
  EXPECT_TRUE(core_->Verify(VerifyRequest{"K2", D(1980, 6, 15), {}, {}})->verified);
  EXPECT_EQ(core_->RequestReissue("k2", "key-1", D(2026, 5, 2))->requested_on, D(2026, 5, 1));
}

TYPED_TEST(LedgerCoreTest, MemberWithoutCodeNeverVerifiesStrongly) {
  NewMember m;
  m.member_id = "K9";
  m.program = "kagawa";
  m.birth_date = D(1990, 1, 1);
  ASSERT_TRUE(this->core_->CreateMember(m).ok());
  EXPECT_EQ(this->core_->Verify(VerifyRequest{"K9", D(1990, 1, 1), {}, {}})->level,
            VerificationLevel::kWeak);
  EXPECT_FALSE(this->core_->Verify(VerifyRequest{"K9", D(1990, 1, 1), std::string("anything"), {}})
                   ->verified);
}

TYPED_TEST(LedgerCoreTest, ConcurrentRedemptionsNeverOverspend) {
  this->AddMember("K1");
  this->GrantOk("K1", 1000, D(2025, 6, 1));
  // Half the threads share this core (its pool), half open their own core on the same database,
  // as a second process would: both paths rely on the database's locks, not on a mutex of ours.
  constexpr int kThreads = 8;
  constexpr int kEach = 10;
  std::atomic<int> spent{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<PointsCore> own = t % 2 == 0 ? nullptr : this->OpenCore();
      PointsCore* core = own ? own.get() : this->core_.get();
      for (int i = 0; i < kEach; ++i) {
        StatusOr<Redemption> r = core->Redeem("K1", RedeemRequest{"QUOカード", 30, D(2025, 12, 1)});
        if (r.ok()) {
          spent += 30;
        } else if (r.status().reason() == kReasonInsufficientPoints) {
          ++refused;
        } else {
          ++other;
          ADD_FAILURE() << r.status().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(spent.load(), 990);  // 33 × 30: every point that could be spent, and no more
  EXPECT_EQ(refused.load(), kThreads * kEach - 33);
  EXPECT_EQ(this->BalanceOn("K1", D(2025, 12, 1)), 10);
  EXPECT_EQ(this->Count("SELECT SUM(points) FROM lot_debits"), 990);
  EXPECT_EQ(this->Count("SELECT MIN(remaining) FROM lots"), 10);
}

TYPED_TEST(LedgerCoreTest, HistoryNewestFirstWithLimit) {
  this->AddMember("K1");
  this->GrantOk("K1", 100, D(2025, 6, 1), "健診");
  this->GrantOk("K1", 200, D(2025, 7, 1), "ウォーキング");
  ASSERT_TRUE(this->core_->Redeem("K1", RedeemRequest{"図書カード", 50, D(2025, 7, 1)}).ok());
  StatusOr<std::vector<HistoryEntry>> h = this->core_->History("K1", 10);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 3u);
  EXPECT_EQ((*h)[0].kind, HistoryEntry::Kind::kRedemption);  // same day, recorded later
  EXPECT_EQ((*h)[0].label, "図書カード");
  EXPECT_EQ((*h)[1].label, "ウォーキング");
  EXPECT_EQ((*h)[1].expires_on, D(2027, 3, 31));
  EXPECT_EQ((*h)[2].on, D(2025, 6, 1));
  EXPECT_EQ(this->core_->History("K1", 1)->size(), 1u);
  EXPECT_EQ(this->core_->History("K1", 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(this->core_->History("K404", 10).status().reason(), kReasonNotFound);
}

TYPED_TEST(LedgerCoreTest, RankCountsTheSeasonsGrants) {
  this->AddMember("I1", "ibaraki");
  this->GrantOk("I1", 900, D(2025, 12, 31));  // last season: does not count
  this->GrantOk("I1", 3000, D(2026, 1, 1));
  this->GrantOk("I1", 1800, D(2026, 6, 1));
  StatusOr<MemberRank> r = this->core_->Rank("ibaraki", "I1", D(2026, 6, 1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->season.start, D(2026, 1, 1));
  EXPECT_EQ(r->season.end, D(2026, 12, 31));
  EXPECT_EQ(r->points, 4800);
  EXPECT_EQ(r->rank, "ブロンズ");
  EXPECT_EQ(r->next_rank, "シルバー");
  EXPECT_EQ(r->points_to_next, 200);
  EXPECT_EQ(this->core_->Rank("ibaraki", "I1", D(2026, 5, 31))->points, 3000);
  this->AddMember("K1");
  EXPECT_EQ(this->core_->Rank("kagawa", "K1", D(2026, 6, 1)).status().reason(), kReasonNoRanks);
  EXPECT_EQ(this->core_->Rank("ibaraki", "K1", D(2026, 6, 1)).status().reason(), kReasonNotFound);
}

TYPED_TEST(LedgerCoreTest, EveryChangeIsAuditedAndNoSecretIsStored) {
  this->AddMember("K1");
  this->GrantOk("K1", 100, D(2025, 6, 1));
  ASSERT_TRUE(this->core_->Redeem("K1", RedeemRequest{"図書カード", 50, D(2025, 7, 1)}).ok());
  ASSERT_TRUE(
      this->core_->ChangeStatus("K1", StatusChange{MemberStatus::kRetired, D(2025, 8, 1)}).ok());
  ASSERT_TRUE(this->core_->RequestReissue("K1", "k", D(2025, 8, 1)).status().reason() ==
              kReasonNotEligible);  // refused: nothing to audit
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM audit WHERE member_id = 'K1'"), 4);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM members WHERE auth_code_hash LIKE '%CODE-K1%'"), 0);
  EXPECT_EQ(this->Count(
                "SELECT COUNT(*) FROM audit WHERE detail LIKE '%CODE-K1%' OR detail LIKE '%1980%'"),
            0);
}

TYPED_TEST(LedgerCoreTest, RefusesBadInputAndDuplicates) {
  this->AddMember("K1");
  NewMember dup;
  dup.member_id = "K1";
  dup.program = "kagawa";
  dup.birth_date = D(1990, 1, 1);
  EXPECT_EQ(this->core_->CreateMember(dup).status().reason(), kReasonAlreadyExists);
  dup.member_id = "K2";
  dup.program = "nowhere";
  EXPECT_EQ(this->core_->CreateMember(dup).status().reason(), kReasonNotFound);
  EXPECT_EQ(this->core_->Grant("K1", GrantRequest{"健診", 0, D(2025, 6, 1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(this->core_->Grant("K1", GrantRequest{"", 10, D(2025, 6, 1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(this->core_->Grant("K404", GrantRequest{"健診", 10, D(2025, 6, 1)}).status().reason(),
            kReasonNotFound);
  EXPECT_EQ(this->core_->Redeem("K1", RedeemRequest{"\xff", 10, D(2025, 6, 1)}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(this->core_->Balance("bad id", D(2025, 6, 1)).status().code(),
            StatusCode::kInvalidArgument);
}

TYPED_TEST(LedgerCoreTest, SurvivesReopening) {
  this->AddMember("K1");
  this->GrantOk("K1", 100, D(2025, 6, 1));
  this->core_.reset();
  this->core_ = this->OpenCore();
  ASSERT_NE(this->core_, nullptr);
  EXPECT_EQ(this->BalanceOn("K1", D(2025, 6, 1)), 100);
}

TEST_F(SqliteCoreTest, UsesWalMode) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(DbFile().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &stmt, nullptr);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteCoreTest, LedgerFilesAreReadableByTheServiceOnly) {
  AddMember("K1");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((DbFile() + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
}

TYPED_TEST(LedgerCoreTest, DemoSeedCoversEveryState) {
  StatusOr<std::vector<DemoMember>> rows =
      SeedDemo(*this->core_, testing::TestPrograms(), D(2026, 4, 15));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 7u);
  for (const DemoMember& m : *rows) {
    EXPECT_FALSE(m.state.empty()) << m.member_id;
    // Each printed code really verifies (except the locked member's, which is locked).
    StatusOr<Verification> v =
        this->core_->Verify(VerifyRequest{m.member_id, m.birth_date, m.auth_code, {}});
    if (m.member_id == "K1003") {
      EXPECT_EQ(v.status().reason(), kReasonLocked);
    } else {
      ASSERT_TRUE(v.ok()) << m.member_id;
      EXPECT_EQ(v->level, VerificationLevel::kStrong) << m.member_id;
    }
  }
  // Lots from fiscal 2025 lapse at the end of fiscal 2026.
  StatusOr<PointBalance> k1 = this->core_->Balance("K1001", D(2026, 4, 15));
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->balance, 650);
  ASSERT_FALSE(k1->expiring.empty());
  EXPECT_EQ(k1->expiring[0].expires_on, D(2027, 3, 31));
  EXPECT_EQ(k1->expiring[0].points, 500);
  EXPECT_NE((*rows)[0].state.find("交換受付停止"), std::string::npos) << (*rows)[0].state;
  EXPECT_EQ(this->BalanceOn("K1002", D(2026, 4, 15)), 0);
  EXPECT_EQ(this->core_->Rank("ibaraki", "I2001", D(2026, 4, 15))->points_to_next, 200);
  EXPECT_EQ(this->BalanceOn("K1005", D(2026, 4, 15)), 0);
  EXPECT_EQ(SeedDemo(*this->core_, testing::TestPrograms(), D(2026, 4, 15)).status().code(),
            StatusCode::kAlreadyExists);
}

TYPED_TEST(LedgerCoreTest, DemoSeedOnTheFirstDayOfTheFiscalYear) {
  StatusOr<std::vector<DemoMember>> rows =
      SeedDemo(*this->core_, testing::TestPrograms(), D(2026, 4, 1));
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  StatusOr<PointBalance> k1 = this->core_->Balance("K1001", D(2026, 4, 1));
  ASSERT_TRUE(k1.ok());
  EXPECT_EQ(k1->expiring[0].expires_on, D(2027, 3, 31));
  EXPECT_EQ(k1->expiring[0].points, 500);
}

// Two cores on one database, each with its own connections (two `points serve` processes),
// redeeming from one member on many threads with amounts that straddle lots: never a point spent
// twice, never a lot below zero, and every point that could be spent is spent.
TYPED_TEST(LedgerCoreTest, TwoProcessesRedeemingFromOneMemberNeverOverspend) {
  this->AddMember("K1");
  constexpr int64_t kGranted = 100 + 250 + 400 + 333;
  this->GrantOk("K1", 100, D(2025, 4, 1));
  this->GrantOk("K1", 250, D(2025, 6, 1));
  this->GrantOk("K1", 400, D(2025, 9, 1));
  this->GrantOk("K1", 333, D(2026, 4, 1));  // lapses a year later: spent last
  std::unique_ptr<PointsCore> second = this->OpenCore();
  ASSERT_NE(second, nullptr);
  PointsCore* cores[] = {this->core_.get(), second.get()};
  constexpr int kThreads = 16;
  constexpr int64_t kAmounts[] = {7, 13, 30, 51};
  std::atomic<int64_t> spent{0};
  std::atomic<int> redemptions{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      PointsCore& core = *cores[t % 2];
      // Until even the smallest amount is refused: from then on the balance stays below it.
      for (int i = t;; ++i) {
        const int64_t amount = kAmounts[i % 4];
        StatusOr<Redemption> r =
            core.Redeem("K1", RedeemRequest{"QUOカード", amount, D(2026, 5, 1)});
        if (r.ok()) {
          spent += amount;
          ++redemptions;
          EXPECT_GE(r->balance_after, 0);
        } else if (r.status().reason() != kReasonInsufficientPoints) {
          ++other;
          ADD_FAILURE() << r.status().ToString();
          return;
        } else if (amount == kAmounts[0]) {
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_LE(spent.load(), kGranted);
  const int64_t left = this->BalanceOn("K1", D(2026, 5, 1));
  EXPECT_EQ(left, kGranted - spent.load());
  EXPECT_LT(left, kAmounts[0]);
  // What the ledger itself says, row by row.
  EXPECT_EQ(this->Count("SELECT COALESCE(SUM(points), 0) FROM redemptions"), spent.load());
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM redemptions"), redemptions.load());
  EXPECT_EQ(this->Count("SELECT COALESCE(SUM(points), 0) FROM lot_debits"), spent.load());
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM lots WHERE remaining < 0"), 0);
  EXPECT_EQ(this->Count("SELECT COALESCE(SUM(remaining), 0) FROM lots"), left);
  // Both cores read the same ledger.
  EXPECT_EQ(second->Balance("K1", D(2026, 5, 1))->balance, left);
}

// A client that retries through another process (a load balancer picks another replica) gets
// the first answer, however the attempts interleave; a second key gets the same request as a
// repeat.
TYPED_TEST(LedgerCoreTest, IdempotentRetriesAcrossProcessesGetTheFirstAnswer) {
  this->AddMember("K1");
  std::unique_ptr<PointsCore> second = this->OpenCore();
  ASSERT_NE(second, nullptr);
  PointsCore* cores[] = {this->core_.get(), second.get()};
  auto race = [&](const std::string& key, const Date& today) {
    std::vector<StatusOr<ReissueRequest>> answers(12, Status(StatusCode::kInternal, "not run"));
    std::vector<std::thread> threads;
    for (int t = 0; t < 12; ++t) {
      threads.emplace_back([&, t] { answers[t] = cores[t % 2]->RequestReissue("k1", key, today); });
    }
    for (auto& t : threads) t.join();
    return answers;
  };
  std::vector<StatusOr<ReissueRequest>> first = race("retry-key", D(2026, 5, 1));
  ASSERT_TRUE(first[0].ok()) << first[0].status().ToString();
  EXPECT_FALSE(first[0]->repeated);
  for (const StatusOr<ReissueRequest>& a : first) {
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->request_id, first[0]->request_id);
    EXPECT_EQ(a->repeated, false);
    EXPECT_EQ(a->requested_on, D(2026, 5, 1));
  }
  std::vector<StatusOr<ReissueRequest>> other = race("other-key", D(2026, 5, 2));
  for (const StatusOr<ReissueRequest>& a : other) {
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->request_id, first[0]->request_id);
    EXPECT_TRUE(a->repeated);
  }
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM reissue_requests"), 1);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM reissue_keys"), 2);
  // Later retries of either key, through either core, still get their first answers.
  EXPECT_FALSE(second->RequestReissue("K1", "retry-key", D(2026, 7, 1))->repeated);
  EXPECT_TRUE(this->core_->RequestReissue("K1", "other-key", D(2026, 7, 1))->repeated);
}

// Two processes registering one number at once, in different letter cases: one wins, the other
// hears already_exists, as it would have a moment later.
TYPED_TEST(LedgerCoreTest, ConcurrentRegistrationsOfOneNumberMakeOneMember) {
  std::unique_ptr<PointsCore> second = this->OpenCore();
  ASSERT_NE(second, nullptr);
  PointsCore* cores[] = {this->core_.get(), second.get()};
  std::atomic<int> created{0}, taken{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&, t] {
      NewMember m;
      m.member_id = t % 3 == 0 ? "k77" : "K77";
      m.program = "kagawa";
      m.birth_date = D(1980, 6, 15);
      StatusOr<Member> r = cores[t % 2]->CreateMember(m);
      if (r.ok()) {
        ++created;
      } else if (r.status().reason() == kReasonAlreadyExists) {
        ++taken;
      } else {
        ++other;
        ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(taken.load(), 9);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM members"), 1);
}

// Verification attempts through two processes at once each count: five wrong answers lock the
// number, however they interleave.
TYPED_TEST(LedgerCoreTest, ConcurrentFailedVerificationsAllCount) {
  this->AddMember("K1");
  std::unique_ptr<PointsCore> second = this->OpenCore();
  ASSERT_NE(second, nullptr);
  PointsCore* cores[] = {this->core_.get(), second.get()};
  std::atomic<int> failed{0}, locked{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      StatusOr<Verification> v = cores[t % 2]->Verify(VerifyRequest{"K1", D(1980, 6, 16), {}, {}});
      if (v.ok() && !v->verified) ++failed;
      if (!v.ok() && v.status().reason() == kReasonLocked) ++locked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 4);
  EXPECT_EQ(locked.load(), 0);
  // The fifth failure locks: four were counted, not fewer.
  EXPECT_EQ(second->Verify(VerifyRequest{"K1", D(1980, 6, 16), {}, {}}).status().reason(),
            kReasonLocked);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM audit WHERE action = 'verify_failed'"), 5);
}

// What only PostgreSQL has: a server that can go away and come back under a running core.
TEST(PostgresCoreTest, UnavailableWhileTheServerIsDownAndBackAfterItRestarts) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> server =
      madoguchi::testing::OwnPostgresServer("points_restart", &url);
  if (server == nullptr) return;
  ManualNow now(FromUnixSeconds(1'760'000'000));
  PostgresPointsCoreOptions o;
  o.postgres.url = url;
  o.postgres.connect_timeout = std::chrono::milliseconds(1000);
  o.programs = testing::TestPrograms();
  o.now = &now;
  o.pbkdf2_iterations = 1000;
  StatusOr<std::unique_ptr<PostgresPointsCore>> core = PostgresPointsCore::Open(std::move(o));
  ASSERT_TRUE(core.ok()) << core.status().ToString();
  NewMember m;
  m.member_id = "K1";
  m.program = "kagawa";
  m.birth_date = D(1980, 6, 15);
  ASSERT_TRUE((*core)->CreateMember(m).ok());
  ASSERT_TRUE((*core)->Grant("K1", GrantRequest{"健診", 100, D(2025, 6, 1)}).ok());

  ASSERT_TRUE(server->Stop().ok());
  StatusOr<PointBalance> down = (*core)->Balance("K1", D(2025, 6, 1));
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(down.status().reason(), kReasonUnavailable);
  StatusOr<Redemption> refused = (*core)->Redeem("K1", RedeemRequest{"本", 10, D(2025, 6, 1)});
  EXPECT_EQ(refused.status().reason(), kReasonUnavailable);

  // Back: the pool's dead connections are replaced and nothing was half-written.
  ASSERT_TRUE(server->Restart().ok());
  StatusOr<PointBalance> up = (*core)->Balance("K1", D(2025, 6, 1));
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->balance, 100);
  StatusOr<Redemption> spent = (*core)->Redeem("K1", RedeemRequest{"本", 10, D(2025, 6, 1)});
  ASSERT_TRUE(spent.ok()) << spent.status().ToString();
  EXPECT_EQ(spent->balance_after, 90);
}

// An older binary must not write a ledger a newer one has migrated.
TEST(PostgresCoreTest, RefusesADatabaseFromANewerRelease) {
  const std::string url = madoguchi::testing::FreshPostgresDatabase("points_newer");
  if (url.empty()) return;
  PostgresPointsCoreOptions o;
  o.postgres.url = url;
  o.programs = testing::TestPrograms();
  ASSERT_TRUE(PostgresPointsCore::Open(o).ok());
  {
    db::PostgresOptions po;
    po.url = url;
    StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(po);
    ASSERT_TRUE(pool.ok()) << pool.status().ToString();
    ASSERT_TRUE((*pool)
                    ->Run([](db::PgConnection& conn) {
                      return conn.ExecScript(
                          "UPDATE madoguchi_schema_versions SET version = version + 1 "
                          "WHERE component = 'points'");
                    })
                    .ok());
  }
  EXPECT_EQ(PostgresPointsCore::Open(o).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace madoguchi::points
