// Calendar dates and the clock every rule takes "today" from.
//
// Dates are civil dates in the program's time zone (Asia/Tokyo, UTC+9 all year: Japan has no
// daylight saving time, so the offset is fixed and no time-zone database is needed).
#ifndef MADOGUCHI_BASE_DATE_H_
#define MADOGUCHI_BASE_DATE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace madoguchi {

using Date = std::chrono::year_month_day;

// "2026-03-31" → Date; nullopt when malformed or not a real day (2026-02-29).
std::optional<Date> ParseIsoDate(std::string_view text);
// Date → "2026-03-31".
std::string FormatIsoDate(const Date& d);
// Days from a to b (b − a).
int DaysBetween(const Date& a, const Date& b);
Date AddDays(const Date& d, int days);
Date LastDayOfMonth(int year, unsigned month);

// The wall clock as Unix time, for timestamps and expiries (not for "today": use a Clock).
int64_t UnixSeconds();
int64_t UnixMillis();
// The date in Asia/Tokyo (UTC+9, no daylight saving) at a Unix time.
Date TokyoDate(int64_t unix_seconds);

// Supplies today's date. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Date Today() const = 0;
};

// Today in Asia/Tokyo from the system clock.
class SystemClock final : public Clock {
 public:
  Date Today() const override;
};

// Always the same day; for --today and tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today) : today_(today) {}
  Date Today() const override { return today_; }

 private:
  Date today_;
};

}  // namespace madoguchi

#endif  // MADOGUCHI_BASE_DATE_H_
