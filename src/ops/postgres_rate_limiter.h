// Per-user message limits that hold across replicas: RateLimiter's token buckets kept in a
// PostgreSQL table every replica shares, so a member whose messages a load balancer spreads over
// N replicas meets the configured limit, not N times it. Each Admit is one upsert that refills
// and takes from the bucket under the row's lock, timed by the server's clock (one clock for all
// replicas). Buckets that have refilled completely are deleted now and then, as RateLimiter
// sweeps them.
//
// When PostgreSQL cannot be reached the message is allowed: refusing every member because the
// limiter is away would be worse than an unlimited minute, and the conversation store, on the
// same server, turns the message away anyway.
//
// Thread safety: thread-safe; each Admit borrows one pooled connection at a time and gives it
// back before returning, so the pool may be shared with the conversation store and the inbox
// (one pool per process): a request that passes the limit and then reads its conversation never
// holds two connections at once.
// Ownership: shares its pool (std::shared_ptr) with whoever else the caller handed it to.
#ifndef MADOGUCHI_OPS_POSTGRES_RATE_LIMITER_H_
#define MADOGUCHI_OPS_POSTGRES_RATE_LIMITER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "db/postgres.h"
#include "ops/rate_limiter.h"

namespace madoguchi::ops {

class PostgresRateLimiter final : public MessageLimiter {
 public:
  // Brings the table up to date on `pool` (db::Migrate, component "rate_limits") and keeps the
  // pool, which the process may share with its other PostgreSQL parts. `scope` keeps limiters
  // of different purposes apart in the one table ("api", "channel"): a key of one never uses up
  // the other's tokens. InvalidArgument for bad limits or a null pool.
  static StatusOr<std::unique_ptr<PostgresRateLimiter>> Open(std::shared_ptr<db::PgPool> pool,
                                                             const RateLimitOptions& options,
                                                             std::string scope);
  // The same on a pool of its own, for a process that needs nothing else there.
  static StatusOr<std::unique_ptr<PostgresRateLimiter>> Open(const db::PostgresOptions& postgres,
                                                             const RateLimitOptions& options,
                                                             std::string scope);

  Admission Admit(const std::string& key) override;

 private:
  PostgresRateLimiter(std::shared_ptr<db::PgPool> pool, const RateLimitOptions& options,
                      std::string scope)
      : pool_(std::move(pool)), options_(options), scope_(std::move(scope)) {}
  void SweepFullBuckets();

  const std::shared_ptr<db::PgPool> pool_;
  const RateLimitOptions options_;
  const std::string scope_;
  std::atomic<uint64_t> admits_{0};
};

}  // namespace madoguchi::ops

#endif  // MADOGUCHI_OPS_POSTGRES_RATE_LIMITER_H_
