#include "text/era.h"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <string>

namespace madoguchi::text {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

TEST(EraTableTest, NewestFirstWithFirstDays) {
  int count = 0;
  const Era* eras = Eras(&count);
  ASSERT_EQ(count, 5);
  EXPECT_STREQ(eras[0].name, "令和");
  EXPECT_STREQ(eras[0].letter, "R");
  EXPECT_EQ(eras[0].first_day, D(2019, 5, 1));
  EXPECT_STREQ(eras[1].name, "平成");
  EXPECT_EQ(eras[1].first_day, D(1989, 1, 8));
  EXPECT_STREQ(eras[2].name, "昭和");
  EXPECT_EQ(eras[2].first_day, D(1926, 12, 25));
  EXPECT_STREQ(eras[3].name, "大正");
  EXPECT_STREQ(eras[4].name, "明治");
  for (int i = 1; i < count; ++i) {
    EXPECT_LT(std::chrono::sys_days(eras[i].first_day),
              std::chrono::sys_days(eras[i - 1].first_day));
  }
}

TEST(FindEraTest, ByNameOrLetterInEitherCase) {
  ASSERT_NE(FindEra("令和"), nullptr);
  EXPECT_STREQ(FindEra("令和")->name, "令和");
  EXPECT_STREQ(FindEra("R")->name, "令和");
  EXPECT_STREQ(FindEra("r")->name, "令和");
  EXPECT_STREQ(FindEra("H")->name, "平成");
  EXPECT_STREQ(FindEra("h")->name, "平成");
  EXPECT_STREQ(FindEra("平成")->name, "平成");
  EXPECT_STREQ(FindEra("S")->name, "昭和");
  EXPECT_STREQ(FindEra("昭和")->name, "昭和");
  EXPECT_STREQ(FindEra("T")->name, "大正");
  EXPECT_STREQ(FindEra("M")->name, "明治");
}

TEST(FindEraTest, UnknownGivesNull) {
  EXPECT_EQ(FindEra(""), nullptr);
  EXPECT_EQ(FindEra("X"), nullptr);
  EXPECT_EQ(FindEra("令"), nullptr);
  EXPECT_EQ(FindEra("RH"), nullptr);
  EXPECT_EQ(FindEra("西暦"), nullptr);
}

TEST(GregorianYearTest, EraYearsToGregorian) {
  EXPECT_EQ(GregorianYear(*FindEra("令和"), 1), 2019);  // 元年
  EXPECT_EQ(GregorianYear(*FindEra("令和"), 3), 2021);
  EXPECT_EQ(GregorianYear(*FindEra("令和"), 8), 2026);
  EXPECT_EQ(GregorianYear(*FindEra("平成"), 1), 1989);
  EXPECT_EQ(GregorianYear(*FindEra("平成"), 31), 2019);
  EXPECT_EQ(GregorianYear(*FindEra("昭和"), 55), 1980);
  EXPECT_EQ(GregorianYear(*FindEra("昭和"), 64), 1989);
}

TEST(EraOfTest, Boundaries) {
  int year = 0;
  const Era* era = EraOf(D(2019, 4, 30), &year);
  ASSERT_NE(era, nullptr);
  EXPECT_STREQ(era->name, "平成");
  EXPECT_EQ(year, 31);

  era = EraOf(D(2019, 5, 1), &year);
  ASSERT_NE(era, nullptr);
  EXPECT_STREQ(era->name, "令和");
  EXPECT_EQ(year, 1);

  era = EraOf(D(2020, 1, 1), &year);
  EXPECT_STREQ(era->name, "令和");
  EXPECT_EQ(year, 2);

  era = EraOf(D(1989, 1, 7), &year);
  EXPECT_STREQ(era->name, "昭和");
  EXPECT_EQ(year, 64);

  era = EraOf(D(1989, 1, 8), &year);
  EXPECT_STREQ(era->name, "平成");
  EXPECT_EQ(year, 1);

  era = EraOf(D(1926, 12, 24), &year);
  EXPECT_STREQ(era->name, "大正");
  EXPECT_EQ(year, 15);

  era = EraOf(D(1926, 12, 25), &year);
  EXPECT_STREQ(era->name, "昭和");
  EXPECT_EQ(year, 1);

  EXPECT_EQ(EraOf(D(1868, 10, 22), &year), nullptr);
  ASSERT_NE(EraOf(D(1868, 10, 23), &year), nullptr);
  EXPECT_EQ(year, 1);
}

TEST(FormatEraDateTest, WritesGannenForTheFirstYear) {
  EXPECT_EQ(FormatEraDate(D(2019, 5, 1)), "令和元年5月1日");
  EXPECT_EQ(FormatEraDate(D(2019, 12, 31)), "令和元年12月31日");
  EXPECT_EQ(FormatEraDate(D(1989, 1, 8)), "平成元年1月8日");
  EXPECT_EQ(FormatEraDate(D(2019, 4, 30)), "平成31年4月30日");
  EXPECT_EQ(FormatEraDate(D(2020, 1, 1)), "令和2年1月1日");
  EXPECT_EQ(FormatEraDate(D(2026, 3, 31)), "令和8年3月31日");
  EXPECT_EQ(FormatEraDate(D(1980, 4, 1)), "昭和55年4月1日");
}

TEST(FormatEraDateTest, BeforeMeijiFallsBackToGregorian) {
  EXPECT_EQ(FormatEraDate(D(1800, 1, 2)), "1800年1月2日");
}

TEST(FormatJapaneseDateTest, EraThenGregorianInBrackets) {
  EXPECT_EQ(FormatJapaneseDate(D(2026, 3, 31)), "令和8年3月31日（2026年3月31日）");
  EXPECT_EQ(FormatJapaneseDate(D(2019, 5, 1)), "令和元年5月1日（2019年5月1日）");
  EXPECT_EQ(FormatJapaneseDate(D(2028, 3, 31)), "令和10年3月31日（2028年3月31日）");
}

TEST(FormatGregorianDateTest, NoPadding) {
  EXPECT_EQ(FormatGregorianDate(D(2026, 4, 1)), "2026年4月1日");
  EXPECT_EQ(FormatGregorianDate(D(2026, 12, 31)), "2026年12月31日");
}

TEST(FormatNumberTest, GroupsThousands) {
  EXPECT_EQ(FormatNumber(0), "0");
  EXPECT_EQ(FormatNumber(7), "7");
  EXPECT_EQ(FormatNumber(999), "999");
  EXPECT_EQ(FormatNumber(1000), "1,000");
  EXPECT_EQ(FormatNumber(1250), "1,250");
  EXPECT_EQ(FormatNumber(8000), "8,000");
  EXPECT_EQ(FormatNumber(123456), "123,456");
  EXPECT_EQ(FormatNumber(1234567), "1,234,567");
  EXPECT_EQ(FormatNumber(std::numeric_limits<long long>::max()), "9,223,372,036,854,775,807");
}

TEST(FormatNumberTest, Negative) {
  EXPECT_EQ(FormatNumber(-5), "-5");
  EXPECT_EQ(FormatNumber(-1250), "-1,250");
  EXPECT_EQ(FormatNumber(-100000), "-100,000");
}

TEST(FormatNumberTest, SmallestLongLong) {
  EXPECT_EQ(FormatNumber(std::numeric_limits<long long>::min()), "-9,223,372,036,854,775,808");
}

}  // namespace
}  // namespace madoguchi::text
