// Member verification and its lockout, as pure decisions over a member's stored state; the
// caller reads and writes that state in one transaction. Thread-safe.
#ifndef MADOGUCHI_POINTS_VERIFICATION_H_
#define MADOGUCHI_POINTS_VERIFICATION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "base/date.h"
#include "points/now.h"
#include "points/points_core.h"

namespace madoguchi::points {

struct LockoutPolicy {
  // Consecutive failures that lock a member. Default: 5.
  int max_failures = 5;
  // How long a lock lasts. Default: one hour.
  std::chrono::seconds lock_for = std::chrono::hours(1);
};

struct LockState {
  int64_t failed_attempts = 0;
  int64_t locked_until = 0;  // Unix seconds; 0 when never locked
};

bool IsLocked(const LockState& state, TimePoint now);

// The state after an attempt made at `now` while not locked. A lock that has run out starts the
// count afresh; a success clears it; the failure that reaches max_failures locks.
LockState AfterAttempt(LockState state, bool success, TimePoint now, const LockoutPolicy& policy);

// The level the answers prove: kNone when the birth date differs or a given auth code does not
// match `auth_code_hash`. `birth_date` is unset for an unknown member, `auth_code_hash` empty for
// a member without a code. Whenever the request holds a code, exactly one PBKDF2 runs (against
// `dummy_hash`, a HashAuthCode result of the same cost, when there is nothing real to compare
// with), so the reply's timing tells neither whether the member exists nor whether a code was
// issued.
VerificationLevel CheckAnswers(const std::optional<Date>& birth_date,
                               const std::string& auth_code_hash, const std::string& dummy_hash,
                               const VerifyRequest& request);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_VERIFICATION_H_
