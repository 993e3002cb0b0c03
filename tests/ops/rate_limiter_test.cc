#include "ops/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "ops/postgres_rate_limiter.h"
#include "support/postgres_server.h"

namespace madoguchi::ops {
namespace {

using Clock = RateLimiter::Clock;

TEST(RateLimiterTest, BurstThenRefusal) {
  RateLimiter limiter({/*per_minute=*/60, /*burst=*/3});
  Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(limiter.Allow("u", t0));
  EXPECT_TRUE(limiter.Allow("u", t0));
  EXPECT_TRUE(limiter.Allow("u", t0));
  EXPECT_FALSE(limiter.Allow("u", t0));
}

TEST(RateLimiterTest, RefillsOverTime) {
  RateLimiter limiter({/*per_minute=*/60, /*burst=*/1});
  Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(limiter.Allow("u", t0));
  EXPECT_FALSE(limiter.Allow("u", t0 + std::chrono::milliseconds(500)));
  EXPECT_TRUE(limiter.Allow("u", t0 + std::chrono::milliseconds(1600)));
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter({/*per_minute=*/1, /*burst=*/1});
  Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(limiter.Allow("a", t0));
  EXPECT_FALSE(limiter.Allow("a", t0));
  EXPECT_TRUE(limiter.Allow("b", t0));
}

TEST(RateLimiterTest, AdmitTellsTheFirstRefusalOfASpellFromTheRest) {
  using Admission = RateLimiter::Admission;
  RateLimiter limiter({/*per_minute=*/60, /*burst=*/2});
  Clock::time_point t0 = Clock::now();
  EXPECT_EQ(limiter.Admit("u", t0), Admission::kAllowed);
  EXPECT_EQ(limiter.Admit("u", t0), Admission::kAllowed);
  EXPECT_EQ(limiter.Admit("u", t0), Admission::kFirstRefusal);
  EXPECT_EQ(limiter.Admit("u", t0 + std::chrono::milliseconds(100)), Admission::kRefused);
  EXPECT_EQ(limiter.Admit("u", t0 + std::chrono::milliseconds(200)), Admission::kRefused);
  // Another key's spell is its own.
  EXPECT_EQ(limiter.Admit("v", t0), Admission::kAllowed);
  // A token came back: the spell is over, and the next refusal starts a new one.
  EXPECT_EQ(limiter.Admit("u", t0 + std::chrono::milliseconds(1100)), Admission::kAllowed);
  EXPECT_EQ(limiter.Admit("u", t0 + std::chrono::milliseconds(1200)), Admission::kFirstRefusal);
  EXPECT_EQ(limiter.Admit("u", t0 + std::chrono::milliseconds(1300)), Admission::kRefused);
}

TEST(RateLimiterTest, AllowRefusalsBelongToTheSameSpell) {
  using Admission = RateLimiter::Admission;
  RateLimiter limiter({/*per_minute=*/60, /*burst=*/1});
  Clock::time_point t0 = Clock::now();
  EXPECT_TRUE(limiter.Allow("u", t0));
  EXPECT_FALSE(limiter.Allow("u", t0));
  EXPECT_EQ(limiter.Admit("u", t0), Admission::kRefused);
}

// --- The same limits shared by replicas, in PostgreSQL (a real server from tests/support) ---

db::PostgresOptions PostgresAt(const std::string& url) {
  db::PostgresOptions o;
  o.url = url;
  o.password_env = "";
  return o;
}

class PostgresRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = madoguchi::testing::FreshPostgresDatabase("ratelimit");
    if (url_.empty() && !IsSkipped()) FAIL() << "no PostgreSQL database for the test";
  }
  // One replica's limiter: its own pool of connections.
  std::unique_ptr<PostgresRateLimiter> Replica(RateLimitOptions options,
                                               const std::string& scope = "api") {
    auto l = PostgresRateLimiter::Open(PostgresAt(url_), options, scope);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(l).value() : nullptr;
  }
  std::string url_;
};

TEST_F(PostgresRateLimiterTest, TwoReplicasShareOneBucketAndOneSpell) {
  using Admission = MessageLimiter::Admission;
  // A token a minute: nothing refills during the test.
  auto a = Replica({/*per_minute=*/1, /*burst=*/3});
  auto b = Replica({/*per_minute=*/1, /*burst=*/3});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->Admit("api:u"), Admission::kAllowed);
  EXPECT_EQ(b->Admit("api:u"), Admission::kAllowed);
  EXPECT_EQ(a->Admit("api:u"), Admission::kAllowed);
  // The member is limited on every replica, and told once.
  EXPECT_EQ(b->Admit("api:u"), Admission::kFirstRefusal);
  EXPECT_EQ(a->Admit("api:u"), Admission::kRefused);
  EXPECT_FALSE(b->Allow("api:u"));
  // Another member's bucket is their own.
  EXPECT_TRUE(b->Allow("api:v"));
}

TEST_F(PostgresRateLimiterTest, RacingReplicasAllowExactlyTheBurst) {
  constexpr int kBurst = 5;
  std::vector<std::unique_ptr<PostgresRateLimiter>> replicas;
  for (int i = 0; i < 3; ++i) replicas.push_back(Replica({/*per_minute=*/1, kBurst}));
  for (const auto& r : replicas) ASSERT_NE(r, nullptr);
  std::atomic<int> allowed{0}, first_refusals{0}, ready{0};
  std::vector<std::thread> threads;
  constexpr int kThreads = 9;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < 4; ++i) {
        MessageLimiter::Admission a = replicas[static_cast<size_t>(t % 3)]->Admit("line:U1");
        if (a == MessageLimiter::Admission::kAllowed) ++allowed;
        if (a == MessageLimiter::Admission::kFirstRefusal) ++first_refusals;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed.load(), kBurst);
  EXPECT_EQ(first_refusals.load(), 1);
}

