// The embedded points core: LedgerCore's rules over a SQLite file (schema in ledger_schema.cc).
//
// Every change runs in one write transaction (BEGIN IMMEDIATE) together with its audit row, so a
// change is all there or not at all, and a decision made from what the transaction read (a
// balance, a lock, an earlier reissue) still holds when it commits, also against other processes
// using the same file: SQLite lets one writer at a time into it.
//
// Thread safety: thread-safe; calls from many threads share a pool of connections.
// Ownership: owns its connections; `options.now` is borrowed and must outlive the core.
#ifndef MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_
#define MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_

#include <memory>
#include <string>
#include <vector>

#include "db/sqlite_db.h"
#include "kb/program.h"
#include "points/auth_code.h"
#include "points/ledger_core.h"
#include "points/now.h"
#include "points/verification.h"

namespace madoguchi::points {

struct SqlitePointsCoreOptions {
  // The database file, created when missing. Required.
  std::string db_path;
  // The programs whose rules apply, by id (copied). A member's program must be one of them.
  std::vector<kb::Program> programs;
  // Instants for lockouts. Default: nullptr, the system clock.
  const NowSource* now = nullptr;
  // Connections opened at most; more threads than this wait their turn. Default: 4.
  int max_connections = 4;
  // SQLite settings (busy timeout 5 s, synchronous=FULL). Default: SqliteOptions{}.
  db::SqliteOptions sqlite;
  // Failures (within the lock's length) before a lock, and its length; applies to member numbers
  // and requesters alike (verification.h). Default: 5 failures, one hour.
  LockoutPolicy lockout;
  // PBKDF2 cost for new auth-code hashes; existing hashes keep theirs. Tests lower it to stay
  // fast. Default: kDefaultPbkdf2Iterations.
  int pbkdf2_iterations = kDefaultPbkdf2Iterations;
};

class SqlitePointsCore final : public LedgerCore {
 public:
  // Opens the file and creates or checks its tables. `unavailable` when the file cannot be opened;
  // invalid_argument when options are incomplete.
  static StatusOr<std::unique_ptr<SqlitePointsCore>> Open(SqlitePointsCoreOptions options);

 private:
  using LedgerCore::LedgerCore;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_
