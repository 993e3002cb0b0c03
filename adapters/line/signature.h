// X-Line-Signature: base64(HMAC-SHA256(key = channel secret, message = raw request body)).
//
// Verify over the exact bytes received, before parsing: re-serialized JSON would not match, and
// nothing unauthenticated should reach the parser. Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_LINE_SIGNATURE_H_
#define MADOGUCHI_ADAPTERS_LINE_SIGNATURE_H_

#include <string>
#include <string_view>

namespace madoguchi::line {

// The signature LINE sends for `body` (44 characters of standard base64).
std::string ComputeSignature(std::string_view channel_secret, std::string_view body);

// Whether `signature` (the header's value; surrounding spaces ignored) is the signature of
// `body`. Compares in constant time, so a forger learns nothing from response timing. False
// for an empty secret or signature.
bool VerifySignature(std::string_view channel_secret, std::string_view body,
                     std::string_view signature);

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_SIGNATURE_H_
