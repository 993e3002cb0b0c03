// What every client of an outside API (LINE, Slack) needs to retry politely: one retry loop
// (SendWithRetries), the exponential backoff it shares with the workers' inbox retries, the
// server's Retry-After, and a sleep that tests can replace.
//
// Transport-agnostic: the caller's attempt function makes the request (httplib in the
// clients) and reports what came back, so this module knows nothing of HTTP libraries, and each
// channel keeps its own wording of errors and its own reading of a final answer.
//
// Thread safety: the functions keep no state; SendWithRetries may run on many threads at once
// if `attempt` and `sleep` allow it (the clients' do).
#ifndef MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_
#define MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_

#include <chrono>
#include <functional>
#include <string>

#include "base/status.h"

namespace madoguchi::outbound {

// Retry-After as delta-seconds, capped at a day; an HTTP-date or garbage gives -1 ms, and the
// caller's own backoff applies.
std::chrono::milliseconds ParseRetryAfter(const std::string& value);

// Sleeps for `d`; returns true (a replaceable sleep returns false to give up early).
bool SleepFor(std::chrono::milliseconds d);

// The wait after failed attempt number `attempt` (1 for the first): `initial`, doubled for each
// later attempt, never more than `max`. Used both between the tries of one call and before the
// inbox hands a failed event out again.
std::chrono::milliseconds BackoffDelay(int attempt, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max);

// Whether an answer is worth asking again: none at all (0: unreachable, timed out, connection
// broken), 429 or 5xx. Anything else, success or refusal, is the caller's to interpret.
bool IsRetryable(int http_status);

// One try of a request, as the transport saw it.
struct Attempt {
  int http_status = 0;      // 0: no answer
  std::string retry_after;  // the answer's Retry-After header; empty when none
  // The failure in the channel's own words (code Unavailable or ResourceExhausted, with its
  // reason), returned if no later try succeeds. Read only when IsRetryable(http_status).
  Status error;
};

struct RetryOptions {
  int max_attempts = 4;                            // tries per call, the first included
  std::chrono::milliseconds initial_backoff{250};  // before the first retry; doubled after
  std::chrono::milliseconds max_backoff{8000};
  // A longer Retry-After ends the call at once: the caller's inbox can reschedule the event
  // without holding a thread that long.
  std::chrono::milliseconds max_retry_after{30000};
};

// Calls `attempt` until an answer is not retryable, and then returns OK: the attempt function
// keeps whatever it needs of that answer. Between tries waits with `sleep` for
// BackoffDelay(try, …), or for the answer's Retry-After when it has a readable one. Errors:
//   the last try's `error`            still retryable after options.max_attempts tries
//   its code and reason, the message
//   naming the Retry-After            Retry-After above options.max_retry_after (no more tries)
//   Unavailable / interrupted         `sleep` returned false (shutting down)
Status SendWithRetries(const std::function<Attempt()>& attempt, const RetryOptions& options,
                       const std::function<bool(std::chrono::milliseconds)>& sleep);

}  // namespace madoguchi::outbound

#endif  // MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_
