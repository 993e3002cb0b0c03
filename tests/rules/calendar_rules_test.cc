#include "rules/calendar_rules.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "kb/knowledge_base.h"
#include "rules/placeholders.h"
#include "service/engine.h"

namespace madoguchi::rules {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

// kagawa's rules as program.json states them: fiscal years from April, points live two fiscal
// years, exchange closed in April, leavers forfeit.
kb::Program Kagawa() {
  kb::Program p;
  p.id = "kagawa";
  p.fiscal_year_start_month = 4;
  p.rules.expiry.kind = kb::ExpiryRule::Kind::kFiscalYear;
  p.rules.expiry.fiscal_years = 2;
  p.rules.exchange.closed_months = {4};
  p.rules.exchange.closed_reason = "4月は資格確認のため交換を受け付けていません";
  p.rules.forfeit_on_status = {"retired", "voluntary", "dependent"};
  return p;
}

// ibaraki: January–December seasons and three ranks.
kb::Program Ibaraki() {
  kb::Program p;
  p.id = "ibaraki";
  p.rules.expiry.kind = kb::ExpiryRule::Kind::kSeason;
  p.rules.expiry.season_start_month = 1;
  p.rules.ranks = {{"ブロンズ", 1000}, {"シルバー", 5000}, {"ゴールド", 8000}};
  return p;
}

TEST(FiscalYearTest, AprilStart) {
  const kb::Program p = Kagawa();
  EXPECT_EQ(FiscalYearOf(p, D(2026, 3, 31)), 2025);
  EXPECT_EQ(FiscalYearOf(p, D(2026, 4, 1)), 2026);
  EXPECT_EQ(FiscalYearOf(p, D(2026, 1, 1)), 2025);
  EXPECT_EQ(FiscalYearOf(p, D(2026, 12, 31)), 2026);
  EXPECT_EQ(FiscalYearEnd(p, 2025), D(2026, 3, 31));
  EXPECT_EQ(FiscalYearEnd(p, 2026), D(2027, 3, 31));
}

TEST(FiscalYearTest, JanuaryStartIsTheCalendarYear) {
  kb::Program p = Kagawa();
  p.fiscal_year_start_month = 1;
  EXPECT_EQ(FiscalYearOf(p, D(2026, 1, 1)), 2026);
  EXPECT_EQ(FiscalYearOf(p, D(2026, 12, 31)), 2026);
  EXPECT_EQ(FiscalYearEnd(p, 2026), D(2026, 12, 31));
}

TEST(FiscalYearTest, EndHandlesLeapFebruary) {
  kb::Program p = Kagawa();
  p.fiscal_year_start_month = 3;  // March–February
  EXPECT_EQ(FiscalYearEnd(p, 2023), D(2024, 2, 29));
  EXPECT_EQ(FiscalYearEnd(p, 2024), D(2025, 2, 28));
}

TEST(ExpiryTest, KagawaFiscalYearBoundaries) {
  const kb::Program p = Kagawa();
  // The last day of fiscal 2025: that year plus one more.
  EXPECT_EQ(ExpiryOf(p, D(2026, 3, 31)), D(2027, 3, 31));
  // The first day of fiscal 2026.
  EXPECT_EQ(ExpiryOf(p, D(2026, 4, 1)), D(2028, 3, 31));
  // The seed's own example: granted 令和3年12月 → 令和5年3月31日.
  EXPECT_EQ(ExpiryOf(p, D(2021, 12, 1)), D(2023, 3, 31));
  EXPECT_EQ(ExpiryOf(p, D(2021, 12, 31)), D(2023, 3, 31));
  // 令和元年 (the first day of 令和) lies in fiscal 2019.
  EXPECT_EQ(ExpiryOf(p, D(2019, 5, 1)), D(2021, 3, 31));
  // A leap day is an ordinary day of fiscal 2023.
  EXPECT_EQ(ExpiryOf(p, D(2024, 2, 29)), D(2025, 3, 31));
}

TEST(ExpiryTest, EveryDayOfAFiscalYearLapsesTogether) {
  const kb::Program p = Kagawa();
  for (Date d = D(2026, 4, 1); d != D(2027, 4, 1); d = AddDays(d, 1)) {
    ASSERT_EQ(ExpiryOf(p, d), D(2028, 3, 31)) << FormatIsoDate(d);
  }
}

TEST(ExpiryTest, FiscalYearsCount) {
  kb::Program p = Kagawa();
  p.rules.expiry.fiscal_years = 1;
  EXPECT_EQ(ExpiryOf(p, D(2026, 4, 1)), D(2027, 3, 31));
  EXPECT_EQ(ExpiryOf(p, D(2026, 3, 31)), D(2026, 3, 31));
  p.rules.expiry.fiscal_years = 3;
  EXPECT_EQ(ExpiryOf(p, D(2026, 4, 1)), D(2029, 3, 31));
}

TEST(ExpiryTest, NoneNeverLapses) {
  kb::Program p = Kagawa();
  p.rules.expiry.kind = kb::ExpiryRule::Kind::kNone;
  EXPECT_FALSE(ExpiryOf(p, D(2026, 4, 1)).has_value());
}

TEST(SeasonTest, IbarakiAnyDayOf2026) {
  const kb::Program p = Ibaraki();
  for (Date d = D(2026, 1, 1); d != D(2027, 1, 1); d = AddDays(d, 1)) {
    ASSERT_EQ(ExpiryOf(p, d), D(2026, 12, 31)) << FormatIsoDate(d);
    Season s = SeasonOf(p, d);
    ASSERT_EQ(s.start, D(2026, 1, 1)) << FormatIsoDate(d);
    ASSERT_EQ(s.end, D(2026, 12, 31)) << FormatIsoDate(d);
  }
  EXPECT_EQ(ExpiryOf(p, D(2027, 1, 1)), D(2027, 12, 31));
  EXPECT_EQ(ExpiryOf(p, D(2025, 12, 31)), D(2025, 12, 31));
}

TEST(SeasonTest, SeasonStartingInApril) {
  kb::Program p = Ibaraki();
  p.rules.expiry.season_start_month = 4;
  Season march = SeasonOf(p, D(2026, 3, 31));
  EXPECT_EQ(march.start, D(2025, 4, 1));
  EXPECT_EQ(march.end, D(2026, 3, 31));
  Season april = SeasonOf(p, D(2026, 4, 1));
  EXPECT_EQ(april.start, D(2026, 4, 1));
  EXPECT_EQ(april.end, D(2027, 3, 31));
}

TEST(ExchangeWindowTest, KagawaClosedInApril) {
  const kb::Program p = Kagawa();
  ExchangeWindow last_april_day = ExchangeWindowOn(p, D(2026, 4, 30));
  EXPECT_FALSE(last_april_day.open);
  EXPECT_EQ(last_april_day.reason, p.rules.exchange.closed_reason);
  ASSERT_TRUE(last_april_day.next_open.has_value());
  EXPECT_EQ(*last_april_day.next_open, D(2026, 5, 1));

  ExchangeWindow first_april_day = ExchangeWindowOn(p, D(2026, 4, 1));
  EXPECT_FALSE(first_april_day.open);
  EXPECT_EQ(first_april_day.next_open, D(2026, 5, 1));
}

TEST(ExchangeWindowTest, KagawaOpenMayToMarch) {
  const kb::Program p = Kagawa();
  for (Date d : {D(2026, 5, 1), D(2026, 3, 31), D(2026, 12, 31), D(2027, 1, 1), D(2026, 8, 15)}) {
    ExchangeWindow w = ExchangeWindowOn(p, d);
    EXPECT_TRUE(w.open) << FormatIsoDate(d);
    EXPECT_TRUE(w.reason.empty()) << FormatIsoDate(d);
    EXPECT_FALSE(w.next_open.has_value()) << FormatIsoDate(d);
  }
}

TEST(ExchangeWindowTest, NextOpenSkipsSeveralClosedMonthsAcrossTheYearEnd) {
  kb::Program p = Kagawa();
  p.rules.exchange.closed_months = {12, 1};
  ExchangeWindow w = ExchangeWindowOn(p, D(2026, 12, 10));
  EXPECT_FALSE(w.open);
  EXPECT_EQ(w.next_open, D(2027, 2, 1));
  EXPECT_EQ(ExchangeWindowOn(p, D(2027, 1, 31)).next_open, D(2027, 2, 1));
}

TEST(ExchangeWindowTest, AlwaysOpenAndNeverOpen) {
  kb::Program open = Kagawa();
  open.rules.exchange.closed_months.clear();
  EXPECT_TRUE(ExchangeWindowOn(open, D(2026, 4, 15)).open);

  kb::Program closed = Kagawa();
  closed.rules.exchange.closed_months = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  ExchangeWindow w = ExchangeWindowOn(closed, D(2026, 6, 1));
  EXPECT_FALSE(w.open);
  EXPECT_FALSE(w.next_open.has_value());
}

TEST(RankTest, IbarakiThresholds) {
  const kb::Program p = Ibaraki();
  struct Case {
    int points;
    const char* rank;
    const char* next;
    int to_next;
  };
  for (const Case& c :
       {Case{0, "", "ブロンズ", 1000}, Case{999, "", "ブロンズ", 1},
        Case{1000, "ブロンズ", "シルバー", 4000}, Case{4999, "ブロンズ", "シルバー", 1},
        Case{5000, "シルバー", "ゴールド", 3000}, Case{7999, "シルバー", "ゴールド", 1},
        Case{8000, "ゴールド", "", 0}, Case{9000, "ゴールド", "", 0}}) {
    RankStatus s = RankFor(p, c.points);
    EXPECT_EQ(s.rank, c.rank) << c.points;
    EXPECT_EQ(s.next_rank, c.next) << c.points;
    EXPECT_EQ(s.points_to_next, c.to_next) << c.points;
  }
}

TEST(ForfeitTest, KagawaLeaversForfeit) {
  const kb::Program kagawa = Kagawa();
  EXPECT_TRUE(StatusForfeitsPoints(kagawa, "retired"));
  EXPECT_TRUE(StatusForfeitsPoints(kagawa, "voluntary"));
  EXPECT_TRUE(StatusForfeitsPoints(kagawa, "dependent"));
  EXPECT_FALSE(StatusForfeitsPoints(kagawa, "active"));
  EXPECT_FALSE(StatusForfeitsPoints(kagawa, ""));
  EXPECT_FALSE(StatusForfeitsPoints(Ibaraki(), "retired"));
}

// The same rules as loaded from the bundled faq/.
class BundledRulesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    kb::LoadOptions options;
    options.known_placeholders = KnownPlaceholders();
    auto loaded = kb::LoadKnowledgeBase(service::DefaultDataPath("faq"), options);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    kb_ = new kb::KnowledgeBase(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete kb_;
    kb_ = nullptr;
  }
  static const kb::Program& Program(const std::string& id) {
    const kb::ProgramKb* p = kb_->Find(id);
    EXPECT_NE(p, nullptr) << id;
    return p->program;
  }
  static kb::KnowledgeBase* kb_;
};

