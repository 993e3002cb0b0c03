// A thin layer over libpq for the stores that several replicas share: a pool of connections,
// transactions that retry what PostgreSQL asks to retry, and PostgreSQL's errors turned into
// Status. Domain code states its SQL; this layer owns connecting, reconnecting and timeouts.
//
//   Unavailable          the server cannot be reached, went away, or a statement timed out
//                        (try again later; a readiness check reports it)
//   AlreadyExists        a unique key was violated (SQLSTATE 23505)
//   Internal             anything else (a bug in our SQL, a broken invariant)
//
// A pooled connection whose server restarted is found dead on its next use; the pool drops it
// and, when nothing had yet run on it, runs the work again on a fresh connection, so one
// PostgreSQL restart costs the callers in flight an Unavailable at most, never the process.
//
// Thread safety: PgPool is thread-safe. A PgConnection is lent to one thread at a time and
// must not be kept beyond the work it was lent to.
#ifndef MADOGUCHI_DB_POSTGRES_H_
#define MADOGUCHI_DB_POSTGRES_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

struct pg_conn;
struct pg_result;

namespace madoguchi::db {

struct PostgresOptions {
  // A libpq connection URI without the password: "postgresql://madoguchi@db:5432/madoguchi".
  // Required.
  std::string url;
  // The environment variable that holds the password; unset or empty: no password (trust or
  // peer authentication). Default: MADOGUCHI_POSTGRES_PASSWORD.
  std::string password_env = "MADOGUCHI_POSTGRES_PASSWORD";
  // Connections opened at most; a borrower beyond that waits up to acquire_timeout. Default: 8.
  int pool_size = 8;
  // Giving up on connecting (libpq counts whole seconds; at least 1). Default: 3 s.
  std::chrono::milliseconds connect_timeout{3000};
  // The server cancels a statement running longer (statement_timeout). Default: 5 s.
  std::chrono::milliseconds statement_timeout{5000};
  // Waiting for a free connection when all pool_size are lent. Default: 5 s.
  std::chrono::milliseconds acquire_timeout{5000};
};

// Parameters travel as text ($1, $2, …); nullopt is SQL NULL.
using PgParams = std::vector<std::optional<std::string>>;

// The rows of one statement. Owns its libpq result; movable, not copyable.
class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result) {}
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  // Rows an INSERT, UPDATE or DELETE changed (0 for other statements).
  int64_t affected() const;
  // Rows and columns are 0-based.
  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;  // "" for NULL
  int64_t Int(int row, int column) const;       // 0 for NULL
  bool Bool(int row, int column) const;         // PostgreSQL's "t"

 private:
  pg_result* result_;
};

// One server connection, lent by PgPool.
class PgConnection {
 public:
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement with text parameters.
  StatusOr<PgResult> Exec(std::string_view sql, const PgParams& params = {});
  // Runs one or more statements without parameters (a schema, BEGIN/COMMIT).
  Status ExecScript(std::string_view sql);

 private:
  friend class PgPool;
  explicit PgConnection(pg_conn* conn) : conn_(conn) {}
  Status Error(pg_result* result, std::string_view what);

  pg_conn* conn_;
  bool broken_ = false;  // the server went away: the pool drops this connection
  int succeeded_ = 0;    // statements that succeeded in the current work
};

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

class PgPool {
 public:
  // Connects once to check the URL, the password and that the server answers; Unavailable
  // (with libpq's reason, never the password) when it cannot, InvalidArgument for an empty URL.
  static StatusOr<std::unique_ptr<PgPool>> Open(const PostgresOptions& options);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Runs `work` on one connection; each statement commits on its own.
  Status Run(const std::function<Status(PgConnection&)>& work);
  // Runs `work` in one transaction: committed when it returns OK, rolled back otherwise.
  // A serialization failure or deadlock (SQLSTATE 40001, 40P01) runs `work` again, up to 5
  // times in all, so `work` must have no effect outside the database. Unavailable when the
  // connection was lost (then nothing of it committed, unless the loss hit COMMIT itself).
  Status Transaction(Isolation isolation, const std::function<Status(PgConnection&)>& work);
  // SELECT 1, for readiness checks.
  Status Ping();

  const PostgresOptions& options() const { return options_; }

 private:
  explicit PgPool(PostgresOptions options, std::string conninfo_password);
  StatusOr<std::unique_ptr<PgConnection>> Acquire();
  void Release(std::unique_ptr<PgConnection> conn);
  StatusOr<std::unique_ptr<PgConnection>> Connect();
  Status RunOnce(const std::function<Status(PgConnection&)>& work, bool* retry_fresh);

  const PostgresOptions options_;
  const std::string password_;  // from the environment at Open
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                     // guarded by mu_; idle or lent
};

// Brings `component`'s tables up to date: migration i (0-based) is version i + 1; those above
// the recorded version run in order, each in its own transaction, under an advisory lock, so
// replicas that start together apply each exactly once. Versions are kept in
// madoguchi_schema_versions(component, version). A database newer than `migrations` (a
// rollback of the binary) is FailedPrecondition: an old binary must not write a newer schema.
Status Migrate(PgPool& pool, std::string_view component,
               const std::vector<std::string_view>& migrations);

}  // namespace madoguchi::db

#endif  // MADOGUCHI_DB_POSTGRES_H_
