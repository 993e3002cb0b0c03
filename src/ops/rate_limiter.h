// Per-key token buckets: at most `burst` messages at once and `per_minute` on average, per
// user. Keys idle for long are dropped so the table stays small.
//
// A key is "limited" from its first refused message until a message is allowed again; Admit()
// tells that first refusal apart from the ones after it, so a channel that cannot answer 429
// (LINE, Slack) can tell the member once per limited spell and then stay quiet.
// Thread safety: Allow() and Admit() may be called from any thread.
#ifndef MADOGUCHI_OPS_RATE_LIMITER_H_
#define MADOGUCHI_OPS_RATE_LIMITER_H_

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace madoguchi::ops {

struct RateLimitOptions {
  double per_minute = 30;  // sustained rate. Default: 30 messages a minute.
  double burst = 10;       // bucket size. Default: 10.
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(const RateLimitOptions& options) : options_(options) {}

  // True when `key` may send one more message now (and takes a token).
  bool Allow(const std::string& key, Clock::time_point now = Clock::now());

  enum class Admission {
    kAllowed,       // a token was taken
    kFirstRefusal,  // refused, and the key was not limited before this message
    kRefused,       // refused again in the same limited spell
  };
  // Allow() telling refusals apart (see above). Mixing Allow() and Admit() on one key is fine:
  // both take tokens the same way, and Allow()'s refusals count as the spell's too.
  Admission Admit(const std::string& key, Clock::time_point now = Clock::now());

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
    bool limited = false;  // refused since the last allowed message
  };
  RateLimitOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point last_sweep_{};
};

}  // namespace madoguchi::ops

#endif  // MADOGUCHI_OPS_RATE_LIMITER_H_