TEST_F(PostgresRateLimiterTest, ScopesKeepTheirOwnBuckets) {
  auto api = Replica({/*per_minute=*/1, /*burst=*/1}, "api");
  auto channel = Replica({/*per_minute=*/1, /*burst=*/1}, "channel");
  ASSERT_TRUE(api && channel);
  EXPECT_TRUE(api->Allow("same-key"));
  EXPECT_FALSE(api->Allow("same-key"));
  EXPECT_TRUE(channel->Allow("same-key"));
}

TEST_F(PostgresRateLimiterTest, TokensComeBackWithTime) {
  using Admission = MessageLimiter::Admission;
  // 600 a minute: a token every 100 ms.
  auto l = Replica({/*per_minute=*/600, /*burst=*/1});
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->Admit("u"), Admission::kAllowed);
  EXPECT_EQ(l->Admit("u"), Admission::kFirstRefusal);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  EXPECT_EQ(l->Admit("u"), Admission::kAllowed);  // the spell is over
  EXPECT_EQ(l->Admit("u"), Admission::kFirstRefusal);
}

TEST_F(PostgresRateLimiterTest, BucketsThatRefilledAreSweptNowAndThen) {
  // 600,000 a minute with a burst of 1: a bucket is full again after 0.1 ms.
  auto l = Replica({/*per_minute=*/600000, /*burst=*/1});
  ASSERT_NE(l, nullptr);
  auto rows = [&]() -> int64_t {
    auto pool = db::PgPool::Open(PostgresAt(url_));
    if (!pool.ok()) return -1;
    int64_t n = -1;
    Status s = (*pool)->Run([&](db::PgConnection& conn) -> Status {
      auto r = conn.Exec("SELECT count(*) FROM rate_limit_bucket");
      if (!r.ok()) return r.status();
      n = r->Int(0, 0);
      return Status::Ok();
    });
    return s.ok() ? n : -1;
  };
  for (int i = 0; i < 999; ++i) ASSERT_TRUE(l->Allow("user-" + std::to_string(i)));
  EXPECT_EQ(rows(), 999);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(l->Allow("user-last"));  // the 1000th: sweeps first
  EXPECT_EQ(rows(), 1);
}

TEST_F(PostgresRateLimiterTest, LimitersOfTwoScopesShareOneProcessPool) {
  using Admission = MessageLimiter::Admission;
  db::PostgresOptions po = PostgresAt(url_);
  po.pool_size = 1;
  auto opened = db::PgPool::Open(po);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::shared_ptr<db::PgPool> pool = std::move(opened).value();
  auto api = PostgresRateLimiter::Open(pool, {/*per_minute=*/1, /*burst=*/1}, "api");
  auto channel = PostgresRateLimiter::Open(pool, {/*per_minute=*/1, /*burst=*/1}, "channel");
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  ASSERT_TRUE(channel.ok()) << channel.status().ToString();
  // Many threads through one connection: each Admit gives it back before the next takes it.
  std::vector<std::thread> threads;
  std::atomic<int> allowed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        PostgresRateLimiter& l = (t % 2 == 0) ? **api : **channel;
        if (l.Admit("k" + std::to_string(t) + "-" + std::to_string(i)) == Admission::kAllowed) {
          ++allowed;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 20);
  // One key in two scopes: two buckets, though one table and one pool.
  EXPECT_EQ((*api)->Admit("same"), Admission::kAllowed);
  EXPECT_EQ((*channel)->Admit("same"), Admission::kAllowed);
  EXPECT_EQ((*api)->Admit("same"), Admission::kFirstRefusal);
  // The limiters hold the pool with the caller; dropping the caller's share keeps it open.
  pool.reset();
  EXPECT_EQ((*channel)->Admit("same"), Admission::kFirstRefusal);
}

TEST_F(PostgresRateLimiterTest, ANullPoolIsRefused) {
  EXPECT_EQ(PostgresRateLimiter::Open(std::shared_ptr<db::PgPool>(),
                                      {/*per_minute=*/1,
                                       /*burst=*/1},
                                      "api")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(PostgresRateLimiterTest, ABadLimitIsRefused) {
  EXPECT_EQ(PostgresRateLimiter::Open(PostgresAt(url_), {/*per_minute=*/0, /*burst=*/1}, "api")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(PostgresRateLimiterOutage, AllowsWhilePostgresIsDownAndLimitsAgainAfter) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> server =
      madoguchi::testing::OwnPostgresServer("ratelimit_outage", &url);
  if (server == nullptr) return;
  auto l = PostgresRateLimiter::Open(PostgresAt(url), {/*per_minute=*/1, /*burst=*/1}, "api");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_TRUE((*l)->Allow("u"));
  EXPECT_FALSE((*l)->Allow("u"));
  ASSERT_TRUE(server->Stop().ok());
  EXPECT_TRUE((*l)->Allow("u"));  // fails open
  ASSERT_TRUE(server->Restart().ok());
  EXPECT_FALSE((*l)->Allow("u"));  // the bucket was kept
}

}  // namespace
}  // namespace madoguchi::ops
