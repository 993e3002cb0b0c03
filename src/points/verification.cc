#include "points/verification.h"

#include <openssl/evp.h>

#include <algorithm>

#include "points/auth_code.h"

namespace madoguchi::points {

bool IsLocked(const LockState& state, TimePoint now) {
  return state.locked_until > ToUnixSeconds(now);
}

namespace {
bool WindowOver(const LockState& state, TimePoint now, const LockoutPolicy& policy) {
  return state.failed_attempts > 0 &&
         ToUnixSeconds(now) >= state.window_start + static_cast<int64_t>(policy.lock_for.count());
}
}  // namespace

bool IsClean(const LockState& state, TimePoint now, const LockoutPolicy& policy) {
  return !IsLocked(state, now) && (state.failed_attempts == 0 || WindowOver(state, now, policy));
}

int64_t ForgetAt(const LockState& state, const LockoutPolicy& policy) {
  int64_t count_ends = state.failed_attempts > 0
                           ? state.window_start + static_cast<int64_t>(policy.lock_for.count())
                           : 0;
  return std::max(state.locked_until, count_ends);
}

LockState AfterAttempt(LockState state, bool success, TimePoint now, const LockoutPolicy& policy,
                       bool success_clears) {
  if (state.locked_until != 0 && !IsLocked(state, now)) state = LockState{};
  if (WindowOver(state, now, policy)) state = LockState{};
  if (success) return success_clears ? LockState{} : state;
  if (state.failed_attempts == 0) state.window_start = ToUnixSeconds(now);
  ++state.failed_attempts;
  if (state.failed_attempts >= policy.max_failures) {
    state.failed_attempts = 0;
    state.window_start = 0;
    state.locked_until = ToUnixSeconds(now + policy.lock_for);
  }
  return state;
}

std::string GuardKey(std::string_view salt, std::string_view kind, std::string_view value) {
  std::string input;
  input.reserve(salt.size() + kind.size() + value.size() + 2);
  input.append(salt).push_back('\0');
  input.append(kind).push_back('\0');
  input.append(value);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(input.data(), input.size(), digest, &n, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
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
