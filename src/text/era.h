// Japanese eras (和暦): converting between era years and Gregorian years, and writing dates
// the way Japanese documents do. Pure functions; thread-safe.
#ifndef MADOGUCHI_TEXT_ERA_H_
#define MADOGUCHI_TEXT_ERA_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/date.h"

namespace madoguchi::text {

struct Era {
  const char* name;    // 令和
  const char* letter;  // R
  Date first_day;      // 2019-05-01
};

// Eras from newest to oldest: 令和, 平成, 昭和, 大正, 明治.
const Era* Eras(int* count);

// Finds an era by name (令和) or its letter (R, r). nullptr when unknown.
const Era* FindEra(std::string_view name_or_letter);

// Gregorian year of an era's year (令和3 → 2021). era_year 1 is 元年.
int GregorianYear(const Era& era, int era_year);

// The era in force on d, and the era year. Dates before 明治 give nullptr.
const Era* EraOf(const Date& d, int* era_year);

// 令和8年3月31日 (元年 written as 元年).
std::string FormatEraDate(const Date& d);
// 令和8年3月31日（2026年3月31日）: the form used in answers, readable by everyone.
std::string FormatJapaneseDate(const Date& d);
// 2026年3月31日
std::string FormatGregorianDate(const Date& d);

// 1,250 — digits grouped by thousands, as Japanese notices write amounts.
std::string FormatNumber(long long n);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_ERA_H_
