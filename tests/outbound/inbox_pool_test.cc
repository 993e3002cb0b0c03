#include "outbound/inbox_pool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_inbox.h"

namespace madoguchi::outbound {
namespace {

using std::chrono::milliseconds;

// Long enough that a test which passes cannot have relied on the idle poll.
constexpr milliseconds kNoPoll(3'600'000);
// Generous: only a broken pool takes this long; a working one takes milliseconds.
constexpr milliseconds kPatience(30'000);

// A pool over a fresh inbox file on a fake clock; `process` completes each event and records
// its id.
class InboxPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "inbox_pool_" + info->name() + "_" + std::to_string(getpid()) +
            ".db";
    RemoveFiles();
    store::InboxOptions o;
    o.max_attempts = 2;
    auto inbox = store::SqliteInbox::Open(path_, o, [this] { return now_ms_.load(); });
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    inbox_ = std::move(inbox).value();
  }
  void TearDown() override {
    pool_.reset();
    inbox_.reset();
    RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  InboxPool& Pool(InboxPoolOptions options, InboxPool::ProcessFn process = {}) {
    if (!process) {
      process = [this](const store::InboxEvent& e) {
        EXPECT_TRUE(inbox_->Complete(e).ok());
        std::lock_guard<std::mutex> lock(mu_);
        processed_.push_back(e.event_id);
        cv_.notify_all();
      };
    }
    pool_ = std::make_unique<InboxPool>(inbox_.get(), "line", options, std::move(process));
    return *pool_;
  }
  void Enqueue(const std::string& id, const std::string& channel = "line") {
    auto r = inbox_->Enqueue({channel, id, "", "{}", 0});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  // Whether `n` events were processed within kPatience.
  bool WaitForProcessed(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kPatience, [&] { return processed_.size() >= n; });
  }
  std::vector<std::string> Processed() {
    std::lock_guard<std::mutex> lock(mu_);
    return processed_;
  }

  std::string path_;
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<InboxPool> pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> processed_;  // guarded by mu_
};

TEST_F(InboxPoolTest, ProcessesEventsEnqueuedBeforeStart) {
  for (const char* id : {"e1", "e2", "e3"}) Enqueue(id);
  InboxPool& pool = Pool({2, kNoPoll});
  pool.Start();
  ASSERT_TRUE(WaitForProcessed(3)) << "a starting thread looks at the inbox at once";
  pool.Stop();
  std::vector<std::string> got = Processed();
  EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
            (std::set<std::string>{"e1", "e2", "e3"}));
  EXPECT_EQ(got.size(), 3u) << "each event once";
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(InboxPoolTest, NotifyWakesAnIdleThread) {
  InboxPool& pool = Pool({2, kNoPoll});
  pool.Start();
  // Let the threads find the inbox empty and go idle (not needed for the test to pass, only
  // for it to exercise the wakeup rather than the first claim).
  std::this_thread::sleep_for(milliseconds(50));
  Enqueue("after-start");
  pool.Notify();
  ASSERT_TRUE(WaitForProcessed(1)) << "woken by Notify, long before the idle poll";
  Enqueue("again");
  pool.Notify();
  ASSERT_TRUE(WaitForProcessed(2));
  EXPECT_EQ(Processed(), (std::vector<std::string>{"after-start", "again"}));
}

TEST_F(InboxPoolTest, ManyNotifiesAreHarmless) {
  InboxPool& pool = Pool({2, kNoPoll});
  for (int i = 0; i < 100; ++i) pool.Notify();  // capped at the thread count
  pool.Start();
  Enqueue("e1");
  pool.Notify();
  ASSERT_TRUE(WaitForProcessed(1));
  pool.Stop();
  EXPECT_EQ(Processed(), std::vector<std::string>{"e1"});
}

TEST_F(InboxPoolTest, TheIdlePollFindsEventsNobodyAnnounced) {
  InboxPool& pool = Pool({1, milliseconds(10)});
  pool.Start();
  Enqueue("unannounced");  // no Notify
  ASSERT_TRUE(WaitForProcessed(1));
}

TEST_F(InboxPoolTest, RunOnceTakesOnlyItsChannelAndAtMostMax) {
  Enqueue("s1", "slack");
  for (const char* id : {"l1", "l2", "l3"}) Enqueue(id);
  InboxPool& pool = Pool({1, kNoPoll});  // not started: RunOnce works on the caller's thread
  EXPECT_EQ(pool.RunOnce(2), 2u);
  EXPECT_EQ(pool.RunOnce(), 1u);
  EXPECT_EQ(pool.RunOnce(), 0u);
  EXPECT_EQ(Processed(), (std::vector<std::string>{"l1", "l2", "l3"}));
  EXPECT_EQ(*inbox_->Depth("slack"), 1) << "another channel's event is left alone";
}

TEST_F(InboxPoolTest, StopCutsARetrySleepShort) {
  std::mutex mu;
  std::condition_variable cv;
  bool sleeping = false;
  bool slept_to_the_end = true;
  bool finished = false;
  InboxPool* pool_ptr = nullptr;
  InboxPool& pool = Pool({1, kNoPoll}, [&](const store::InboxEvent&) {
    {
      std::lock_guard<std::mutex> lock(mu);
      sleeping = true;
    }
    cv.notify_all();
    // A client's Retry-After wait: an hour, unless the pool stops.
    bool slept = pool_ptr->SleepUnlessStopping(kNoPoll);
    std::lock_guard<std::mutex> lock(mu);
    slept_to_the_end = slept;
    finished = true;
  });
  pool_ptr = &pool;
  EXPECT_TRUE(pool.SleepUnlessStopping(milliseconds(1))) << "not stopping: the whole wait";
  Enqueue("e1");
  pool.Start();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kPatience, [&] { return sleeping; }));
  }
  pool.Stop();  // returns only once the thread is joined, so the sleep must have ended
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_TRUE(finished) << "the event in hand is finished, not abandoned";
  EXPECT_FALSE(slept_to_the_end) << "cut short";
  EXPECT_FALSE(pool.SleepUnlessStopping(kNoPoll)) << "after Stop: at once";
  EXPECT_EQ(*inbox_->Depth(), 1) << "not completed by the callback: still in the inbox";
}

