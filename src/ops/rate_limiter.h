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

// What the message routes and the channel workers ask before answering a member, whoever keeps
// the buckets: this process (RateLimiter) or a database every replica shares. Implementations
// are thread-safe.
class MessageLimiter {
 public:
  enum class Admission {
    kAllowed,       // a token was taken
    kFirstRefusal,  // refused, and the key was not limited before this message
    kRefused,       // refused again in the same limited spell
  };
  virtual ~MessageLimiter() = default;

  // One more message from `key` now: a token is taken when it is allowed. Refusals are told
  // apart (see above).
  virtual Admission Admit(const std::string& key) = 0;
  // True when `key` may send one more message now (and takes a token). Mixing Allow() and
  // Admit() on one key is fine: both take tokens the same way, and Allow()'s refusals count as
  // the spell's too.
  bool Allow(const std::string& key) { return Admit(key) == Admission::kAllowed; }
};

// The buckets in this process's memory: a limit per process (per replica).
class RateLimiter final : public MessageLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(const RateLimitOptions& options) : options_(options) {}

  using MessageLimiter::Admit;
  using MessageLimiter::Allow;
  Admission Admit(const std::string& key) override { return Admit(key, Clock::now()); }
  // As of `now` (tests drive the clock).
  bool Allow(const std::string& key, Clock::time_point now);
  Admission Admit(const std::string& key, Clock::time_point now);

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