kb::KnowledgeBase* BundledRulesTest::kb_ = nullptr;

TEST_F(BundledRulesTest, Kagawa) {
  ASSERT_NE(kb_, nullptr);
  const kb::Program& p = Program("kagawa");
  EXPECT_EQ(ExpiryOf(p, D(2026, 3, 31)), D(2027, 3, 31));
  EXPECT_EQ(ExpiryOf(p, D(2026, 4, 1)), D(2028, 3, 31));
  EXPECT_EQ(ExpiryOf(p, D(2021, 12, 1)), D(2023, 3, 31));
  EXPECT_FALSE(ExchangeWindowOn(p, D(2026, 4, 30)).open);
  EXPECT_FALSE(ExchangeWindowOn(p, D(2026, 4, 30)).reason.empty());
  EXPECT_EQ(ExchangeWindowOn(p, D(2026, 4, 30)).next_open, D(2026, 5, 1));
  EXPECT_TRUE(ExchangeWindowOn(p, D(2026, 5, 1)).open);
  EXPECT_TRUE(ExchangeWindowOn(p, D(2026, 3, 31)).open);
  EXPECT_TRUE(StatusForfeitsPoints(p, "retired"));
  EXPECT_TRUE(StatusForfeitsPoints(p, "voluntary"));
  EXPECT_TRUE(StatusForfeitsPoints(p, "dependent"));
  EXPECT_FALSE(StatusForfeitsPoints(p, "active"));
}

