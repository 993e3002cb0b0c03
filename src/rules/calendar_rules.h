// Program rules that turn dates and point totals into facts: when points lapse, whether
// exchange is open, which season and rank a member is in. Pure functions of the program's
// rules and the dates given (callers take "today" from a Clock); thread-safe.
#ifndef MADOGUCHI_RULES_CALENDAR_RULES_H_
#define MADOGUCHI_RULES_CALENDAR_RULES_H_

#include <optional>
#include <string>

#include "base/date.h"
#include "kb/program.h"

namespace madoguchi::rules {

// The fiscal year (by its starting Gregorian year) that d falls in: with an April start,
// 2026-03-31 → 2025 and 2026-04-01 → 2026.
int FiscalYearOf(const kb::Program& program, const Date& d);
Date FiscalYearEnd(const kb::Program& program, int fiscal_year);

// The last day on which points granted on `granted` can be used, or nullopt when the
// program's points do not lapse.
std::optional<Date> ExpiryOf(const kb::Program& program, const Date& granted);

struct Season {
  Date start;
  Date end;
};
// The season `d` falls in (ibaraki: January–December of d's year).
Season SeasonOf(const kb::Program& program, const Date& d);

struct ExchangeWindow {
  bool open = true;
  std::string reason;             // why it is closed (Japanese); empty when open
  std::optional<Date> next_open;  // the first open day after `on` when closed
};
ExchangeWindow ExchangeWindowOn(const kb::Program& program, const Date& on);

struct RankStatus {
  std::string rank;       // empty below the first threshold
  std::string next_rank;  // empty at the top
  int points_to_next = 0;
};
// Only meaningful when program.rules.ranks is not empty.
RankStatus RankFor(const kb::Program& program, int points);

// Whether a member in `status` keeps points (kagawa: retired, voluntary and dependent forfeit).
bool StatusForfeitsPoints(const kb::Program& program, const std::string& status);

}  // namespace madoguchi::rules

#endif  // MADOGUCHI_RULES_CALENDAR_RULES_H_
