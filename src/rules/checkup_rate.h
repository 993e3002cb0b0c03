// itkenpo's checkup-rate arithmetic: examined ÷ (targets − those unable to be examined).
#ifndef MADOGUCHI_RULES_CHECKUP_RATE_H_
#define MADOGUCHI_RULES_CHECKUP_RATE_H_

#include <string>

#include "base/status.h"

namespace madoguchi::rules {

struct CheckupCounts {
  long long targets = 0;   // 対象者数
  long long unable = 0;    // 受診不可者数
  long long examined = 0;  // 受診者数
};

// The rate in percent, rounded half up to `decimals` places, as text ("94.7").
// InvalidArgument when the denominator is not positive or examined exceeds it.
StatusOr<std::string> CheckupRatePercent(const CheckupCounts& counts, int decimals);

}  // namespace madoguchi::rules

#endif  // MADOGUCHI_RULES_CHECKUP_RATE_H_