TEST_F(BundledRulesTest, Ibaraki) {
  ASSERT_NE(kb_, nullptr);
  const kb::Program& p = Program("ibaraki");
  EXPECT_EQ(ExpiryOf(p, D(2026, 1, 1)), D(2026, 12, 31));
  EXPECT_EQ(ExpiryOf(p, D(2026, 7, 15)), D(2026, 12, 31));
  EXPECT_EQ(ExpiryOf(p, D(2026, 12, 31)), D(2026, 12, 31));
  EXPECT_TRUE(ExchangeWindowOn(p, D(2026, 4, 15)).open) << "ibaraki has no closed months";
  EXPECT_EQ(RankFor(p, 999).rank, "");
  EXPECT_EQ(RankFor(p, 1000).rank, p.rules.ranks[0].name);
  EXPECT_EQ(RankFor(p, 4999).rank, p.rules.ranks[0].name);
  EXPECT_EQ(RankFor(p, 5000).rank, p.rules.ranks[1].name);
  EXPECT_EQ(RankFor(p, 8000).rank, p.rules.ranks[2].name);
  EXPECT_EQ(RankFor(p, 9000).next_rank, "");
}

TEST_F(BundledRulesTest, ItkenpoHasNoPointRules) {
  ASSERT_NE(kb_, nullptr);
  const kb::Program& p = Program("itkenpo");
  EXPECT_FALSE(ExpiryOf(p, D(2026, 4, 1)).has_value());
  EXPECT_TRUE(p.rules.ranks.empty());
}

}  // namespace
}  // namespace madoguchi::rules
