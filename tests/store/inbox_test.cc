#include "store/sqlite_inbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "damage.h"

namespace madoguchi::store {
namespace {

using std::chrono::milliseconds;

// A fresh database file per test, removed afterwards (with its WAL and shared-memory files).
class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = ::testing::TempDir() + "inbox_" + info->name() + "_" + std::to_string(getpid()) + ".db";
    RemoveFiles();
  }
  void TearDown() override { RemoveFiles(); }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  std::unique_ptr<Inbox> OpenInbox(InboxOptions options = {}) {
    auto inbox = SqliteInbox::Open(path_, options, [this] { return now_ms_.load(); });
    EXPECT_TRUE(inbox.ok()) << inbox.status().ToString();
    return inbox.ok() ? std::move(inbox).value() : nullptr;
  }

  static NewInboxEvent Event(const std::string& id, const std::string& ordering_key = "",
                             const std::string& channel = "line") {
    return {channel, id, ordering_key, "{\"id\":\"" + id + "\"}", 0};
  }

  std::string path_;
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

TEST_F(InboxTest, EnqueueClaimComplete) {
  auto inbox = OpenInbox();
  ASSERT_NE(inbox, nullptr);
  auto r = inbox->Enqueue({"line", "ev1", "", "{\"a\":1}", 1234});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, EnqueueResult::kEnqueued);
  EXPECT_EQ(*inbox->Depth(), 1);

  auto claimed = inbox->Claim(10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  const InboxEvent& e = claimed->front();
  EXPECT_EQ(e.channel, "line");
  EXPECT_EQ(e.event_id, "ev1");
  EXPECT_EQ(e.payload, "{\"a\":1}");
  EXPECT_EQ(e.received_at_ms, 1234);
  EXPECT_EQ(e.attempt, 1);
  EXPECT_TRUE(inbox->Claim(10)->empty()) << "a leased event is not handed out twice";
  EXPECT_EQ(*inbox->Depth(), 1) << "claimed events still count";

  ASSERT_TRUE(inbox->Complete(e).ok());
  EXPECT_EQ(*inbox->Depth(), 0);
  EXPECT_TRUE(inbox->Claim(10)->empty());
  EXPECT_TRUE(inbox->Complete(e).ok()) << "completing twice is harmless";
}

TEST_F(InboxTest, ReceivedAtDefaultsToNow) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
  auto claimed = inbox->Claim(1);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().received_at_ms, now_ms_.load());
}

TEST_F(InboxTest, RejectsEventsWithoutChannelOrId) {
  auto inbox = OpenInbox();
  EXPECT_EQ(inbox->Enqueue({"", "x", "", "{}", 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(inbox->Enqueue({"line", "", "", "{}", 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*inbox->Depth(), 0);
}

TEST_F(InboxTest, DuplicateIdsAreStoredOnce) {
  auto inbox = OpenInbox();
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kEnqueued);
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kDuplicate);
  EXPECT_EQ(*inbox->Depth(), 1);
  // The same id on another channel is another event.
  EXPECT_EQ(*inbox->Enqueue(Event("ev1", "", "slack")), EnqueueResult::kEnqueued);

  auto claimed = inbox->Claim(10, "line");
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(inbox->Complete(claimed->front()).ok());
  // Still recognised once done: a redelivery a day later is dropped.
  now_ms_ += 24 * 3600 * 1000;
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kDuplicate);
  EXPECT_TRUE(inbox->Claim(10, "line")->empty());
}

TEST_F(InboxTest, EnqueueAllIsOneTransactionAndDedupesWithin) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox->Enqueue(Event("old")).ok());
  auto results = inbox->EnqueueAll({Event("a"), Event("old"), Event("b"), Event("a")});
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(*results,
            (std::vector<EnqueueResult>{EnqueueResult::kEnqueued, EnqueueResult::kDuplicate,
                                        EnqueueResult::kEnqueued, EnqueueResult::kDuplicate}));
  EXPECT_EQ(*inbox->Depth(), 3);
  // A bad event refuses the whole batch before anything is written.
  EXPECT_FALSE(inbox->EnqueueAll({Event("c"), {"line", "", "", "{}", 0}}).ok());
  EXPECT_EQ(*inbox->Depth(), 3);
  EXPECT_TRUE(inbox->EnqueueAll({})->empty());
}

TEST_F(InboxTest, UnclaimedEventSurvivesReopening) {
  {
    auto inbox = OpenInbox();
    ASSERT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kEnqueued);
    // Destroyed without completing: as if the process stopped right after the 200.
  }
  auto inbox = OpenInbox();
  auto claimed = inbox->Claim(10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().event_id, "ev1");
  EXPECT_EQ(claimed->front().payload, "{\"id\":\"ev1\"}");
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kDuplicate);
}