TEST_F(InboxPoolTest, StopWaitsForTheEventInHand) {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false;
  bool release = false;
  std::atomic<bool> finished{false};
  InboxPool& pool = Pool({1, kNoPoll}, [&](const store::InboxEvent& e) {
    std::unique_lock<std::mutex> lock(mu);
    started = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    EXPECT_TRUE(inbox_->Complete(e).ok());
    finished = true;
  });
  Enqueue("slow");
  pool.Start();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, kPatience, [&] { return started; }));
  }
  std::thread stopper([&] { pool.Stop(); });
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST_F(InboxPoolTest, StartTwiceOrAfterStopDoesNothingAndStopIsIdempotent) {
  InboxPool& pool = Pool({2, milliseconds(10)});
  pool.Start();
  pool.Start();
  Enqueue("e1");
  pool.Notify();
  ASSERT_TRUE(WaitForProcessed(1));
  pool.Stop();
  pool.Stop();
  pool.Start();  // a stopped pool stays stopped
  Enqueue("e2");
  pool.Notify();
  std::this_thread::sleep_for(milliseconds(100));  // several idle polls, were it running
  EXPECT_EQ(Processed(), std::vector<std::string>{"e1"}) << "processed once, by one thread";
  EXPECT_EQ(*inbox_->Depth(), 1) << "left for the next run";
}

TEST_F(InboxPoolTest, StopWithoutStartAndConcurrentStops) {
  InboxPool& idle = Pool({1, kNoPoll});
  idle.Stop();  // never started: nothing to join
  InboxPool& pool = Pool({3, kNoPoll});
  pool.Start();
  std::thread a([&] { pool.Stop(); });
  std::thread b([&] { pool.Stop(); });
  a.join();
  b.join();
  Enqueue("e1");
  EXPECT_EQ(pool.RunOnce(), 1u) << "RunOnce still works on the caller's thread";
}

TEST_F(InboxPoolTest, RetryLaterSchedulesWithBackoffThenDeadLetters) {
  Enqueue("e1");
  auto first = inbox_->Claim(1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  const Status why(StatusCode::kUnavailable, "LINE is down", "line_unavailable");
  RetryOutcome r = RetryLater(*inbox_, first->front(), why, milliseconds(1000), milliseconds(1500));
  EXPECT_STREQ(r.outcome, "retry");
  EXPECT_EQ(r.status.reason(), "line_unavailable");

  now_ms_ += 999;
  EXPECT_TRUE(inbox_->Claim(1)->empty()) << "BackoffDelay(1) = 1000 ms";
  now_ms_ += 1;
  auto second = inbox_->Claim(1);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().attempt, 2);

  r = RetryLater(*inbox_, second->front(), why, milliseconds(1000), milliseconds(1500));
  EXPECT_STREQ(r.outcome, "dead_letter") << "max_attempts is 2";
  EXPECT_EQ(r.status.message(), "LINE is down");
  EXPECT_EQ(*inbox_->DeadLettered(), 1);
}

TEST_F(InboxPoolTest, RetryLaterOfAFinishedEventIsStale) {
  Enqueue("e1");
  auto claimed = inbox_->Claim(1);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(inbox_->Complete(claimed->front()).ok());
  RetryOutcome r = RetryLater(*inbox_, claimed->front(), Unavailable("late"), milliseconds(1000),
                              milliseconds(1000));
  EXPECT_STREQ(r.outcome, "stale");
  EXPECT_EQ(r.status.message(), "late");
  EXPECT_EQ(*inbox_->Depth(), 0);
}

TEST(IsTransientTest, OutagesRateLimitsAndRevokedTokens) {
  EXPECT_TRUE(IsTransient(Unavailable("down")));
  EXPECT_TRUE(IsTransient(Status(StatusCode::kResourceExhausted, "429", "rate_limited")));
  EXPECT_TRUE(IsTransient(Status(StatusCode::kPermissionDenied, "401", "unauthorized")));
  EXPECT_FALSE(IsTransient(InvalidArgument("bad request")));
  EXPECT_FALSE(IsTransient(NotFound("no such user")));
  EXPECT_FALSE(IsTransient(Status(StatusCode::kFailedPrecondition, "archived", "is_archived")));
  EXPECT_FALSE(IsTransient(Internal("bug")));
  EXPECT_FALSE(IsTransient(Status::Ok()));
}

}  // namespace
}  // namespace madoguchi::outbound
