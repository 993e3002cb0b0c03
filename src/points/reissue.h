// Auth-code reissue rules: when an earlier request still stands, and when the postcard should
// arrive. Pure; thread-safe.
#ifndef MADOGUCHI_POINTS_REISSUE_H_
#define MADOGUCHI_POINTS_REISSUE_H_

#include "base/date.h"
#include "kb/program.h"

namespace madoguchi::points {

// Whether a request made on `earlier` still answers one made on `today`: they are fewer than
// min_interval_days apart (either way round, so a back-dated request cannot slip past a later one).
bool EarlierRequestStands(const kb::ReissueRule& rule, const Date& earlier, const Date& today);

// requested_on + arrival_days.
Date EstimatedArrival(const kb::ReissueRule& rule, const Date& requested_on);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_REISSUE_H_
