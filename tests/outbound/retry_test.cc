#include "outbound/retry.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace madoguchi::outbound {
namespace {

using std::chrono::milliseconds;

TEST(ParseRetryAfterTest, DeltaSecondsOnly) {
  EXPECT_EQ(ParseRetryAfter("2"), milliseconds(2000));
  EXPECT_EQ(ParseRetryAfter(" 0 "), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("999999999"), milliseconds(int64_t{24} * 3600 * 1000)) << "a day";
  EXPECT_EQ(ParseRetryAfter(""), milliseconds(-1));
  EXPECT_EQ(ParseRetryAfter("-5"), milliseconds(-1));
  EXPECT_EQ(ParseRetryAfter("1.5"), milliseconds(-1));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), milliseconds(-1));
}

TEST(BackoffDelayTest, DoublesUpToTheMaximum) {
  const milliseconds initial(100), max(450);
  EXPECT_EQ(BackoffDelay(1, initial, max), milliseconds(100));
  EXPECT_EQ(BackoffDelay(2, initial, max), milliseconds(200));
  EXPECT_EQ(BackoffDelay(3, initial, max), milliseconds(400));
  EXPECT_EQ(BackoffDelay(4, initial, max), milliseconds(450));
  EXPECT_EQ(BackoffDelay(1000, initial, max), milliseconds(450)) << "no overflow";
  EXPECT_EQ(BackoffDelay(0, initial, max), milliseconds(100));
  EXPECT_EQ(BackoffDelay(1, milliseconds(900), max), milliseconds(450))
      << "max caps even the first";
}

TEST(IsRetryableTest, UnreachableRateLimitedAndServerErrors) {
  for (int status : {0, 429, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryable(status)) << status;
  for (int status : {200, 204, 400, 401, 403, 404, 409, 413}) {
    EXPECT_FALSE(IsRetryable(status)) << status;
  }
}

// A scripted transport: each call answers the next Attempt; the waits are recorded, not slept.
class SendWithRetriesTest : public ::testing::Test {
 protected:
  static Attempt Answer(int http_status, std::string retry_after = "") {
    Attempt a{http_status, std::move(retry_after), Status()};
    if (http_status == 429) {
      a.error = Status(StatusCode::kResourceExhausted, "rate limit", "rate_limited");
    } else if (IsRetryable(http_status)) {
      a.error = Status(StatusCode::kUnavailable, "answered " + std::to_string(http_status),
                       "test_unavailable");
    }
    return a;
  }

  Status Send(std::deque<Attempt> script) {
    script_ = std::move(script);
    return SendWithRetries(
        [this] {
          ++calls_;
          Attempt a = script_.front();
          if (script_.size() > 1) script_.pop_front();  // the last answer repeats
          return a;
        },
        options_,
        [this](milliseconds d) {
          waits_.push_back(d.count());
          return waits_.size() <= allowed_sleeps_;
        });
  }

  RetryOptions options_{4, milliseconds(100), milliseconds(300), milliseconds(5000)};
  std::deque<Attempt> script_;
  int calls_ = 0;
  std::vector<int64_t> waits_;
  size_t allowed_sleeps_ = 100;
};

TEST_F(SendWithRetriesTest, FirstAnswerEndsTheCall) {
  EXPECT_TRUE(Send({Answer(200)}).ok());
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(SendWithRetriesTest, RetriesServerErrorsWithExponentialBackoff) {
  EXPECT_TRUE(Send({Answer(500), Answer(503), Answer(0), Answer(200)}).ok());
  EXPECT_EQ(calls_, 4);
  EXPECT_EQ(waits_, (std::vector<int64_t>{100, 200, 300})) << "doubling, capped at 300";
}

TEST_F(SendWithRetriesTest, HonoursRetryAfter) {
  EXPECT_TRUE(Send({Answer(429, "2"), Answer(503, "0"), Answer(429), Answer(200)}).ok());
  EXPECT_EQ(calls_, 4);
  // Retry-After 2 s, then 0 s; then no header: the backoff of the third retry.
  EXPECT_EQ(waits_, (std::vector<int64_t>{2000, 0, 300}));
}

TEST_F(SendWithRetriesTest, UnreadableRetryAfterFallsBackToTheBackoff) {
  EXPECT_TRUE(Send({Answer(429, "Wed, 21 Oct 2015 07:28:00 GMT"), Answer(200)}).ok());
  EXPECT_EQ(waits_, (std::vector<int64_t>{100}));
}

TEST_F(SendWithRetriesTest, RetryAfterBeyondTheLimitEndsTheCallAtOnce) {
  Status s = Send({Answer(429, "3600"), Answer(200)});
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.reason(), "rate_limited");
  EXPECT_NE(s.message().find("Retry-After 3600 s"), std::string::npos) << s.message();
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(SendWithRetriesTest, GivesUpAfterMaxAttemptsWithTheLastError) {
  options_.max_attempts = 3;
  Status s = Send({Answer(429), Answer(502)});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.reason(), "test_unavailable");
  EXPECT_EQ(s.message(), "answered 502");
  EXPECT_EQ(calls_, 3);
  EXPECT_EQ(waits_.size(), 2u) << "no wait after the last try";
}

TEST_F(SendWithRetriesTest, OneAttemptMeansNoRetry) {
  options_.max_attempts = 1;
  EXPECT_EQ(Send({Answer(503)}).reason(), "test_unavailable");
  EXPECT_EQ(calls_, 1);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(SendWithRetriesTest, StopsWhenTheSleepSaysSo) {
  allowed_sleeps_ = 1;
  Status s = Send({Answer(503)});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.reason(), "interrupted");
  EXPECT_NE(s.message().find("answered 503"), std::string::npos) << s.message();
  EXPECT_EQ(calls_, 2) << "no try after the interrupted wait";
  EXPECT_EQ(waits_.size(), 2u);
}

TEST_F(SendWithRetriesTest, ClientErrorsOtherThan429AreNotRetried) {
  for (int status : {400, 401, 403, 404, 409}) {
    calls_ = 0;
    EXPECT_TRUE(Send({Answer(status), Answer(200)}).ok()) << "the caller reads the answer";
    EXPECT_EQ(calls_, 1) << status;
  }
  EXPECT_TRUE(waits_.empty());
}

TEST_F(SendWithRetriesTest, AFailureWithoutAnErrorIsStillAnError) {
  options_.max_attempts = 1;
  Status s = Send({Attempt{503, "", Status()}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace madoguchi::outbound
