// Which lots a redemption spends, and how a member's usable points group by lapse date. Pure
// functions of the lots given; thread-safe.
#ifndef MADOGUCHI_POINTS_FIFO_H_
#define MADOGUCHI_POINTS_FIFO_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "base/date.h"
#include "points/points_core.h"

namespace madoguchi::points {

// Whether a lot can be spent on `on`: granted by then, not lapsed (expires_on is the last usable
// day), something left.
bool IsUsableOn(const Lot& lot, const Date& on);

// The lots usable on `on`, in the order they are spent: the one lapsing first, then (same lapse
// day) the oldest grant, then the lowest lot id; lots that never lapse go last.
std::vector<Lot> UsableInSpendingOrder(std::vector<Lot> lots, const Date& on);

struct Debit {
  int64_t lot_id = 0;
  int64_t points = 0;
};

// Takes `points` (> 0) from `ordered` front to back. nullopt when they hold fewer points.
std::optional<std::vector<Debit>> PlanDebits(const std::vector<Lot>& ordered, int64_t points);

// The remaining points of `lots` summed per lapse date, soonest first; lots that never lapse are
// left out.
std::vector<ExpiringPoints> GroupByExpiry(const std::vector<Lot>& lots);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_FIFO_H_
