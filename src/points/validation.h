// Checks on caller input, shared by every PointsCore entry point. Each returns OK or an
// invalid_argument status with a Japanese message naming the field. Thread-safe.
#ifndef MADOGUCHI_POINTS_VALIDATION_H_
#define MADOGUCHI_POINTS_VALIDATION_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace madoguchi::points {

inline constexpr size_t kMaxMemberIdLength = 32;
inline constexpr size_t kMaxLabelBytes = 200;
inline constexpr size_t kMaxIdempotencyKeyLength = 128;
inline constexpr size_t kMinAuthCodeLength = 4;
inline constexpr size_t kMaxAuthCodeLength = 64;
inline constexpr int64_t kMaxPointsPerCall = 10'000'000;
inline constexpr int kMaxHistoryLimit = 500;

bool IsValidUtf8(std::string_view s);

// 1–32 of [0-9A-Za-z_-]: safe in URLs, logs and SQL without quoting surprises.
Status ValidateMemberId(std::string_view id);
// Non-empty valid UTF-8 of at most kMaxLabelBytes; `field` names it in the message.
Status ValidateLabel(std::string_view field, std::string_view text);
// 1–kMaxPointsPerCall.
Status ValidatePoints(int64_t points);
// 1–128 printable ASCII characters.
Status ValidateIdempotencyKey(std::string_view key);
// 4–64 printable ASCII characters.
Status ValidateAuthCode(std::string_view code);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_VALIDATION_H_
