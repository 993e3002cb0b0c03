#include "points/sqlite_points_core.h"

#include "db/sqlite_pool.h"
#include "points/errors.h"
#include "points/ledger_schema.h"
#include "points/sqlite_ledger_store.h"

namespace madoguchi::points {

namespace {

// Transactions over pooled connections to one file. Writers take SQLite's write lock at BEGIN
// (BEGIN IMMEDIATE), before their first read, so nothing they read can change before they
// commit; SQLite never asks for a run again, so `work` runs once.
class SqliteLedgerDatabase final : public LedgerDatabase {
 public:
  SqliteLedgerDatabase(const std::string& path, const db::SqliteOptions& options,
                       int max_connections)
      : pool_(path, options, max_connections) {}

  // Creates or checks the tables and reads the guard salt.
  Status Open() {
    StatusOr<db::SqlitePool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    MADOGUCHI_RETURN_IF_ERROR(EnsureLedgerSchema(lease->db()));
    StatusOr<std::string> salt = SqliteLedgerStore(lease->db()).Meta("guard_salt");
    if (!salt.ok()) return salt.status();
    if (salt->empty()) return Internal("the points database has no guard salt");
    guard_salt_ = *std::move(salt);
    return Status::Ok();
  }

  Status Transact(Access access, const Work& work) override {
    StatusOr<db::SqlitePool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    SqliteLedgerStore store(lease->db());
    db::Transaction txn(lease->db());
    MADOGUCHI_RETURN_IF_ERROR(txn.Begin(access == Access::kWrite ? db::Transaction::Kind::kWrite
                                                                 : db::Transaction::Kind::kRead));
    MADOGUCHI_RETURN_IF_ERROR(work(store));
    return txn.Commit();
  }

  Status Run(const Work& work) override {
    StatusOr<db::SqlitePool::Lease> lease = pool_.Acquire();
    if (!lease.ok()) return lease.status();
    SqliteLedgerStore store(lease->db());
    return work(store);
  }

  const std::string& guard_salt() const override { return guard_salt_; }

 private:
  db::SqlitePool pool_;
  std::string guard_salt_;  // set by Open
};

}  // namespace

StatusOr<std::unique_ptr<SqlitePointsCore>> SqlitePointsCore::Open(
    SqlitePointsCoreOptions options) {
  if (options.db_path.empty()) return BadArgument("db_path is required");
  if (options.pbkdf2_iterations < 1) return BadArgument("pbkdf2_iterations must be positive");
  auto database = std::make_unique<SqliteLedgerDatabase>(options.db_path, options.sqlite,
                                                         options.max_connections);
  MADOGUCHI_RETURN_IF_ERROR(database->Open());
  LedgerCoreOptions core;
  core.programs = std::move(options.programs);
  core.now = options.now;
  core.lockout = options.lockout;
  core.pbkdf2_iterations = options.pbkdf2_iterations;
  return std::unique_ptr<SqlitePointsCore>(
      new SqlitePointsCore(std::move(core), std::move(database)));
}

}  // namespace madoguchi::points
