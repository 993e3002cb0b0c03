// Checks on caller input, shared by every PointsCore entry point. Each returns OK or an
// invalid_argument status with a Japanese message naming the field. Thread-safe.
#ifndef MADOGUCHI_POINTS_VALIDATION_H_
#define MADOGUCHI_POINTS_VALIDATION_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"

namespace madoguchi::points {

inline constexpr size_t kMaxMemberIdLength = 32;
inline constexpr size_t kMaxLabelBytes = 200;
inline constexpr size_t kMaxIdempotencyKeyLength = 128;
inline constexpr size_t kMinAuthCodeLength = 4;
inline constexpr size_t kMaxAuthCodeLength = 64;
inline constexpr int64_t kMaxPointsPerCall = 10'000'000;
inline constexpr int kMaxHistoryLimit = 500;
inline constexpr size_t kMaxRequesters = 4;

bool IsValidUtf8(std::string_view s);

// 1–32 of [0-9A-Za-z_-]: safe in URLs, logs and SQL without quoting surprises.
Status ValidateMemberId(std::string_view id);
// A member number as a person typed it → the form every entry point compares: full-width
// letters and digits (ＫＩ００１) folded to ASCII and surrounding spaces (ASCII or ideographic)
// trimmed, then
// checked as ValidateMemberId. Letter case is kept here; the core compares member numbers
// case-insensitively (k1005 and ｋ１００５ are K1005). invalid_argument when malformed: callers
// must reject it before it can count as a failed verification.
StatusOr<std::string> NormalizeMemberId(std::string_view typed);
// The key two member numbers are equal by: NormalizeMemberId's result upper-cased. Only for
// valid numbers.
std::string MemberIdKey(std::string_view normalized);

// The sane range of ledger dates: the days points are granted, redeemed, forfeited or reissues
// requested, the days balances and ranks are asked for, statuses take effect and eligibility
// starts. 2000-01-01 to 2099-12-31: no program predates 2000, and a grant on the last day still
// expires within a four-digit year (kagawa: 2101-03-31), so an expiry never turns into "never".
inline constexpr Date kFirstLedgerDate{std::chrono::year(2000), std::chrono::January,
                                       std::chrono::day(1)};
inline constexpr Date kLastLedgerDate{std::chrono::year(2099), std::chrono::December,
                                      std::chrono::day(31)};
// A real day within [kFirstLedgerDate, kLastLedgerDate]; invalid_argument naming `field`
// (「付与日」) and the range otherwise.
Status ValidateLedgerDate(std::string_view field, const Date& d);
// Birth dates: a real day from 1900-01-01 to `today` (nobody is born in the future).
inline constexpr Date kFirstBirthDate{std::chrono::year(1900), std::chrono::January,
                                      std::chrono::day(1)};
Status ValidateBirthDate(const Date& d, const Date& today);
// Non-empty valid UTF-8 of at most kMaxLabelBytes; `field` names it in the message.
Status ValidateLabel(std::string_view field, std::string_view text);
// 1–kMaxPointsPerCall.
Status ValidatePoints(int64_t points);
// 1–128 printable ASCII characters.
Status ValidateIdempotencyKey(std::string_view key);
// 4–64 printable ASCII characters.
Status ValidateAuthCode(std::string_view code);
// VerifyRequest::requesters: at most kMaxRequesters, each 1–128 printable ASCII characters.
Status ValidateRequesters(const std::vector<std::string>& requesters);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_VALIDATION_H_
