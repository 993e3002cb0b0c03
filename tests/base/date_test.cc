#include "base/date.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace madoguchi {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

// 2026-03-31T15:00:00Z is midnight of 1 April in Tokyo: the fiscal year turns there, not at
// UTC midnight.
TEST(TokyoDateTest, TurnsAtMidnightInTokyo) {
  constexpr int64_t kTokyoMidnight = 1774969200;  // 2026-04-01T00:00:00+09:00
  EXPECT_EQ(FormatIsoDate(TokyoDate(kTokyoMidnight - 1)), "2026-03-31");
  EXPECT_EQ(FormatIsoDate(TokyoDate(kTokyoMidnight)), "2026-04-01");
}

TEST(ParseIsoDateTest, ParsesAValidDate) {
  auto d = ParseIsoDate("2026-03-31");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, D(2026, 3, 31));
  EXPECT_EQ(ParseIsoDate("2026-04-01"), D(2026, 4, 1));
  EXPECT_EQ(ParseIsoDate("1980-12-01"), D(1980, 12, 1));
}

TEST(ParseIsoDateTest, AcceptsLeapDayOnlyInLeapYears) {
  EXPECT_EQ(ParseIsoDate("2024-02-29"), D(2024, 2, 29));
  EXPECT_EQ(ParseIsoDate("2000-02-29"), D(2000, 2, 29));
  EXPECT_FALSE(ParseIsoDate("2025-02-29").has_value());
  EXPECT_FALSE(ParseIsoDate("1900-02-29").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-02-29").has_value());
}

TEST(ParseIsoDateTest, RejectsDaysThatDoNotExist) {
  EXPECT_FALSE(ParseIsoDate("2026-04-31").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-02-30").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-13-01").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-00-10").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-01-00").has_value());
  EXPECT_FALSE(ParseIsoDate("2026-01-32").has_value());
}

TEST(ParseIsoDateTest, RejectsMalformedText) {
  for (const char* text :
       {"", "2026", "2026-3-31", "2026-03-1", "2026/03/31", "20260331", "2026-03-31x",
        " 2026-03-31", "2026-03-31 ", "abcd-ef-gh", "2026-03-3a", "2026-0x-31", "２０２６-03-31",
        "2026--3-31", "2026-03--1", "令和8-03-31"}) {
    EXPECT_FALSE(ParseIsoDate(text).has_value()) << "accepted \"" << text << "\"";
  }
}

TEST(ParseIsoDateTest, RejectsASignedYear) { EXPECT_FALSE(ParseIsoDate("-026-03-31").has_value()); }

TEST(FormatIsoDateTest, PadsAndRoundTrips) {
  EXPECT_EQ(FormatIsoDate(D(2026, 4, 1)), "2026-04-01");
  EXPECT_EQ(FormatIsoDate(D(2019, 12, 31)), "2019-12-31");
  for (const char* text : {"2024-02-29", "1980-04-01", "2026-03-31"}) {
    auto d = ParseIsoDate(text);
    ASSERT_TRUE(d.has_value()) << text;
    EXPECT_EQ(FormatIsoDate(*d), text);
  }
}

TEST(AddDaysTest, CrossesMonthAndYearEnds) {
  EXPECT_EQ(AddDays(D(2026, 1, 31), 1), D(2026, 2, 1));
  EXPECT_EQ(AddDays(D(2026, 3, 31), 1), D(2026, 4, 1));
  EXPECT_EQ(AddDays(D(2025, 12, 31), 1), D(2026, 1, 1));
  EXPECT_EQ(AddDays(D(2026, 4, 30), 1), D(2026, 5, 1));
  EXPECT_EQ(AddDays(D(2026, 5, 1), 0), D(2026, 5, 1));
}

TEST(AddDaysTest, HandlesLeapDays) {
  EXPECT_EQ(AddDays(D(2024, 2, 28), 1), D(2024, 2, 29));
  EXPECT_EQ(AddDays(D(2024, 2, 29), 1), D(2024, 3, 1));
  EXPECT_EQ(AddDays(D(2025, 2, 28), 1), D(2025, 3, 1));
  EXPECT_EQ(AddDays(D(2024, 1, 1), 366), D(2025, 1, 1));
  EXPECT_EQ(AddDays(D(2025, 1, 1), 365), D(2026, 1, 1));
}

TEST(AddDaysTest, GoesBackwards) {
  EXPECT_EQ(AddDays(D(2026, 3, 1), -1), D(2026, 2, 28));
  EXPECT_EQ(AddDays(D(2024, 3, 1), -1), D(2024, 2, 29));
  EXPECT_EQ(AddDays(D(2026, 1, 1), -1), D(2025, 12, 31));
  EXPECT_EQ(AddDays(D(2026, 5, 15), -30), D(2026, 4, 15));
}

TEST(DaysBetweenTest, CountsSignedDays) {
  EXPECT_EQ(DaysBetween(D(2024, 2, 28), D(2024, 3, 1)), 2);
  EXPECT_EQ(DaysBetween(D(2025, 2, 28), D(2025, 3, 1)), 1);
  EXPECT_EQ(DaysBetween(D(2026, 3, 1), D(2026, 2, 1)), -28);
  EXPECT_EQ(DaysBetween(D(2026, 1, 1), D(2026, 1, 1)), 0);
  EXPECT_EQ(DaysBetween(D(2026, 1, 1), D(2027, 1, 1)), 365);
}

TEST(LastDayOfMonthTest, KnowsMonthLengthsAndLeapYears) {
  EXPECT_EQ(LastDayOfMonth(2024, 2), D(2024, 2, 29));
  EXPECT_EQ(LastDayOfMonth(2025, 2), D(2025, 2, 28));
  EXPECT_EQ(LastDayOfMonth(2000, 2), D(2000, 2, 29));
  EXPECT_EQ(LastDayOfMonth(1900, 2), D(1900, 2, 28));
  EXPECT_EQ(LastDayOfMonth(2026, 3), D(2026, 3, 31));
  EXPECT_EQ(LastDayOfMonth(2026, 4), D(2026, 4, 30));
  EXPECT_EQ(LastDayOfMonth(2026, 12), D(2026, 12, 31));
  EXPECT_EQ(LastDayOfMonth(2026, 1), D(2026, 1, 31));
}

TEST(ClockTest, FixedClockAlwaysGivesItsDay) {
  FixedClock clock(D(2026, 4, 30));
  EXPECT_EQ(clock.Today(), D(2026, 4, 30));
  EXPECT_EQ(clock.Today(), D(2026, 4, 30));
  const Clock& as_base = clock;
  EXPECT_EQ(as_base.Today(), D(2026, 4, 30));
}

TEST(ClockTest, SystemClockIsTodayInTokyo) {
  SystemClock clock;
  Date today = clock.Today();
  ASSERT_TRUE(today.ok());
  // Tokyo is UTC+9: its date is the UTC date or the day after.
  Date utc = Date(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  int diff = DaysBetween(utc, today);
  EXPECT_GE(diff, 0);
  EXPECT_LE(diff, 1);
}

}  // namespace
}  // namespace madoguchi
