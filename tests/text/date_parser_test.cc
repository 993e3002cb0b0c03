#include "text/date_parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/normalizer_suite.h"
#include "text/normalizer.h"

namespace madoguchi::text {
namespace {

using Precision = DateMention::Precision;

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

const Date kToday = D(2026, 2, 10);

class DateParserTest : public support::NormalizerSuite {
 protected:
  // Dates in a member's text, normalized first as the service does.
  static std::vector<DateMention> Find(std::string_view raw, const Date& today = kToday) {
    return FindDates(normalizer_->Normalize(raw), today);
  }
  // The one date in the text; fails the test when there is not exactly one.
  static DateMention One(std::string_view raw, const Date& today = kToday) {
    std::vector<DateMention> found = Find(raw, today);
    EXPECT_EQ(found.size(), 1u) << "in \"" << raw << "\"";
    return found.empty() ? DateMention{D(1, 1, 1), Precision::kYear} : found[0];
  }
};

TEST_F(DateParserTest, EraYearAndMonth) {
  DateMention m = One("令和3年12月にもらったポイント");
  EXPECT_EQ(m.date, D(2021, 12, 1));
  EXPECT_EQ(m.precision, Precision::kMonth);
}

TEST_F(DateParserTest, EraFullDate) {
  DateMention m = One("令和3年12月1日");
  EXPECT_EQ(m.date, D(2021, 12, 1));
  EXPECT_EQ(m.precision, Precision::kDay);
}

TEST_F(DateParserTest, Gannen) {
  DateMention m = One("令和元年5月1日");
  EXPECT_EQ(m.date, D(2019, 5, 1));
  EXPECT_EQ(m.precision, Precision::kDay);
  EXPECT_EQ(One("平成元年1月8日").date, D(1989, 1, 8));
}

TEST_F(DateParserTest, LastDayOfHeisei) {
  DateMention m = One("平成31年4月30日");
  EXPECT_EQ(m.date, D(2019, 4, 30));
  EXPECT_EQ(m.precision, Precision::kDay);
}

TEST_F(DateParserTest, ShowaBirthDate) {
  EXPECT_EQ(One("昭和55年4月1日生まれです").date, D(1980, 4, 1));
}

TEST_F(DateParserTest, EraLetters) {
  DateMention r = One("R3.12");
  EXPECT_EQ(r.date, D(2021, 12, 1));
  EXPECT_EQ(r.precision, Precision::kMonth);

  DateMention s = One("S55.4.1");
  EXPECT_EQ(s.date, D(1980, 4, 1));
  EXPECT_EQ(s.precision, Precision::kDay);

  EXPECT_EQ(One("H31.4.30").date, D(2019, 4, 30));
  EXPECT_EQ(One("r3/12/1").date, D(2021, 12, 1));
  EXPECT_EQ(One("R3-12-1").date, D(2021, 12, 1));
}

TEST_F(DateParserTest, GregorianForms) {
  for (const char* text : {"2021年12月1日", "2021/12/1", "20211201", "2021-12-01", "2021.12.1"}) {
    DateMention m = One(text);
    EXPECT_EQ(m.date, D(2021, 12, 1)) << text;
    EXPECT_EQ(m.precision, Precision::kDay) << text;
  }
  DateMention month = One("2021年12月");
  EXPECT_EQ(month.date, D(2021, 12, 1));
  EXPECT_EQ(month.precision, Precision::kMonth);
  DateMention year = One("2021年");
  EXPECT_EQ(year.date, D(2021, 1, 1));
  EXPECT_EQ(year.precision, Precision::kYear);
}

TEST_F(DateParserTest, FiscalYears) {
  DateMention era = One("令和3年度の受診率");
  EXPECT_EQ(era.precision, Precision::kFiscalYear);
  EXPECT_EQ(era.fiscal_year, 2021);

  DateMention western = One("2021年度");
  EXPECT_EQ(western.precision, Precision::kFiscalYear);
  EXPECT_EQ(western.fiscal_year, 2021);

  DateMention gannen = One("令和元年度");
  EXPECT_EQ(gannen.precision, Precision::kFiscalYear);
  EXPECT_EQ(gannen.fiscal_year, 2019);
}

TEST_F(DateParserTest, MonthEnds) {
  DateMention m = One("今月末に失効しますか");
  EXPECT_EQ(m.date, D(2026, 2, 28));
  EXPECT_EQ(m.precision, Precision::kDay);
  EXPECT_EQ(One("今月末", D(2024, 2, 10)).date, D(2024, 2, 29));
  EXPECT_EQ(One("来月末", D(2026, 2, 10)).date, D(2026, 3, 31));
  EXPECT_EQ(One("来月末", D(2026, 12, 15)).date, D(2027, 1, 31));
  EXPECT_EQ(One("月末", D(2026, 4, 2)).date, D(2026, 4, 30));
}

TEST_F(DateParserTest, RelativeFiscalYears) {
  DateMention next = One("来年度", D(2026, 2, 10));  // fiscal 2025 now
  EXPECT_EQ(next.precision, Precision::kFiscalYear);
  EXPECT_EQ(next.fiscal_year, 2026);
  EXPECT_EQ(One("来年度", D(2026, 4, 1)).fiscal_year, 2027);
  EXPECT_EQ(One("今年度", D(2026, 3, 31)).fiscal_year, 2025);
  EXPECT_EQ(One("今年度", D(2026, 4, 1)).fiscal_year, 2026);
  EXPECT_EQ(One("昨年度", D(2026, 4, 1)).fiscal_year, 2025);
}

TEST_F(DateParserTest, RelativeDaysMonthsAndYears) {
  DateMention today = One("今日交換できますか");
  EXPECT_EQ(today.date, kToday);
  EXPECT_EQ(today.precision, Precision::kDay);
  EXPECT_EQ(One("本日").date, kToday);
  EXPECT_EQ(One("明日", D(2024, 2, 28)).date, D(2024, 2, 29));
  EXPECT_EQ(One("昨日", D(2026, 3, 1)).date, D(2026, 2, 28));

  DateMention last_month = One("先月", D(2026, 1, 15));
  EXPECT_EQ(last_month.date, D(2025, 12, 1));
  EXPECT_EQ(last_month.precision, Precision::kMonth);
  EXPECT_EQ(One("来月", D(2026, 12, 15)).date, D(2027, 1, 1));
  EXPECT_EQ(One("今月", D(2026, 5, 20)).date, D(2026, 5, 1));

  DateMention next_year = One("来年");
  EXPECT_EQ(next_year.date, D(2027, 1, 1));
  EXPECT_EQ(next_year.precision, Precision::kYear);
  EXPECT_EQ(One("去年").date, D(2025, 1, 1));
}

TEST_F(DateParserTest, MonthWithoutYearIsTheLatestNotAfterToday) {
  DateMention december = One("12月にもらった");
  EXPECT_EQ(december.date, D(2025, 12, 1));
  EXPECT_EQ(december.precision, Precision::kMonth);
  EXPECT_EQ(One("2月").date, D(2026, 2, 1));
  DateMention day = One("1月5日");
  EXPECT_EQ(day.date, D(2026, 1, 5));
  EXPECT_EQ(day.precision, Precision::kDay);
}

TEST_F(DateParserTest, FullWidthDigitsAfterNormalization) {
  EXPECT_EQ(One("令和３年１２月").date, D(2021, 12, 1));
  EXPECT_EQ(One("２０２１／１２／１").date, D(2021, 12, 1));
  EXPECT_EQ(One("Ｒ３．１２").date, D(2021, 12, 1));
  EXPECT_EQ(One("２０２１１２０１").date, D(2021, 12, 1));
}

TEST_F(DateParserTest, KanjiNumerals) {
  DateMention december = One("十二月");
  EXPECT_EQ(december.date, D(2025, 12, 1));
  EXPECT_EQ(december.precision, Precision::kMonth);

  DateMention year = One("二〇二一年");
  EXPECT_EQ(year.date, D(2021, 1, 1));
  EXPECT_EQ(year.precision, Precision::kYear);

  DateMention full = One("令和三年十二月一日");
  EXPECT_EQ(full.date, D(2021, 12, 1));
  EXPECT_EQ(full.precision, Precision::kDay);

  EXPECT_EQ(One("二〇二一年十二月").date, D(2021, 12, 1));
}

TEST_F(DateParserTest, SpansPointAtTheMention) {
  const std::string text = normalizer_->Normalize("ポイントは令和3年12月にもらいました");
  std::vector<DateMention> found = FindDates(text, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin), "令和3年12月");

