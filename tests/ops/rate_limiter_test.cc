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

}  // namespace
}  // namespace madoguchi::ops
