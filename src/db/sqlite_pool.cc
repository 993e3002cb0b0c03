#include "points/connection_pool.h"

#include <algorithm>

namespace madoguchi::points {

ConnectionPool::Lease::~Lease() {
  if (db_ != nullptr) pool_->Release(std::move(db_));
}

ConnectionPool::ConnectionPool(std::string path, SqliteOptions options, int max_connections)
    : path_(std::move(path)), options_(options), max_connections_(std::max(1, max_connections)) {}

StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
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

void ConnectionPool::Release(std::unique_ptr<SqliteDb> db) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(db));
  returned_.notify_one();
}

}  // namespace madoguchi::points
