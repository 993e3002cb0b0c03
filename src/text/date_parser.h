// Finds dates and numbers in normalized Japanese text: 令和/平成/昭和 and 元年, R3.12, S55.4.1,
// 西暦 (2021年12月1日, 2021/12/1, 20211201), 年度, relative words (今日, 今月末, 来年度 …),
// and kanji numerals (十二月, 二〇二一年). Pure functions; thread-safe.
#ifndef MADOGUCHI_TEXT_DATE_PARSER_H_
#define MADOGUCHI_TEXT_DATE_PARSER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"

namespace madoguchi::text {

struct DateMention {
  enum class Precision { kDay, kMonth, kYear, kFiscalYear };
  Date date;  // the first day of what was named (for kFiscalYear: the start year, April 1
              // is not assumed here — callers apply the program's fiscal-year start)
  Precision precision;
  int fiscal_year = 0;  // kFiscalYear: the Gregorian year the fiscal year starts in
  size_t begin = 0;     // byte span in the text given to FindDates
  size_t end = 0;
  bool year_given = true;  // false for 12月 (year inferred) and relative words (今日, 来月)
};

// Rewrites kanji numerals as ASCII digits: 十二 → 12, 二〇二一 → 2021, 三百 → 300.
// Kanji that are not numerals, and numerals inside words (一般, 一度, 統一), are left alone.
std::string KanjiNumeralsToDigits(std::string_view text);

// Dates named in `text` (normalized), in order of appearance. Relative words are resolved
// against `today`; a month without a year (12月) is the latest such month not after `today`.
std::vector<DateMention> FindDates(std::string_view text, const Date& today);

// A birth date or similar full date typed alone: 昭和55年4月1日, S55.4.1, 1980/4/1, 19800401,
// 1980-04-01. nullopt when the text is not exactly one valid full date.
std::optional<Date> ParseFullDate(std::string_view text);

struct NumberMention {
  long long value = 0;
  size_t begin = 0;  // byte span in the text
  size_t end = 0;
};
// Integers in `text` (after KanjiNumeralsToDigits), with thousands separators understood
// (1,250). Digits that are part of a date are included; callers filter by context.
// Spans (here and in FindDates) index KanjiNumeralsToDigits(text), which equals text when it
// holds no kanji numerals.
std::vector<NumberMention> FindNumbers(std::string_view text);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_DATE_PARSER_H_
