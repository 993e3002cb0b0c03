#include "ops/postgres_rate_limiter.h"

#include <charconv>
#include <cmath>
#include <string_view>
#include <utility>

namespace madoguchi::ops {

namespace {

constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE rate_limit_bucket (
  scope text NOT NULL,
  bucket_key text NOT NULL,
  tokens double precision NOT NULL,
  updated_ms bigint NOT NULL,
  limited boolean NOT NULL,
  admission smallint NOT NULL,
  PRIMARY KEY (scope, bucket_key));
CREATE INDEX rate_limit_bucket_idle ON rate_limit_bucket (scope, updated_ms);
)sql";

// Admit in one statement. A new key starts with a full bucket and takes one token. An existing
// one is refilled for the time since its last message (EXCLUDED.updated_ms is the server's
// now), then takes a token if it has one. The SET expressions read the row as it was, so the
// admission (0 allowed, 1 the first refusal of a limited spell, 2 a later one) is decided from
// the old `limited` flag and returned with the new row.
constexpr std::string_view kAdmit = R"sql(
INSERT INTO rate_limit_bucket AS b (scope, bucket_key, tokens, updated_ms, limited, admission)
VALUES ($1, $2, $3::double precision - 1,
        (extract(epoch FROM clock_timestamp()) * 1000)::bigint, false, 0)
ON CONFLICT (scope, bucket_key) DO UPDATE SET
  tokens = CASE
    WHEN LEAST($3::double precision, b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms)
               * $4::double precision / 60000.0) >= 1
    THEN LEAST($3::double precision, b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms)
               * $4::double precision / 60000.0) - 1
    ELSE LEAST($3::double precision, b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms)
               * $4::double precision / 60000.0) END,
  admission = CASE
    WHEN LEAST($3::double precision, b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms)
               * $4::double precision / 60000.0) >= 1 THEN 0
    WHEN b.limited THEN 2
    ELSE 1 END,
  limited = LEAST($3::double precision, b.tokens + GREATEST(0, EXCLUDED.updated_ms - b.updated_ms)
                  * $4::double precision / 60000.0) < 1,
  updated_ms = GREATEST(b.updated_ms, EXCLUDED.updated_ms)
RETURNING admission
)sql";

// How often (in Admits of this process) buckets that have refilled are deleted.
constexpr uint64_t kSweepEvery = 1000;

std::string Real(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

Status CheckLimits(const RateLimitOptions& options) {
  if (!(options.burst >= 1) || !(options.per_minute > 0)) {
    return InvalidArgument("rate limit: burst must be at least 1 and per_minute above 0");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<PostgresRateLimiter>> PostgresRateLimiter::Open(
    std::shared_ptr<db::PgPool> pool, const RateLimitOptions& options, std::string scope) {
  MADOGUCHI_RETURN_IF_ERROR(CheckLimits(options));
  if (pool == nullptr) return InvalidArgument("rate limit: no PostgreSQL pool");
  MADOGUCHI_RETURN_IF_ERROR(db::Migrate(*pool, "rate_limits", {kSchemaV1}));
  return std::unique_ptr<PostgresRateLimiter>(
      new PostgresRateLimiter(std::move(pool), options, std::move(scope)));
}

StatusOr<std::unique_ptr<PostgresRateLimiter>> PostgresRateLimiter::Open(
    const db::PostgresOptions& postgres, const RateLimitOptions& options, std::string scope) {
  // Checked before connecting: bad limits are the caller's, whether or not the server answers.
  MADOGUCHI_RETURN_IF_ERROR(CheckLimits(options));
  StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(postgres);
  if (!pool.ok()) return pool.status();
  return Open(std::shared_ptr<db::PgPool>(std::move(pool).value()), options, std::move(scope));
}

MessageLimiter::Admission PostgresRateLimiter::Admit(const std::string& key) {
  if (++admits_ % kSweepEvery == 0) SweepFullBuckets();
  int64_t admission = 0;
  Status s = pool_->Run([&](db::PgConnection& conn) -> Status {
    auto r = conn.Exec(kAdmit, {scope_, key, Real(options_.burst), Real(options_.per_minute)});
    if (!r.ok()) return r.status();
    admission = r->rows() ? r->Int(0, 0) : 0;
    return Status::Ok();
  });
  if (!s.ok()) return Admission::kAllowed;  // see the header: the limiter fails open
  return admission == 0   ? Admission::kAllowed
         : admission == 1 ? Admission::kFirstRefusal
                          : Admission::kRefused;
}

void PostgresRateLimiter::SweepFullBuckets() {
  // A bucket idle for as long as a full refill takes is full again: the same as absent, its
  // limited spell over.
  const int64_t refill_ms =
      static_cast<int64_t>(std::ceil(options_.burst / options_.per_minute * 60000.0));
  (void)pool_->Run([&](db::PgConnection& conn) -> Status {
    return conn
        .Exec(
            "DELETE FROM rate_limit_bucket WHERE scope = $1 AND updated_ms < "
            "(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2",
            {scope_, std::to_string(refill_ms)})
        .status();
  });
}

}  // namespace madoguchi::ops