  const std::string relative = "交換は来月末までですか";
  found = FindDates(relative, kToday);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(relative.substr(found[0].begin, found[0].end - found[0].begin), "来月末");
}

TEST_F(DateParserTest, SeveralMentionsInOrder) {
  std::vector<DateMention> found = Find("2021/12/1に付与され、令和4年1月に交換、今日確認");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].date, D(2021, 12, 1));
  EXPECT_EQ(found[1].date, D(2022, 1, 1));
  EXPECT_EQ(found[2].date, kToday);
  EXPECT_LT(found[0].begin, found[1].begin);
  EXPECT_LT(found[1].begin, found[2].begin);
}

TEST_F(DateParserTest, TextsWithoutDates) {
  for (const char* text : {"ポイントを交換したい", "1,250ポイントあります", "電話 087-832-3794",
                           "0120-818-448", "受診率は94.7%", "", "一般の方", "統一"}) {
    EXPECT_TRUE(Find(text).empty()) << "found a date in \"" << text << "\"";
  }
}

TEST_F(DateParserTest, ImpossibleDatesAreNotFound) {
  EXPECT_TRUE(Find("2021/2/30").empty());
  EXPECT_TRUE(Find("20210230").empty());
  EXPECT_TRUE(Find("2023年2月29日").empty());
  EXPECT_FALSE(Find("2024年2月29日").empty());
}

