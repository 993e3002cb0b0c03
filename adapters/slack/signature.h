// Slack request signing, version v0:
//
//   X-Slack-Signature = "v0=" + hex(HMAC-SHA256(key = signing secret,
//                                               message = "v0:" + X-Slack-Request-Timestamp
//                                                         + ":" + raw body))
//
// Verify over the exact bytes received, before parsing (re-serialised JSON or a re-encoded form
// would not match, and nothing unauthenticated should reach a parser). The timestamp is part of
// the signed text, so refusing old timestamps stops a captured request from being replayed
// later. Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_SLACK_SIGNATURE_H_
#define MADOGUCHI_ADAPTERS_SLACK_SIGNATURE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::slack {

// Slack's own recommendation: requests more than five minutes away from our clock, in either
// direction, are refused.
inline constexpr std::chrono::seconds kMaxRequestSkew{300};

// The X-Slack-Signature Slack sends: "v0=" and 64 lowercase hex digits. Empty if HMAC fails.
std::string ComputeSignature(std::string_view signing_secret, std::string_view timestamp,
                             std::string_view body);

// OK when `signature` is the v0 signature of (`timestamp`, `body`) and `timestamp` (unix
// seconds, the X-Slack-Request-Timestamp header) is at most `max_skew` from `now_ms` (unix
// milliseconds). Otherwise PermissionDenied with one of these reasons:
//   missing_timestamp · invalid_timestamp (not a decimal number) · stale_timestamp ·
//   missing_signature · invalid_signature (wrong, malformed, or an empty signing secret)
// The signature is compared in constant time, so a forger learns nothing from response timing.
// Surrounding spaces of the header values are ignored; hex digits may be either case.
Status VerifyRequest(std::string_view signing_secret, std::string_view timestamp,
                     std::string_view signature, std::string_view body, int64_t now_ms,
                     std::chrono::seconds max_skew = kMaxRequestSkew);

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_SIGNATURE_H_
