#include "store/inbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "damage.h"
#include "db/postgres.h"
#include "store/postgres_inbox.h"
#include "store/sqlite_inbox.h"
#include "support/postgres_server.h"

namespace madoguchi::store {
namespace {

using std::chrono::milliseconds;

enum class Backend { kSqlite, kPostgres };

// One inbox's storage per test: a fresh SQLite file (removed afterwards, with its WAL and
// shared-memory files) or a fresh database on the test PostgreSQL server. OpenInbox may be
// called again on the same storage: a restarted process (SQLite), or another replica or a
// restarted one (PostgreSQL). Every inbox of a test reads the same injected clock.
class InboxFixture : public ::testing::Test {
 protected:
  void SetUpBackend(Backend backend) {
    backend_ = backend;
    if (backend_ == Backend::kPostgres) {
      url_ = madoguchi::testing::FreshPostgresDatabase("inbox");
      // Skipped when PostgreSQL is absent (and not required); a failure stops the test here.
      if (url_.empty() && !IsSkipped()) FAIL() << "no test database";
      return;
    }
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = ::testing::TempDir() + "inbox_" + name + "_" + std::to_string(getpid()) + ".db";
    RemoveFiles();
  }
  void TearDown() override {
    if (!path_.empty()) RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  db::PostgresOptions Postgres() const {
    db::PostgresOptions o;
    o.url = url_;
    o.password_env = "";  // the test server trusts loopback
    return o;
  }

  std::unique_ptr<Inbox> OpenInbox(InboxOptions options = {}) {
    std::function<int64_t()> clock = [this] { return now_ms_.load(); };
    if (backend_ == Backend::kPostgres) {
      auto inbox = PostgresInbox::Open(Postgres(), options, clock);
      EXPECT_TRUE(inbox.ok()) << inbox.status().ToString();
      return inbox.ok() ? std::unique_ptr<Inbox>(std::move(inbox).value()) : nullptr;
    }
    auto inbox = SqliteInbox::Open(path_, options, clock);
    EXPECT_TRUE(inbox.ok()) << inbox.status().ToString();
    return inbox.ok() ? std::unique_ptr<Inbox>(std::move(inbox).value()) : nullptr;
  }

  static NewInboxEvent Event(const std::string& id, const std::string& ordering_key = "",
                             const std::string& channel = "line") {
    return {channel, id, ordering_key, "{\"id\":\"" + id + "\"}", 0};
  }

  Backend backend_ = Backend::kSqlite;
  std::string path_;  // SQLite
  std::string url_;   // PostgreSQL
  std::atomic<int64_t> now_ms_{1'700'000'000'000};
};

// What every inbox promises (store/inbox.h), run against each implementation.
class InboxContractTest : public InboxFixture, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override { SetUpBackend(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Backends, InboxContractTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param == Backend::kSqlite ? "SQLite" : "PostgreSQL";
                         });

// What only the SQLite file does: one process owns it, and it lives in files on this disk.
class SqliteInboxTest : public InboxFixture {
 protected:
  void SetUp() override { SetUpBackend(Backend::kSqlite); }
};

// What only the shared PostgreSQL inbox does: several replicas use it at once.
class PostgresInboxTest : public InboxFixture {
 protected:
  void SetUp() override { SetUpBackend(Backend::kPostgres); }
};

TEST_P(InboxContractTest, EnqueueClaimComplete) {
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

TEST_P(InboxContractTest, ReceivedAtDefaultsToNow) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox->Enqueue(Event("ev1")).ok());
  auto claimed = inbox->Claim(1);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().received_at_ms, now_ms_.load());
}

TEST_P(InboxContractTest, RejectsEventsWithoutChannelOrId) {
  auto inbox = OpenInbox();
  EXPECT_EQ(inbox->Enqueue({"", "x", "", "{}", 0}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(inbox->Enqueue({"line", "", "", "{}", 0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*inbox->Depth(), 0);
}

TEST_P(InboxContractTest, DuplicateIdsAreStoredOnce) {
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

TEST_P(InboxContractTest, EnqueueAllIsOneTransactionAndDedupesWithin) {
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

TEST_P(InboxContractTest, UnclaimedEventSurvivesReopening) {
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

TEST_P(InboxContractTest, ExpiredLeaseIsHandedOutAgainAndStaleWorkerIsFenced) {
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

TEST_P(InboxContractTest, FailRetriesAfterTheDelayThenDeadLetters) {
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

TEST_P(InboxContractTest, LeaseRunningOutOnTheLastAttemptDeadLetters) {
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

TEST_P(InboxContractTest, OneConversationIsHandedOutInOrderOneAtATime) {
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

TEST_P(InboxContractTest, ClaimFiltersByChannel) {
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

TEST_P(InboxContractTest, FinishedIdsAreForgottenAfterRetention) {
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

TEST_P(InboxContractTest, ConcurrentClaimsNeverShareAnEvent) {
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

TEST_P(InboxContractTest, ConcurrentEnqueuesDedupe) {
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

TEST_P(InboxContractTest, CheckWritableWritesAHeartbeatThatIsNoEvent) {
  auto inbox = OpenInbox();
  ASSERT_NE(inbox, nullptr);
  EXPECT_TRUE(inbox->CheckWritable().ok());
  now_ms_ += 1000;
  EXPECT_TRUE(inbox->CheckWritable().ok()) << "the second check updates the same row";
  EXPECT_EQ(*inbox->Depth(), 0);
  EXPECT_TRUE(inbox->Claim(10)->empty());
}

TEST_F(SqliteInboxTest, ClaimLeftByACrashIsHandedOutAgainOnReopen) {
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

TEST_F(SqliteInboxTest, ClaimLeftOnTheLastAttemptIsDeadLetteredOnReopen) {
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

TEST_F(SqliteInboxTest, EnqueueFailsCleanlyWhileAnotherWriterHoldsTheFile) {
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
TEST_F(SqliteInboxTest, WriteAheadLogIsCheckpointedAndReused) {
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

TEST_F(SqliteInboxTest, SharesAFileWithOtherTables) {
  auto a = OpenInbox();
  ASSERT_TRUE(a->Enqueue(Event("ev1")).ok());
  a.reset();
  auto b = OpenInbox();  // the schema is created only if missing
  EXPECT_EQ(*b->Depth(), 1);
  EXPECT_FALSE(SqliteInbox::Open("/nonexistent-dir/inbox.db").ok());
}

TEST_F(SqliteInboxTest, CheckWritableWritesAndFailsWhenTheDiskIsFull) {
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

TEST_F(SqliteInboxTest, CheckWritableFailsOnADamagedFile) {
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
TEST_F(SqliteInboxTest, CompletedPayloadsLeaveNoTraceInTheFiles) {
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
TEST_F(SqliteInboxTest, FilesAreReadableByTheServiceOnly) {
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

TEST_F(PostgresInboxTest, AnEventEnqueuedOnOneReplicaIsClaimedOnAnother) {
  auto a = OpenInbox();
  auto b = OpenInbox();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(*a->Enqueue(Event("ev1", "user-1")), EnqueueResult::kEnqueued);
  EXPECT_EQ(*b->Enqueue(Event("ev1", "user-1")), EnqueueResult::kDuplicate)
      << "a redelivery to another replica is recognised";
  auto claimed = b->Claim(10, "line");
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().payload, "{\"id\":\"ev1\"}");
  EXPECT_TRUE(a->Claim(10)->empty()) << "leased to a worker of the other replica";
  EXPECT_EQ(*a->Depth(), 1);
  ASSERT_TRUE(b->Complete(claimed->front()).ok());
  EXPECT_EQ(*a->Depth(), 0);
  EXPECT_EQ(*a->Enqueue(Event("ev1")), EnqueueResult::kDuplicate);
}

// A replica that starts does not take over the claims of those running; the claims of one that
// died come back when their lease runs out, with what it had checkpointed.
TEST_F(PostgresInboxTest, AClaimOfADeadReplicaReturnsAfterItsLeaseNotWhenAnotherStarts) {
  InboxOptions options;
  options.lease = milliseconds(1000);
  auto a = OpenInbox(options);
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->Enqueue(Event("ev1", "user-1")).ok());
  auto held = a->Claim(1);
  ASSERT_EQ(held->size(), 1u);
  ASSERT_TRUE(a->Checkpoint(held->front(), "rendered").ok());

  auto b = OpenInbox(options);
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->Claim(1)->empty()) << "opening released a live replica's claim";
  a.reset();  // replica A dies holding the claim
  now_ms_ += 999;
  EXPECT_TRUE(b->Claim(1)->empty()) << "before the lease ran out";
  now_ms_ += 1;
  auto again = b->Claim(1);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front().id, held->front().id);
  EXPECT_EQ(again->front().attempt, 2);
  EXPECT_EQ(again->front().checkpoint, "rendered");
  // Had A lived on, its late Fail would be refused: the claim is B's now.
  EXPECT_EQ(*b->Fail(held->front(), milliseconds(0)), FailOutcome::kStale);
  ASSERT_TRUE(b->Complete(again->front()).ok());
  EXPECT_EQ(*b->Depth(), 0);
}

// Two replicas, each with webhooks enqueueing and workers draining, on conversations that
// overlap. Every event is handed out exactly once; a conversation is never in two workers'
// hands at once, and its events come out in the order each webhook enqueued them.
TEST_F(PostgresInboxTest, ConcurrentReplicasShareNoEventAndNoConversation) {
  std::vector<std::unique_ptr<Inbox>> replicas;
  for (int r = 0; r < 2; ++r) {
    replicas.push_back(OpenInbox());
    ASSERT_NE(replicas.back(), nullptr);
  }
  constexpr int kKeys = 6;
  constexpr int kPerSender = 120;  // events each replica's webhook enqueues
  constexpr int kWorkersPerReplica = 3;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);

  std::mutex mu;
  std::set<std::string> in_hand;                        // ordering keys being worked on
  std::map<std::string, int> handed_out;                // event id -> times
  std::map<std::string, std::vector<int64_t>> key_ids;  // key -> ids in hand-out order
  std::map<std::string, std::vector<int>> sender_seq;   // "sender/key" -> sequence handed out
  std::vector<std::string> violations;
  std::atomic<int> senders_done{0}, completed{0}, errors{0};

  std::vector<std::thread> threads;
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      std::mt19937 rng(r);
      int seq = 0;
      while (seq < kPerSender) {
        // Batches of one to three, as a webhook delivers them; some without a conversation.
        std::vector<NewInboxEvent> batch;
        for (int n = 1 + static_cast<int>(rng() % 3); n > 0 && seq < kPerSender; --n, ++seq) {
          std::string key = seq % 10 == 9 ? "" : "user-" + std::to_string(rng() % kKeys);
          NewInboxEvent e = Event("r" + std::to_string(r) + "-" + std::to_string(seq), key);
          e.payload = std::to_string(r) + "/" + key + "/" + std::to_string(seq);
          batch.push_back(std::move(e));
        }
        if (!replicas[r]->EnqueueAll(batch).ok()) ++errors;
      }
      ++senders_done;
    });
  }
  for (int r = 0; r < 2; ++r) {
    for (int w = 0; w < kWorkersPerReplica; ++w) {
      threads.emplace_back([&, r] {
        Inbox& inbox = *replicas[r];
        while (completed.load() < 2 * kPerSender) {
          if (std::chrono::steady_clock::now() > deadline) {
            ++errors;
            return;
          }
          auto claimed = inbox.Claim(4, "line");
          if (!claimed.ok()) {
            ++errors;
            return;
          }
          if (claimed->empty()) {
            std::this_thread::sleep_for(milliseconds(1));
            continue;
          }
          {
            std::lock_guard<std::mutex> lock(mu);
            for (const InboxEvent& e : *claimed) {
              ++handed_out[e.event_id];
              if (e.ordering_key.empty()) continue;
              if (!in_hand.insert(e.ordering_key).second) {
                violations.push_back(e.ordering_key + " in two hands at once");
              }
              key_ids[e.ordering_key].push_back(e.id);
              const std::string sender = e.payload.substr(0, e.payload.rfind('/'));
              sender_seq[sender].push_back(std::stoi(e.payload.substr(e.payload.rfind('/') + 1)));
            }
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));  // the work
          for (const InboxEvent& e : *claimed) {
            {
              std::lock_guard<std::mutex> lock(mu);
              in_hand.erase(e.ordering_key);
            }
            if (inbox.Complete(e).ok()) {
              ++completed;
            } else {
              ++errors;
            }
          }
        }
      });
    }
  }
  for (auto& t : threads) t.join();

  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(senders_done.load(), 2);
  EXPECT_EQ(completed.load(), 2 * kPerSender);
  EXPECT_EQ(handed_out.size(), static_cast<size_t>(2 * kPerSender));
  for (const auto& [id, times] : handed_out) EXPECT_EQ(times, 1) << id;
  EXPECT_TRUE(violations.empty()) << violations.front();
  for (const auto& [key, ids] : key_ids) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << key << " out of enqueue order";
  }
  for (const auto& [sender, seqs] : sender_seq) {
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << sender << " out of order";
  }
  EXPECT_GT(key_ids.size(), 1u);
  EXPECT_EQ(*replicas[0]->Depth(), 0);
  EXPECT_EQ(*replicas[1]->Depth(), 0);
}

// Claims racing on one conversation's head from both replicas: exactly one wins each round.
TEST_F(PostgresInboxTest, RacingClaimsOnOneConversationHandOutOneEventAtATime) {
  auto a = OpenInbox();
  auto b = OpenInbox();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  constexpr int kEvents = 30;
  std::vector<NewInboxEvent> events;
  for (int i = 0; i < kEvents; ++i) events.push_back(Event("e" + std::to_string(i), "user-1"));
  ASSERT_TRUE(a->EnqueueAll(events).ok());
  for (int i = 0; i < kEvents; ++i) {
    std::vector<InboxEvent> got_a, got_b;
    std::atomic<int> errors{0};
    auto claim = [&errors](Inbox& inbox, std::vector<InboxEvent>& got) {
      auto claimed = inbox.Claim(5);
      if (claimed.ok()) {
        got = std::move(claimed).value();
      } else {
        ++errors;
      }
    };
    std::thread ta([&] { claim(*a, got_a); });
    std::thread tb([&] { claim(*b, got_b); });
    ta.join();
    tb.join();
    ASSERT_EQ(errors.load(), 0);
    ASSERT_EQ(got_a.size() + got_b.size(), 1u) << "round " << i;
    const InboxEvent& e = got_a.empty() ? got_b.front() : got_a.front();
    EXPECT_EQ(e.event_id, "e" + std::to_string(i));
    ASSERT_TRUE((got_a.empty() ? b : a)->Complete(e).ok());
  }
  EXPECT_EQ(*a->Depth(), 0);
}

// What was acknowledged is on the server's disk: it outlives a PostgreSQL restart, and the
// replicas' pools reconnect on their own.
TEST_F(PostgresInboxTest, AnAcknowledgedEventOutlivesAPostgresRestart) {
  auto inbox = OpenInbox();
  ASSERT_NE(inbox, nullptr);
  ASSERT_EQ(*inbox->Enqueue(Event("ev1", "user-1")), EnqueueResult::kEnqueued);
  madoguchi::testing::PostgresServer* server = madoguchi::testing::SharedPostgresServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Restart().ok());
  auto claimed = inbox->Claim(10);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(claimed->front().event_id, "ev1");
  EXPECT_TRUE(inbox->CheckWritable().ok());
}

TEST_F(PostgresInboxTest, AnUnreachableServerIsUnavailable) {
  db::PostgresOptions o = Postgres();
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  o.connect_timeout = milliseconds(1000);
  auto inbox = PostgresInbox::Open(o);
  EXPECT_EQ(inbox.status().code(), StatusCode::kUnavailable) << inbox.status().ToString();
}

}  // namespace
}  // namespace madoguchi::store
