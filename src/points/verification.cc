#include "points/verification.h"

#include "points/auth_code.h"

namespace madoguchi::points {

bool IsLocked(const LockState& state, TimePoint now) {
  return state.locked_until > ToUnixSeconds(now);
}

LockState AfterAttempt(LockState state, bool success, TimePoint now, const LockoutPolicy& policy) {
  if (state.locked_until != 0 && !IsLocked(state, now)) state = LockState{};
  if (success) return LockState{};
  ++state.failed_attempts;
  if (state.failed_attempts >= policy.max_failures) {
    state.failed_attempts = 0;
    state.locked_until = ToUnixSeconds(now + policy.lock_for);
  }
  return state;
}

VerificationLevel CheckAnswers(const std::optional<Date>& birth_date,
                               const std::string& auth_code_hash, const std::string& dummy_hash,
                               const VerifyRequest& request) {
  bool birth_ok = birth_date && *birth_date == request.birth_date;
  if (!request.auth_code) return birth_ok ? VerificationLevel::kWeak : VerificationLevel::kNone;
  const std::string& against = auth_code_hash.empty() ? dummy_hash : auth_code_hash;
  bool code_ok = AuthCodeMatches(*request.auth_code, against) && !auth_code_hash.empty();
  return birth_ok && code_ok ? VerificationLevel::kStrong : VerificationLevel::kNone;
}

}  // namespace madoguchi::points
