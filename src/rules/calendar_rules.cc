#include "rules/calendar_rules.h"

#include <algorithm>

namespace madoguchi::rules {

namespace {
int Year(const Date& d) { return static_cast<int>(d.year()); }
unsigned Month(const Date& d) { return static_cast<unsigned>(d.month()); }

// Last day of the twelve-month period starting in start_month of start_year.
Date PeriodEnd(int start_year, unsigned start_month) {
  if (start_month == 1) return LastDayOfMonth(start_year, 12);
  return LastDayOfMonth(start_year + 1, start_month - 1);
}
}  // namespace

int FiscalYearOf(const kb::Program& program, const Date& d) {
  return Month(d) >= program.fiscal_year_start_month ? Year(d) : Year(d) - 1;
}

Date FiscalYearEnd(const kb::Program& program, int fiscal_year) {
  return PeriodEnd(fiscal_year, program.fiscal_year_start_month);
}

std::optional<Date> ExpiryOf(const kb::Program& program, const Date& granted) {
  const kb::ExpiryRule& rule = program.rules.expiry;
  switch (rule.kind) {
    case kb::ExpiryRule::Kind::kNone:
      return std::nullopt;
    case kb::ExpiryRule::Kind::kFiscalYear:
      return FiscalYearEnd(program, FiscalYearOf(program, granted) + rule.fiscal_years - 1);
    case kb::ExpiryRule::Kind::kSeason:
      return SeasonOf(program, granted).end;
  }
  return std::nullopt;
}

Season SeasonOf(const kb::Program& program, const Date& d) {
  unsigned start_month = program.rules.expiry.season_start_month;
  int start_year = Month(d) >= start_month ? Year(d) : Year(d) - 1;
  Date start{std::chrono::year(start_year), std::chrono::month(start_month), std::chrono::day(1)};
  return Season{start, PeriodEnd(start_year, start_month)};
}

ExchangeWindow ExchangeWindowOn(const kb::Program& program, const Date& on) {
  const auto& closed = program.rules.exchange.closed_months;
  auto is_closed = [&](unsigned m) {
    return std::find(closed.begin(), closed.end(), m) != closed.end();
  };
  ExchangeWindow w;
  if (!is_closed(Month(on))) return w;
  w.open = false;
  w.reason = program.rules.exchange.closed_reason;
  // The first day of the next open month; at most twelve months ahead.
  int y = Year(on);
  unsigned m = Month(on);
  for (int i = 0; i < 12; ++i) {
    m = m == 12 ? 1 : m + 1;
    if (m == 1) ++y;
    if (!is_closed(m)) {
      w.next_open = Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(1)};
      break;
    }
  }
  return w;
}

RankStatus RankFor(const kb::Program& program, int points) {
  RankStatus s;
  for (const kb::Rank& r : program.rules.ranks) {
    if (points >= r.points) {
      s.rank = r.name;
    } else {
      s.next_rank = r.name;
      s.points_to_next = r.points - points;
      break;
    }
  }
  return s;
}

bool StatusForfeitsPoints(const kb::Program& program, const std::string& status) {
  const auto& f = program.rules.forfeit_on_status;
  return std::find(f.begin(), f.end(), status) != f.end();
}

}  // namespace madoguchi::rules