TEST(ParseFullDateTest, BirthDatesInEveryForm) {
  const Date birth = D(1980, 4, 1);
  for (const char* text :
       {"昭和55年4月1日", "s55.4.1", "1980/4/1", "19800401", "1980-04-01", "1980年4月1日",
        " 1980/4/1 ", "昭和五十五年四月一日", "1980年4月1日生まれ"}) {
    auto parsed = ParseFullDate(text);
    ASSERT_TRUE(parsed.has_value()) << "rejected \"" << text << "\"";
    EXPECT_EQ(*parsed, birth) << text;
  }
  EXPECT_EQ(ParseFullDate("令和元年5月1日"), D(2019, 5, 1));
  EXPECT_EQ(ParseFullDate("平成31年4月30日"), D(2019, 4, 30));
  EXPECT_EQ(ParseFullDate("2024/2/29"), D(2024, 2, 29));
}

TEST(ParseFullDateTest, UpperCaseEraLetter) {
  EXPECT_EQ(ParseFullDate("S55.4.1"), D(1980, 4, 1));
  EXPECT_EQ(ParseFullDate("H31.4.30"), D(2019, 4, 30));
}

TEST(ParseFullDateTest, RejectsWhatIsNotOneFullDate) {
  for (const char* text :
       {"1980/2/30", "99999999", "19800230", "2023/2/29", "", "   ", "abc", "1980/4", "1980年",
        "昭和55年", "令和3年度", "1980/4/1と1990/1/1", "電話は0120-818-448"}) {
    EXPECT_FALSE(ParseFullDate(text).has_value()) << "accepted \"" << text << "\"";
  }
}

TEST(ParseFullDateTest, RejectsDatesWithoutAYear) {
  for (const char* text : {"4月1日", "12月31日", "今日", "明日", "今月末"}) {
    EXPECT_FALSE(ParseFullDate(text).has_value()) << "accepted \"" << text << "\"";
  }
}

TEST(FindNumbersTest, ThousandsSeparators) {
  std::vector<NumberMention> found = FindNumbers("残高は1,250ポイントです");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 1250);
  const std::string text = "残高は1,250ポイントです";
  EXPECT_EQ(text.substr(found[0].begin, found[0].end - found[0].begin), "1,250");

  found = FindNumbers("1,234,567");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 1234567);
}

TEST(FindNumbersTest, CommaWithoutThreeDigitsSeparatesNumbers) {
  std::vector<NumberMention> found = FindNumbers("12,34");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].value, 12);
  EXPECT_EQ(found[1].value, 34);
}

TEST(FindNumbersTest, SeveralNumbersInOrder) {
  std::vector<NumberMention> found = FindNumbers("対象者200人、受診不可者10人、受診者180人");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].value, 200);
  EXPECT_EQ(found[1].value, 10);
  EXPECT_EQ(found[2].value, 180);
  EXPECT_LT(found[0].end, found[1].begin);
}

TEST(FindNumbersTest, KanjiNumerals) {
  std::vector<NumberMention> found = FindNumbers("三百人");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 300);

  found = FindNumbers("二千五百ポイントと十二人");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].value, 2500);
  EXPECT_EQ(found[1].value, 12);

  found = FindNumbers("一万二千円");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, 12000);
}

TEST(FindNumbersTest, NoNumbers) {
  EXPECT_TRUE(FindNumbers("").empty());
  EXPECT_TRUE(FindNumbers("ポイントの有効期限").empty());
  EXPECT_TRUE(FindNumbers("一般の方は一度統一して").empty());
}

TEST(KanjiNumeralsToDigitsTest, NumeralsBeforeCounters) {
  EXPECT_EQ(KanjiNumeralsToDigits("十二月"), "12月");
  EXPECT_EQ(KanjiNumeralsToDigits("二〇二一年"), "2021年");
  EXPECT_EQ(KanjiNumeralsToDigits("三百人"), "300人");
  EXPECT_EQ(KanjiNumeralsToDigits("二十一日"), "21日");
  EXPECT_EQ(KanjiNumeralsToDigits("十月"), "10月");
  EXPECT_EQ(KanjiNumeralsToDigits("二月と十二月"), "2月と12月");
  EXPECT_EQ(KanjiNumeralsToDigits("一万二千円"), "12000円");
}

TEST(KanjiNumeralsToDigitsTest, LeavesWordsAlone) {
  EXPECT_EQ(KanjiNumeralsToDigits("一般"), "一般");
  EXPECT_EQ(KanjiNumeralsToDigits("一度"), "一度");
  EXPECT_EQ(KanjiNumeralsToDigits("統一"), "統一");
  EXPECT_EQ(KanjiNumeralsToDigits("一般の方は一度統一して"), "一般の方は一度統一して");
  EXPECT_EQ(KanjiNumeralsToDigits("万一"), "万一");
  EXPECT_EQ(KanjiNumeralsToDigits("ポイント"), "ポイント");
  EXPECT_EQ(KanjiNumeralsToDigits(""), "");
}

TEST(KanjiNumeralsToDigitsTest, NumeralsStartingWithHundredOrThousand) {
  EXPECT_EQ(KanjiNumeralsToDigits("百八十人"), "180人");
  EXPECT_EQ(KanjiNumeralsToDigits("千二百ポイント"), "1200ポイント");
}

}  // namespace
}  // namespace madoguchi::text
