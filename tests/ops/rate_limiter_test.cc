#include "ops/rate_limiter.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace madoguchi::ops
