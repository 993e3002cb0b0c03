// What every client of an outside API (LINE, Slack) needs to retry politely: the server's
// Retry-After, and a sleep that tests can replace.
#ifndef MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_
#define MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_

#include <chrono>
#include <string>

namespace madoguchi::outbound {

// Retry-After as delta-seconds, capped at a day; an HTTP-date or garbage gives -1 ms, and the
// caller's own backoff applies.
std::chrono::milliseconds ParseRetryAfter(const std::string& value);

// Sleeps for `d`; returns true (a replaceable sleep returns false to give up early).
bool SleepFor(std::chrono::milliseconds d);

}  // namespace madoguchi::outbound

#endif  // MADOGUCHI_ADAPTERS_OUTBOUND_RETRY_H_
