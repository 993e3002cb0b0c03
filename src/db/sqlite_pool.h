// Connections to one SQLite file, lent to one thread at a time.
//
// Why a pool rather than one mutex-guarded connection: under WAL, readers on their own connections
// run alongside the writer, and writers are serialized by SQLite's own lock (BEGIN IMMEDIATE), the
// same lock that keeps a second process on the file (another `points serve`, the seeder) from
// overspending a ledger. Correctness thus never rests on a mutex of ours that other processes
// cannot see.
//
// Thread safety: thread-safe. A Lease is used by the thread holding it and must not outlive the
// pool.
#ifndef MADOGUCHI_DB_SQLITE_POOL_H_
#define MADOGUCHI_DB_SQLITE_POOL_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/sqlite_db.h"

namespace madoguchi::db {

class SqlitePool {
 public:
  // Returns a connection to the pool when destroyed.
  class Lease {
   public:
    Lease(SqlitePool* pool, std::unique_ptr<SqliteDb> db) : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SqliteDb& db() { return *db_; }

   private:
    SqlitePool* pool_;
    std::unique_ptr<SqliteDb> db_;
  };

  // max_connections ≥ 1: connections are opened lazily, up to this many; a borrower beyond that
  // waits for one to come back.
  SqlitePool(std::string path, SqliteOptions options, int max_connections);

  StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<SqliteDb> db);

  const std::string path_;
  const SqliteOptions options_;
  const int max_connections_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<SqliteDb>> idle_;  // guarded by mu_
  int open_ = 0;                                 // guarded by mu_; idle or lent
};

}  // namespace madoguchi::db

#endif  // MADOGUCHI_DB_SQLITE_POOL_H_
