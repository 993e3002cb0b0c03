#include "points/reissue.h"

#include <cstdlib>

namespace madoguchi::points {

bool EarlierRequestStands(const kb::ReissueRule& rule, const Date& earlier, const Date& today) {
  return std::abs(DaysBetween(earlier, today)) < rule.min_interval_days;
}

Date EstimatedArrival(const kb::ReissueRule& rule, const Date& requested_on) {
  return AddDays(requested_on, rule.arrival_days);
}

}  // namespace madoguchi::points
