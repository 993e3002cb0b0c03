// Member verification and its lockout, as pure decisions over stored guard states; the caller
// reads and writes those states in one transaction. Thread-safe.
//
// Lockout design. Failures are counted on guards, each keyed by a salted hash:
//   - one per member number, whether or not a member has it: an unknown number fails, counts,
//     locks and is written exactly like a real one with a wrong birth date, so neither the reply
//     nor the work done (one write transaction, one audit row) tells which numbers exist;
//   - one per requester the caller names (a conversation, a client): its failures count across
//     every number it tries and are not cleared by a success, so one conversation cannot walk
//     through numbers or birth dates, nor reset its count with its own member's details.
// A guard locks for lock_for after max_failures failures within lock_for of the first.
// A locked requester is refused outright. A locked member number refuses every request except
// one whose requesters are all clean (named, and without a failure in their window): a stranger
// who fails five times on someone's number therefore cannot lock that member out of the postal
// reissue or of linking from the member's own conversation, while each guessing conversation or
// client gets nothing more once it has failed. Guessing spread across many fresh requesters is
// bounded by what a requester costs (a LINE account, a link token from a conversation) and by the
// per-requester lock; requests that name no requester get the strict per-number lock.
#ifndef MADOGUCHI_POINTS_VERIFICATION_H_
#define MADOGUCHI_POINTS_VERIFICATION_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
  int64_t window_start = 0;  // Unix seconds of the first failure counted; 0 when none
};

bool IsLocked(const LockState& state, TimePoint now);
// Not locked, and no failure counted within lock_for: a requester that may try a locked number.
bool IsClean(const LockState& state, TimePoint now, const LockoutPolicy& policy);
// When a guard in `state` neither locks nor counts any more and its row may be dropped.
int64_t ForgetAt(const LockState& state, const LockoutPolicy& policy);

// The state after an attempt made at `now` while not locked. A lock that has run out, or a count
// whose window (lock_for from its first failure) has passed, starts afresh; a success clears the
// state when `success_clears` (member numbers; requester guards pass false); the failure that
// reaches max_failures within the window locks.
LockState AfterAttempt(LockState state, bool success, TimePoint now, const LockoutPolicy& policy,
                       bool success_clears = true);

// Guard kinds.
inline constexpr char kGuardNumber[] = "number";
inline constexpr char kGuardRequester[] = "requester";

// The guard key of `value` in `kind` ("number", "requester"): hex SHA-256 of the database's
// salt, the kind and the value, so the table of guards holds no typed number or chat id.
std::string GuardKey(std::string_view salt, std::string_view kind, std::string_view value);

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
