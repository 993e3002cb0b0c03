#include "ops/rate_limiter.h"

#include <algorithm>

namespace madoguchi::ops {

bool RateLimiter::Allow(const std::string& key, Clock::time_point now) {
  return Admit(key, now) == Admission::kAllowed;
}

RateLimiter::Admission RateLimiter::Admit(const std::string& key, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  const double per_second = options_.per_minute / 60.0;
  if (now - last_sweep_ > std::chrono::minutes(5)) {
    // Drop buckets that have refilled completely: they are the same as absent ones.
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      double idle = std::chrono::duration<double>(now - it->second.last).count();
      it = it->second.tokens + idle * per_second >= options_.burst ? buckets_.erase(it) : ++it;
    }
    last_sweep_ = now;
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{options_.burst, now});
  Bucket& b = it->second;
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  b.tokens = std::min(options_.burst, b.tokens + std::max(0.0, elapsed) * per_second);
  b.last = now;
  if (b.tokens < 1) {
    // The flag lives in the bucket, so it ends exactly when the limit does, and is swept with
    // the bucket (a swept bucket was full again: its spell was over).
    const bool first = !b.limited;
    b.limited = true;
    return first ? Admission::kFirstRefusal : Admission::kRefused;
  }
  b.tokens -= 1;
  b.limited = false;
  return Admission::kAllowed;
}

}  // namespace madoguchi::ops
