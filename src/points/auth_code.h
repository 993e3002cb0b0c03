// Auth codes at rest: only a salted PBKDF2-HMAC-SHA256 hash is stored, in a self-describing form
// ("pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>") so the cost can rise without breaking
// stored hashes. Thread-safe (OpenSSL 3's primitives need no locking from us).
#ifndef MADOGUCHI_POINTS_AUTH_CODE_H_
#define MADOGUCHI_POINTS_AUTH_CODE_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::points {

// OWASP's 2023 figure for PBKDF2-HMAC-SHA256. Codes are short, so a stolen file must make each
// guess expensive; the lockout limits guesses online.
inline constexpr int kDefaultPbkdf2Iterations = 600000;

// Hashes `code` with a fresh 16-byte random salt. `internal` when the system's random source fails.
StatusOr<std::string> HashAuthCode(std::string_view code, int iterations);

// Whether `code` hashes to `stored` (a HashAuthCode result). Compares in constant time; false for
// a malformed `stored`.
bool AuthCodeMatches(std::string_view code, std::string_view stored);

// `bytes` random bytes as lowercase hex, for identifiers that must not be guessable.
StatusOr<std::string> RandomHex(int bytes);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_AUTH_CODE_H_
