#include "rules/checkup_rate.h"

namespace madoguchi::rules {

StatusOr<std::string> CheckupRatePercent(const CheckupCounts& c, int decimals) {
  if (c.targets < 0 || c.unable < 0 || c.examined < 0) {
    return InvalidArgument("counts must not be negative");
  }
  long long denominator = c.targets - c.unable;
  if (denominator <= 0) return InvalidArgument("targets minus unable must be positive");
  if (c.examined > denominator) return InvalidArgument("examined exceeds targets minus unable");
  if (decimals < 0 || decimals > 6) return InvalidArgument("decimals out of range");
  // Integer arithmetic so that 94.75 rounds to 94.8 exactly, not by binary luck.
  long long scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  long long scaled = (c.examined * 100 * scale * 2 + denominator) / (denominator * 2);
  std::string whole = std::to_string(scaled / scale);
  if (decimals == 0) return whole;
  std::string frac = std::to_string(scaled % scale);
  frac.insert(0, static_cast<size_t>(decimals) - frac.size(), '0');
  return whole + "." + frac;
}

}  // namespace madoguchi::rules
