#include "points/fifo.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace madoguchi::points {

namespace {
using std::chrono::sys_days;
}  // namespace

bool IsUsableOn(const Lot& lot, const Date& on) {
  if (lot.remaining <= 0) return false;
  if (sys_days(lot.granted_on) > sys_days(on)) return false;
  return !lot.expires_on || sys_days(on) <= sys_days(*lot.expires_on);
}

std::vector<Lot> UsableInSpendingOrder(std::vector<Lot> lots, const Date& on) {
  std::erase_if(lots, [&](const Lot& l) { return !IsUsableOn(l, on); });
  auto key = [](const Lot& l) {
    // A lot that never lapses sorts after every dated one.
    return std::make_tuple(!l.expires_on.has_value(),
                           l.expires_on ? sys_days(*l.expires_on) : sys_days{},
                           sys_days(l.granted_on), l.lot_id);
  };
  std::sort(lots.begin(), lots.end(), [&](const Lot& a, const Lot& b) { return key(a) < key(b); });
  return lots;
}

std::optional<std::vector<Debit>> PlanDebits(const std::vector<Lot>& ordered, int64_t points) {
  std::vector<Debit> debits;
  int64_t left = points;
  for (const Lot& lot : ordered) {
    if (left <= 0) break;
    int64_t take = std::min(left, lot.remaining);
    if (take <= 0) continue;
    debits.push_back({lot.lot_id, take});
    left -= take;
  }
  if (left > 0) return std::nullopt;
  return debits;
}

std::vector<ExpiringPoints> GroupByExpiry(const std::vector<Lot>& lots) {
  std::map<sys_days, int64_t> by_day;
  for (const Lot& lot : lots) {
    if (lot.expires_on && lot.remaining > 0) by_day[sys_days(*lot.expires_on)] += lot.remaining;
  }
  std::vector<ExpiringPoints> out;
  for (const auto& [day, pts] : by_day) out.push_back({pts, Date(day)});
  return out;
}

}  // namespace madoguchi::points
