// Bearer-token checks for the points API. Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_BEARER_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_BEARER_H_

#include <string_view>

namespace madoguchi::points_http {

// Compares in time that depends only on `expected`'s length, so response timing tells an
// attacker nothing about how much of a guess was right.
bool ConstantTimeEquals(std::string_view presented, std::string_view expected);

// Whether an Authorization header value ("Bearer <token>", scheme case-insensitive) carries
// `expected`.
bool BearerMatches(std::string_view authorization, std::string_view expected);

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_BEARER_H_