TEST_F(InboxTest, ClaimLeftByACrashIsHandedOutAgainOnReopen) {
  {
    auto inbox = OpenInbox();
    ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
    auto claimed = inbox->Claim(10);
    ASSERT_EQ(claimed->size(), 1u);
    ASSERT_TRUE(inbox->Checkpoint(claimed->front(), "rendered").ok());
    // The worker dies here: never completed.
  }
  auto inbox = OpenInbox();  // the clock has not moved: the old lease has not run out
  auto claimed = inbox->Claim(10);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().event_id, "ev1");
  EXPECT_EQ(claimed->front().attempt, 2);
  EXPECT_EQ(claimed->front().checkpoint, "rendered") << "progress survives the crash";
}

TEST_F(InboxTest, ExpiredLeaseIsHandedOutAgainAndStaleWorkerIsFenced) {
  InboxOptions options;
  options.lease = milliseconds(60'000);
  auto inbox = OpenInbox(options);
  ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
  auto first = inbox->Claim(1);
  ASSERT_EQ(first->size(), 1u);
  now_ms_ += 59'999;
  EXPECT_TRUE(inbox->Claim(1)->empty());
  now_ms_ += 1;
  auto second = inbox->Claim(1);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->front().id, first->front().id);
  EXPECT_EQ(second->front().attempt, 2);

  // The first worker wakes up: its lease is gone.
  EXPECT_EQ(*inbox->Fail(first->front(), milliseconds(0), "late"), FailOutcome::kStale);
  EXPECT_EQ(inbox->Checkpoint(first->front(), "x").code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(inbox->Claim(1)->empty()) << "the stale Fail did not release the new claim";
  ASSERT_TRUE(inbox->Checkpoint(second->front(), "y").ok());
  ASSERT_TRUE(inbox->Complete(second->front()).ok());
  EXPECT_EQ(*inbox->Fail(second->front(), milliseconds(0)), FailOutcome::kStale);
  EXPECT_EQ(*inbox->Depth(), 0);
}

TEST_F(InboxTest, FailRetriesAfterTheDelayThenDeadLetters) {
  InboxOptions options;
  options.max_attempts = 3;
  auto inbox = OpenInbox(options);
  ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto claimed = inbox->Claim(1);
    ASSERT_EQ(claimed->size(), 1u) << attempt;
    EXPECT_EQ(claimed->front().attempt, attempt);
    auto outcome = inbox->Fail(claimed->front(), milliseconds(5000), "LINE said 500");
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(*outcome, attempt < 3 ? FailOutcome::kRetryScheduled : FailOutcome::kDeadLettered);
    EXPECT_TRUE(inbox->Claim(1)->empty()) << "not before the delay";
    now_ms_ += 5000;
  }
  EXPECT_TRUE(inbox->Claim(1)->empty()) << "dead letters are never handed out";
  EXPECT_EQ(*inbox->Depth(), 0);
  EXPECT_EQ(*inbox->DeadLettered(), 1);
  EXPECT_EQ(*inbox->DeadLettered("slack"), 0);
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kDuplicate);
}

TEST_F(InboxTest, LeaseRunningOutOnTheLastAttemptDeadLetters) {
  InboxOptions options;
  options.max_attempts = 2;
  options.lease = milliseconds(1000);
  auto inbox = OpenInbox(options);
  ASSERT_TRUE(inbox->Enqueue(Event("poison")).ok());
  ASSERT_EQ(inbox->Claim(1)->size(), 1u);
  now_ms_ += 1000;
  ASSERT_EQ(inbox->Claim(1)->size(), 1u);
  now_ms_ += 1000;
  EXPECT_TRUE(inbox->Claim(1)->empty());
  EXPECT_EQ(*inbox->DeadLettered(), 1);
}

TEST_F(InboxTest, ClaimLeftOnTheLastAttemptIsDeadLetteredOnReopen) {
  InboxOptions options;
  options.max_attempts = 1;
  {
    auto inbox = OpenInbox(options);
    ASSERT_TRUE(inbox->Enqueue(Event("poison")).ok());
    ASSERT_EQ(inbox->Claim(1)->size(), 1u);
  }
  auto inbox = OpenInbox(options);
  EXPECT_TRUE(inbox->Claim(1)->empty());
  EXPECT_EQ(*inbox->DeadLettered(), 1);
}

