#include "outbound/retry.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string_view>
#include <thread>

namespace madoguchi::outbound {

using std::chrono::milliseconds;

milliseconds ParseRetryAfter(const std::string& value) {
  std::string_view v = value;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  int64_t seconds = -1;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
  if (ec != std::errc() || end != v.data() + v.size() || seconds < 0) {
    return milliseconds(-1);
  }
  return milliseconds(std::min<int64_t>(seconds, 24 * 3600) * 1000);
}

bool SleepFor(milliseconds d) {
  std::this_thread::sleep_for(d);
  return true;
}

milliseconds BackoffDelay(int attempt, milliseconds initial, milliseconds max) {
  milliseconds d = initial;
  // Stops doubling at `max`, so a large attempt number cannot overflow.
  for (int i = 1; i < attempt && d < max; ++i) d *= 2;
  return std::min(d, max);
}

bool IsRetryable(int http_status) {
  return http_status == 0 || http_status == 429 || http_status >= 500;
}

Status SendWithRetries(const std::function<Attempt()>& attempt, const RetryOptions& options,
                       const std::function<bool(milliseconds)>& sleep) {
  for (int tried = 1;; ++tried) {
    Attempt a = attempt();
    if (!IsRetryable(a.http_status)) return Status::Ok();
    if (a.error.ok()) {
      // The attempt function forgot to say why: still an error, never a silent success.
      a.error =
          Status(StatusCode::kUnavailable, "HTTP " + std::to_string(a.http_status), "unavailable");
    }
    milliseconds wait = BackoffDelay(tried, options.initial_backoff, options.max_backoff);
    milliseconds retry_after = ParseRetryAfter(a.retry_after);
    if (retry_after.count() >= 0) {
      if (retry_after > options.max_retry_after) {
        return Status(a.error.code(),
                      a.error.message() + " (Retry-After " +
                          std::to_string(retry_after.count() / 1000) + " s)",
                      a.error.reason());
      }
      wait = retry_after;
    }
    if (tried >= options.max_attempts) return a.error;
    if (!sleep(wait)) {
      return Status(StatusCode::kUnavailable, "retry abandoned: " + a.error.message(),
                    "interrupted");
    }
  }
}

}  // namespace madoguchi::outbound
