#include "outbound/retry.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <thread>

namespace madoguchi::outbound {

std::chrono::milliseconds ParseRetryAfter(const std::string& value) {
  std::string_view v = value;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  int64_t seconds = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || end != v.data() + v.size() || seconds < 0) {
    return std::chrono::milliseconds(-1);
  }
  return std::chrono::milliseconds(std::min<int64_t>(seconds, 24 * 3600) * 1000);
}

bool SleepFor(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
  return true;
}

}  // namespace madoguchi::outbound
