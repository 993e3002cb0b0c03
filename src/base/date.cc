#include "base/date.h"

#include <charconv>
#include <cstdio>

namespace madoguchi {

namespace {
bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;  // no sign, no spaces
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

std::optional<Date> ParseIsoDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!ParseInt(text.substr(0, 4), y) || !ParseInt(text.substr(5, 2), m) ||
      !ParseInt(text.substr(8, 2), d)) {
    return std::nullopt;
  }
  Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
            std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatIsoDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

int DaysBetween(const Date& a, const Date& b) {
  return (std::chrono::sys_days(b) - std::chrono::sys_days(a)).count();
}

Date AddDays(const Date& d, int days) {
  return Date(std::chrono::sys_days(d) + std::chrono::days(days));
}

Date LastDayOfMonth(int year, unsigned month) {
  return Date(std::chrono::year_month_day_last(
      std::chrono::year(year), std::chrono::month_day_last(std::chrono::month(month))));
}

int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t UnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Date TokyoDate(int64_t unix_seconds) {
  // Asia/Tokyo is UTC+9 with no daylight saving time.
  const std::chrono::sys_seconds at{std::chrono::seconds(unix_seconds) + std::chrono::hours(9)};
  return Date(std::chrono::floor<std::chrono::days>(at));
}

Date SystemClock::Today() const { return TokyoDate(UnixSeconds()); }

}  // namespace madoguchi
