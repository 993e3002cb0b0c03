#include "db/sqlite_pool.h"

#include <algorithm>

namespace madoguchi::db {

SqlitePool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Release(std::move(db_));
}

SqlitePool::SqlitePool(std::string path, SqliteOptions options, int max_connections)
    : path_(std::move(path)), options_(options), max_connections_(std::max(1, max_connections)) {}

StatusOr<SqlitePool::Lease> SqlitePool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    returned_.wait(lock, [&] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      std::unique_ptr<SqliteDb> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++open_;  // reserve the slot, then open outside the lock: opening touches the disk
  }
  StatusOr<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path_, options_);
  if (!db.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    returned_.notify_one();
    return db.status();
  }
  return Lease(this, std::move(db).value());
}

void SqlitePool::Release(std::unique_ptr<SqliteDb> db) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(db));
  returned_.notify_one();
}

}  // namespace madoguchi::db
