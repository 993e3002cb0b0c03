// How the SQLite store and inbox report their database's failures.
#ifndef MADOGUCHI_STORE_SQLITE_STATUS_H_
#define MADOGUCHI_STORE_SQLITE_STATUS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::store {

// Every SQLite failure reaches the callers as `unavailable`, naming what failed: a damaged file
// refuses members' messages and webhooks as surely as a full disk does, so the adapters' 5xx
// (the sender retries) and the readiness check treat both alike. The points core, by contrast,
// reports damage as `internal`, the db layer's default.
inline Status Checked(std::string_view what, const Status& s) {
  if (s.ok()) return s;
  return Unavailable(std::string(what) + ": " + s.message());
}

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_SQLITE_STATUS_H_
