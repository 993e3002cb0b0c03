#include "text/era.h"

#include <cctype>
#include <chrono>

namespace madoguchi::text {

namespace {
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

const Era kEras[] = {
    {"令和", "R", Date{year(2019), month(5), day(1)}},
    {"平成", "H", Date{year(1989), month(1), day(8)}},
    {"昭和", "S", Date{year(1926), month(12), day(25)}},
    {"大正", "T", Date{year(1912), month(7), day(30)}},
    {"明治", "M", Date{year(1868), month(10), day(23)}},
};
constexpr int kEraCount = sizeof(kEras) / sizeof(kEras[0]);
}  // namespace

const Era* Eras(int* count) {
  *count = kEraCount;
  return kEras;
}

const Era* FindEra(std::string_view s) {
  for (const Era& e : kEras) {
    if (s == e.name) return &e;
    if (s.size() == 1 && std::toupper(static_cast<unsigned char>(s[0])) == e.letter[0]) return &e;
  }
  return nullptr;
}

int GregorianYear(const Era& era, int era_year) {
  return static_cast<int>(era.first_day.year()) + era_year - 1;
}

const Era* EraOf(const Date& d, int* era_year) {
  for (const Era& e : kEras) {
    if (std::chrono::sys_days(d) >= std::chrono::sys_days(e.first_day)) {
      *era_year = static_cast<int>(d.year()) - static_cast<int>(e.first_day.year()) + 1;
      return &e;
    }
  }
  return nullptr;
}

std::string FormatEraDate(const Date& d) {
  int ey = 0;
  const Era* e = EraOf(d, &ey);
  if (e == nullptr) return FormatGregorianDate(d);
  std::string s = e->name;
  s += ey == 1 ? "元" : std::to_string(ey);
  s += "年" + std::to_string(static_cast<unsigned>(d.month())) + "月" +
       std::to_string(static_cast<unsigned>(d.day())) + "日";
  return s;
}

std::string FormatGregorianDate(const Date& d) {
  return std::to_string(static_cast<int>(d.year())) + "年" +
         std::to_string(static_cast<unsigned>(d.month())) + "月" +
         std::to_string(static_cast<unsigned>(d.day())) + "日";
}

std::string FormatJapaneseDate(const Date& d) {
  return FormatEraDate(d) + "（" + FormatGregorianDate(d) + "）";
}

std::string FormatNumber(long long n) {
  // The magnitude as unsigned: negating the smallest long long would overflow.
  unsigned long long magnitude =
      n < 0 ? 0ULL - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  std::string digits = std::to_string(magnitude);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    ++count;
  }
  return n < 0 ? "-" + out : out;
}

}  // namespace madoguchi::text
