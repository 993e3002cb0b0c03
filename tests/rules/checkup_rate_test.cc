#include "rules/checkup_rate.h"

#include <gtest/gtest.h>

#include <string>

namespace madoguchi::rules {
namespace {

std::string Rate(long long targets, long long unable, long long examined, int decimals = 1) {
  auto rate = CheckupRatePercent({targets, unable, examined}, decimals);
  EXPECT_TRUE(rate.ok()) << rate.status().ToString();
  return rate.ok() ? *rate : "";
}

Status RateError(long long targets, long long unable, long long examined, int decimals = 1) {
  auto rate = CheckupRatePercent({targets, unable, examined}, decimals);
  EXPECT_FALSE(rate.ok()) << "computed " << (rate.ok() ? *rate : "");
  return rate.status();
}

TEST(CheckupRateTest, ExaminedOverTargetsLessUnable) {
  // 180 ÷ (200 − 10) = 94.736…
  EXPECT_EQ(Rate(200, 10, 180), "94.7");
  EXPECT_EQ(Rate(200, 0, 180), "90.0");
  EXPECT_EQ(Rate(3, 0, 2), "66.7");
  EXPECT_EQ(Rate(3, 0, 1), "33.3");
  EXPECT_EQ(Rate(6, 0, 1), "16.7");
}

TEST(CheckupRateTest, RoundsHalfUp) {
  // 1 ÷ 8 = 12.5 %
  EXPECT_EQ(Rate(8, 0, 1, 0), "13");
  EXPECT_EQ(Rate(8, 0, 1, 1), "12.5");
  EXPECT_EQ(Rate(8, 0, 1, 2), "12.50");
  // 379 ÷ 400 = 94.75 %: exactly half, decided by integers rather than binary fractions.
  EXPECT_EQ(Rate(400, 0, 379), "94.8");
  // 1 ÷ 16 = 6.25 % → 6.3 at one place; 3 ÷ 16 = 18.75 % → 18.8.
  EXPECT_EQ(Rate(16, 0, 1), "6.3");
  EXPECT_EQ(Rate(16, 0, 3), "18.8");
  // Just below half rounds down: 1 ÷ 3 = 33.333… at 0 places.
  EXPECT_EQ(Rate(3, 0, 1, 0), "33");
}

TEST(CheckupRateTest, RoundingCarriesIntoTheWholePart) {
  // 999,999 ÷ 1,000,000 = 99.9999 % → 100.0
  EXPECT_EQ(Rate(1000000, 0, 999999), "100.0");
  // 1,995 ÷ 2,000 = 99.75 % → 100 at no places.
  EXPECT_EQ(Rate(2000, 0, 1995, 0), "100");
}

TEST(CheckupRateTest, Extremes) {
  EXPECT_EQ(Rate(190, 0, 190), "100.0");
  EXPECT_EQ(Rate(200, 10, 190), "100.0");
  EXPECT_EQ(Rate(200, 10, 0), "0.0");
  EXPECT_EQ(Rate(200, 10, 0, 0), "0");
  EXPECT_EQ(Rate(3, 0, 1, 6), "33.333333");
  EXPECT_EQ(Rate(7, 0, 1, 3), "14.286");
}

TEST(CheckupRateTest, LeadingZerosOfTheFraction) {
  // 1 ÷ 1000 = 0.1 % → "0.10" at two places; 1 ÷ 10000 = 0.01 % → "0.010" at three.
  EXPECT_EQ(Rate(1000, 0, 1, 2), "0.10");
  EXPECT_EQ(Rate(10000, 0, 1, 3), "0.010");
}

TEST(CheckupRateTest, InvalidInputs) {
  EXPECT_EQ(RateError(10, 10, 0).code(), StatusCode::kInvalidArgument) << "denominator zero";
  EXPECT_EQ(RateError(10, 11, 0).code(), StatusCode::kInvalidArgument) << "unable above targets";
  EXPECT_EQ(RateError(0, 0, 0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RateError(200, 10, 191).code(), StatusCode::kInvalidArgument) << "examined too many";
  EXPECT_EQ(RateError(-200, 10, 180).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RateError(200, -10, 180).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RateError(200, 10, -1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RateError(200, 10, 180, -1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RateError(200, 10, 180, 7).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace madoguchi::rules
