// The points core on PostgreSQL: LedgerCore's rules over tables several core processes share
// (`madoguchi points serve --database postgresql://…` on more than one machine).
//
// Each change runs in one transaction together with its audit row. A change first locks the
// member's row (SELECT … FOR UPDATE) and keeps it until it commits, so what it read of the
// member's ledger (a balance, an earlier reissue) is still true when it writes, whichever process
// it runs in: two redemptions never spend the same point. Verifications lock their guards with
// transaction-scoped advisory locks, since a guard may have no row yet. Reads run in one
// REPEATABLE READ snapshot. Idempotency keys and member numbers (in any letter case) are unique
// keys, so even two processes racing to create the same one cannot both succeed.
//
// The tables (points_*) are created and upgraded by db::Migrate under the component "points".
//
// Thread safety: thread-safe; calls from many threads share a pool of connections.
// Ownership: owns its pool; `options.now` is borrowed and must outlive the core.
#ifndef MADOGUCHI_POINTS_POSTGRES_POINTS_CORE_H_
#define MADOGUCHI_POINTS_POSTGRES_POINTS_CORE_H_

#include <memory>
#include <string>
#include <vector>

#include "db/postgres.h"
#include "kb/program.h"
#include "points/auth_code.h"
#include "points/ledger_core.h"
#include "points/now.h"
#include "points/verification.h"

namespace madoguchi::points {

// Where the points core's database password is read from unless told otherwise.
inline constexpr char kPointsDatabasePasswordEnv[] = "MADOGUCHI_POINTS_DATABASE_PASSWORD";

struct PostgresPointsCoreOptions {
  // The server and the pool: postgres.url is required and holds no password; the password comes
  // from the variable postgres.password_env names. Default: PostgresOptions{} with
  // password_env = kPointsDatabasePasswordEnv.
  db::PostgresOptions postgres = [] {
    db::PostgresOptions o;
    o.password_env = kPointsDatabasePasswordEnv;
    return o;
  }();
  // The programs whose rules apply, by id (copied). A member's program must be one of them.
  std::vector<kb::Program> programs;
  // Instants for lockouts. Default: nullptr, the system clock.
  const NowSource* now = nullptr;
  // As in LedgerCoreOptions. Default: 5 failures, one hour.
  LockoutPolicy lockout;
  // As in LedgerCoreOptions. Default: kDefaultPbkdf2Iterations.
  int pbkdf2_iterations = kDefaultPbkdf2Iterations;
};

class PostgresPointsCore final : public LedgerCore {
 public:
  // Connects, then creates or upgrades the tables. `unavailable` when the server cannot be
  // reached; invalid_argument when options are incomplete or the URL holds a password;
  // failed_precondition when the database was written by a newer madoguchi.
  static StatusOr<std::unique_ptr<PostgresPointsCore>> Open(PostgresPointsCoreOptions options);

 private:
  using LedgerCore::LedgerCore;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_POSTGRES_POINTS_CORE_H_