TEST_F(InboxTest, OneConversationIsHandedOutInOrderOneAtATime) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox
                  ->EnqueueAll({Event("a1", "user-a"), Event("b1", "user-b"), Event("a2", "user-a"),
                                Event("n1"), Event("n2")})
                  .ok());
  auto claimed = inbox->Claim(10);
  ASSERT_TRUE(claimed.ok());
  std::vector<std::string> ids;
  for (const auto& e : *claimed) ids.push_back(e.event_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "b1", "n1", "n2"}));
  EXPECT_TRUE(inbox->Claim(10)->empty()) << "a2 waits for a1";

  // A retry keeps the conversation's later events waiting too.
  ASSERT_EQ(*inbox->Fail((*claimed)[0], milliseconds(1000)), FailOutcome::kRetryScheduled);
  EXPECT_TRUE(inbox->Claim(10)->empty());
  now_ms_ += 1000;
  auto again = inbox->Claim(10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().event_id, "a1");
  ASSERT_TRUE(inbox->Complete(again->front()).ok());
  auto next = inbox->Claim(10);
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ(next->front().event_id, "a2");
}

TEST_F(InboxTest, ClaimFiltersByChannel) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox->EnqueueAll({Event("s1", "", "slack"), Event("l1", "", "line")}).ok());
  auto line = inbox->Claim(10, "line");
  ASSERT_EQ(line->size(), 1u);
  EXPECT_EQ(line->front().event_id, "l1");
  EXPECT_EQ(*inbox->Depth("slack"), 1);
  auto any = inbox->Claim(10);
  ASSERT_EQ(any->size(), 1u);
  EXPECT_EQ(any->front().channel, "slack");
  EXPECT_TRUE(inbox->Claim(0)->empty());
}

TEST_F(InboxTest, FinishedIdsAreForgottenAfterRetention) {
  InboxOptions options;
  options.retention = std::chrono::hours(72);
  auto inbox = OpenInbox(options);
  ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
  auto claimed = inbox->Claim(1);
  ASSERT_TRUE(inbox->Complete(claimed->front()).ok());
  now_ms_ += 71LL * 3600 * 1000;
  ASSERT_TRUE(inbox->Purge().ok());
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kDuplicate) << "kept at least 3 days";
  now_ms_ += 2LL * 3600 * 1000;
  ASSERT_TRUE(inbox->Purge().ok());
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kEnqueued);
}

TEST_F(InboxTest, ConcurrentClaimsNeverShareAnEvent) {
  auto inbox = OpenInbox();
  constexpr int kEvents = 600;
  std::vector<NewInboxEvent> events;
  for (int i = 0; i < kEvents; ++i) events.push_back(Event("ev" + std::to_string(i)));
  ASSERT_TRUE(inbox->EnqueueAll(events).ok());

  std::mutex mu;
  std::multiset<std::string> seen;
  std::atomic<int> errors{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&] {
      while (true) {
        auto claimed = inbox->Claim(3);
        if (!claimed.ok()) {
          ++errors;
          return;
        }
        if (claimed->empty()) return;
        for (const InboxEvent& e : *claimed) {
          {
            std::lock_guard<std::mutex> lock(mu);
            seen.insert(e.event_id);
          }
          if (!inbox->Complete(e).ok()) ++errors;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(seen.size(), static_cast<size_t>(kEvents));
  for (const auto& id : std::set<std::string>(seen.begin(), seen.end())) {
    EXPECT_EQ(seen.count(id), 1u) << id << " was handed out twice";
  }
  EXPECT_EQ(*inbox->Depth(), 0);
}

TEST_F(InboxTest, ConcurrentEnqueuesShareCommitsAndDedupe) {
  auto inbox = OpenInbox();
  // Eight webhooks at once, each redelivering half of what another sent.
  std::atomic<int> enqueued{0}, duplicates{0}, errors{0};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        int n = (t / 2) * 40 + i;  // threads 2k and 2k+1 send the same ids
        auto r = inbox->Enqueue(Event("ev" + std::to_string(n)));
        if (!r.ok()) {
          ++errors;
        } else if (*r == EnqueueResult::kEnqueued) {
          ++enqueued;
        } else {
          ++duplicates;
        }
      }
    });
  }
  for (auto& s : senders) s.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(enqueued.load(), 160);
  EXPECT_EQ(duplicates.load(), 160);
  EXPECT_EQ(*inbox->Depth(), 160);
}

TEST_F(InboxTest, EnqueueFailsCleanlyWhileAnotherWriterHoldsTheFile) {
  InboxOptions options;
  options.busy_timeout_ms = 50;
  auto inbox = OpenInbox(options);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto r = inbox->Enqueue(Event("ev1"));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  // Nothing half-written: the sender's retry goes through.
  EXPECT_EQ(*inbox->Enqueue(Event("ev1")), EnqueueResult::kEnqueued);
  EXPECT_EQ(*inbox->Depth(), 1);
}

// The commits leave checkpoints to the inbox's own thread; it must still run, or the log would
// grow by every event ever received. 300 commits of ten 4 KB events write about 15 MB of log;
// checkpointed every 1,000 pages (4 MB), the log is reused and stays well under that.
TEST_F(InboxTest, WriteAheadLogIsCheckpointedAndReused) {
  auto inbox = OpenInbox();
  ASSERT_NE(inbox, nullptr);
  const std::string payload(4096, 'x');
  int n = 0;
  for (int commit = 0; commit < 300; ++commit) {
    std::vector<NewInboxEvent> events;
    for (int i = 0; i < 10; ++i) {
      events.push_back({"line", "ev" + std::to_string(n++), "", payload, 0});
    }
    ASSERT_TRUE(inbox->EnqueueAll(events).ok());
  }
  std::FILE* wal = std::fopen((path_ + "-wal").c_str(), "rb");
  ASSERT_NE(wal, nullptr);
  std::fseek(wal, 0, SEEK_END);
  const long wal_bytes = std::ftell(wal);
  std::fclose(wal);
  EXPECT_LT(wal_bytes, 10L * 1024 * 1024);
  EXPECT_EQ(*inbox->Depth(), 3000);
}

TEST_F(InboxTest, SharesAFileWithOtherTables) {
  auto a = OpenInbox();
  ASSERT_TRUE(a->Enqueue(Event("ev1")).ok());
  a.reset();
  auto b = OpenInbox();  // the schema is created only if missing
  EXPECT_EQ(*b->Depth(), 1);
  EXPECT_FALSE(SqliteInbox::Open("/nonexistent-dir/inbox.db").ok());
}

TEST_F(InboxTest, CheckWritableWritesAndFailsWhenTheDiskIsFull) {
  auto inbox = OpenInbox();
  EXPECT_TRUE(inbox->CheckWritable().ok());
  EXPECT_TRUE(inbox->CheckWritable().ok());
  {
    testing::NoFileWrites full;
    Status s = inbox->CheckWritable();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  }
  EXPECT_TRUE(inbox->CheckWritable().ok());
  EXPECT_EQ(*inbox->Depth(), 0);  // the heartbeat is not an event
}

TEST_F(InboxTest, CheckWritableFailsOnADamagedFile) {
  OpenInbox().reset();
  ASSERT_EQ(testing::DamageTables(path_, {"inbox_heartbeat"}), 1);
  auto inbox = OpenInbox();  // the events' pages are intact
  ASSERT_NE(inbox, nullptr);
  Status s = inbox->CheckWritable();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("malformed"), std::string::npos) << s.ToString();
}

// What a member wrote must not outlive its event: after Complete the payload is readable
// neither in the database file nor in its WAL (read here as raw bytes, as a thief would).
TEST_F(InboxTest, CompletedPayloadsLeaveNoTraceInTheFiles) {
  auto inbox = OpenInbox();
  ASSERT_NE(inbox, nullptr);
  const std::string secret = "member-wrote-K1001-1980-06-15";
  NewInboxEvent e = Event("e1");
  e.payload = "{\"text\":\"" + secret + "\"}";
  ASSERT_TRUE(inbox->Enqueue(e).ok());
  auto raw = [&](const char* suffix) {
    std::ifstream in(path_ + suffix, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  ASSERT_NE((raw("") + raw("-wal")).find(secret), std::string::npos) << "the test reads the files";
  auto claimed = inbox->Claim(10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  ASSERT_TRUE(inbox->Complete((*claimed)[0]).ok());
  EXPECT_EQ(raw("").find(secret), std::string::npos) << "in the database file";
  EXPECT_EQ(raw("-wal").find(secret), std::string::npos) << "in the WAL";
  // The id still deduplicates.
  auto again = inbox->Enqueue(Event("e1"));
  ASSERT_TRUE(again.ok());
}

// The inbox file and its companions are the service's own, whatever the umask.
TEST_F(InboxTest, FilesAreReadableByTheServiceOnly) {
  const mode_t old_umask = ::umask(022);
  auto inbox = OpenInbox();
  ::umask(old_umask);
  ASSERT_NE(inbox, nullptr);
  ASSERT_TRUE(inbox->Enqueue(Event("e1")).ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((path_ + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
}

}  // namespace
}  // namespace madoguchi::store
