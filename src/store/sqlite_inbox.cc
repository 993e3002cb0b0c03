#include "store/sqlite_inbox.h"

#include <algorithm>
#include <utility>

#include "base/date.h"
#include "db/sqlite_db.h"
#include "store/sqlite_status.h"

namespace madoguchi::store {

namespace {

// Row states, written as literals in the SQL: 0 pending, 1 claimed, 2 done, 3 dead. Pending and
// claimed rows are "open" (state < 2); the partial indexes rely on that.
//
// inbox_open walks a channel's open events in id order, which is the order a claim wants: the
// claim stops at its first few ready rows instead of sorting every open event. (An index on
// available_at made each claim sort the whole backlog, 20 ms at 20,000 waiting events, under the
// lock the webhooks' enqueues wait for.) Claim without a channel, for tools, scans.
constexpr int kDead = 3;

constexpr int64_t kPurgeEveryMs = 3600 * 1000;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS inbox (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  checkpoint TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  available_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  UNIQUE (channel, event_id));
DROP INDEX IF EXISTS inbox_ready;
CREATE INDEX IF NOT EXISTS inbox_open ON inbox(channel, id) WHERE state < 2;
CREATE INDEX IF NOT EXISTS inbox_order ON inbox(ordering_key, id) WHERE state < 2;
CREATE INDEX IF NOT EXISTS inbox_finished ON inbox(finished_at) WHERE state >= 2;
CREATE TABLE IF NOT EXISTS inbox_heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL,
  checks INTEGER NOT NULL);
)sql";

// Runs one statement that returns no rows, its parameters set by `bind`.
template <typename BindFn>
Status Run(db::SqliteDb& db, const char* sql, BindFn bind) {
  StatusOr<db::Statement> s = db.Prepare(sql);
  if (!s.ok()) return s.status();
  bind(*s);
  return s->Run();
}

// The WAL still holds every page image since the last checkpoint, payloads included, after
// Complete has cleared them from the table. Once no event waits or runs, the WAL is copied into
// the file (where secure_delete left the cleared payloads zeroed) and truncated to nothing.
// While events wait it is left alone: a checkpoint costs an fsync, and the queue draining
// brings one soon; SQLite's own checkpoints meanwhile recycle the WAL from its start. Best
// effort: a failed checkpoint only leaves the WAL for the next.
void ScrubWalWhenDrained(db::SqliteDb& db) {
  {  // reset before the checkpoint: an open statement's read lock would stop the truncation
    StatusOr<db::Statement> open =
        db.Prepare("SELECT EXISTS (SELECT 1 FROM inbox WHERE state < 2)");
    if (!open.ok()) return;
    StatusOr<bool> row = open->Step();
    if (!row.ok() || !*row || open->Int(0) != 0) return;
  }
  (void)db.CheckpointAndTruncateWal();
}

StatusOr<std::unique_ptr<db::SqliteDb>> OpenConnection(const std::string& path,
                                                       const InboxOptions& options,
                                                       bool synchronous_full) {
  db::SqliteOptions sqlite;
  sqlite.busy_timeout_ms = options.busy_timeout_ms;
  sqlite.synchronous_full = synchronous_full;
  // secure_delete: a cleared payload is overwritten in its page, not left in its free space.
  sqlite.secure_delete = true;
  // SqliteDb makes the file and its -wal and -shm the service's only: the payloads are what
  // members wrote.
  StatusOr<std::unique_ptr<db::SqliteDb>> db = db::SqliteDb::Open(path, sqlite);
  if (!db.ok()) return Checked(path, db.status());
  return db;
}

}  // namespace

// Enqueue writes through `durable` (synchronous=FULL: fsync at every commit); the workers'
// bookkeeping through `fast` (synchronous=NORMAL: no fsync at commit, still crash-safe in WAL).
// Each is used by one thread at a time, under db_mu_.
struct SqliteInbox::Connections {
  std::unique_ptr<db::SqliteDb> durable;
  std::unique_ptr<db::SqliteDb> fast;
};

// One caller's events waiting for the group commit.
struct SqliteInbox::Batch {
  const std::vector<NewInboxEvent>* events = nullptr;
  int64_t now = 0;
  std::vector<EnqueueResult> results;
  Status status;
  bool done = false;
};

StatusOr<std::unique_ptr<SqliteInbox>> SqliteInbox::Open(const std::string& path,
                                                         const InboxOptions& options,
                                                         std::function<int64_t()> now_ms) {
  auto durable = OpenConnection(path, options, /*synchronous_full=*/true);
  if (!durable.ok()) return durable.status();
  // The schema is created only where missing, so the file may hold other stores' tables too.
  MADOGUCHI_RETURN_IF_ERROR(Checked(path, (*durable)->Exec(kSchema)));
  auto fast = OpenConnection(path, options, /*synchronous_full=*/false);
  if (!fast.ok()) return fast.status();
  if (!now_ms) now_ms = UnixMillis;
  auto connections = std::make_unique<Connections>();
  connections->durable = std::move(durable).value();
  connections->fast = std::move(fast).value();
  std::unique_ptr<SqliteInbox> inbox(
      new SqliteInbox(std::move(connections), options, std::move(now_ms)));
  // The previous owner of the file is gone: its claims are ready again now. A claim that was
  // its last attempt is dead-lettered, so an event that crashes the process cannot loop.
  const int64_t now = inbox->now_ms_();
  MADOGUCHI_RETURN_IF_ERROR(
      Checked("release claims",
              Run(*inbox->db_->fast,
                  "UPDATE inbox SET state = CASE WHEN attempts >= ?1 THEN 3 ELSE 0 END, "
                  "available_at = ?2, finished_at = CASE WHEN attempts >= ?1 THEN ?2 ELSE 0 END, "
                  "last_error = CASE WHEN attempts >= ?1 THEN 'claimed at shutdown on the last "
                  "attempt' ELSE last_error END WHERE state = 1",
                  [&](db::Statement& s) {
                    s.Bind(1, static_cast<int64_t>(options.max_attempts)).Bind(2, now);
                  })));
  MADOGUCHI_RETURN_IF_ERROR(inbox->PurgeLocked(now));
  return inbox;
}

SqliteInbox::SqliteInbox(std::unique_ptr<Connections> db, const InboxOptions& options,
                         std::function<int64_t()> now_ms)
    : db_(std::move(db)), options_(options), now_ms_(std::move(now_ms)) {}

SqliteInbox::~SqliteInbox() = default;

StatusOr<EnqueueResult> SqliteInbox::Enqueue(const NewInboxEvent& event) {
  auto results = EnqueueAll({event});
  if (!results.ok()) return results.status();
  return results->front();
}

StatusOr<std::vector<EnqueueResult>> SqliteInbox::EnqueueAll(
    const std::vector<NewInboxEvent>& events) {
  for (const NewInboxEvent& e : events) {
    if (e.channel.empty() || e.event_id.empty()) {
      return InvalidArgument("inbox event without a channel or an event id");
    }
  }
  if (events.empty()) return std::vector<EnqueueResult>();
  Batch mine;
  mine.events = &events;
  mine.now = now_ms_();
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(&mine);
  // Whoever finds no commit in progress commits everything queued, its own batch included;
  // the others wait for it. While one fsync runs the next group gathers.
  while (!mine.done) {
    if (committing_) {
      queue_cv_.wait(lock);
      continue;
    }
    committing_ = true;
    std::vector<Batch*> group(queue_.begin(), queue_.end());
    queue_.clear();
    lock.unlock();
    CommitBatch(group);
    lock.lock();
    for (Batch* b : group) b->done = true;
    committing_ = false;
    queue_cv_.notify_all();
  }
  if (!mine.status.ok()) return mine.status;
  return std::move(mine.results);
}

void SqliteInbox::CommitBatch(const std::vector<Batch*>& group) {
  std::lock_guard<std::mutex> lock(db_mu_);
  db::SqliteDb& db = *db_->durable;
  // One transaction for the whole group; an early return rolls it back, so a failure stores
  // none of the group's events and every caller hears of it.
  auto insert_all = [&]() -> Status {
    db::Transaction txn(db);
    MADOGUCHI_RETURN_IF_ERROR(txn.Begin(db::Transaction::Kind::kWrite));
    for (Batch* b : group) {
      for (const NewInboxEvent& e : *b->events) {
        const int64_t received = e.received_at_ms ? e.received_at_ms : b->now;
        MADOGUCHI_RETURN_IF_ERROR(
            Run(db,
                "INSERT INTO inbox (channel, event_id, ordering_key, payload, received_at, "
                "state, available_at) VALUES (?, ?, ?, ?, ?, 0, ?) "
                "ON CONFLICT (channel, event_id) DO NOTHING",
                [&](db::Statement& s) {
                  s.Bind(1, e.channel).Bind(2, e.event_id).Bind(3, e.ordering_key);
                  s.Bind(4, e.payload).Bind(5, received).Bind(6, b->now);
                }));
        b->results.push_back(db.Changes() > 0 ? EnqueueResult::kEnqueued
                                              : EnqueueResult::kDuplicate);
      }
    }
    return txn.Commit();
  };
  Status s = insert_all();
  if (s.ok()) return;
  for (Batch* b : group) {
    b->status = Checked("enqueue", s);
    b->results.clear();
  }
}

StatusOr<std::vector<InboxEvent>> SqliteInbox::Claim(size_t max, std::string_view channel) {
  std::vector<InboxEvent> out;
  if (max == 0) return out;
  std::lock_guard<std::mutex> lock(db_mu_);
  db::SqliteDb& db = *db_->fast;
  const int64_t now = now_ms_();
  if (now - last_purge_ms_ >= kPurgeEveryMs) MADOGUCHI_RETURN_IF_ERROR(PurgeLocked(now));
  // A lease that ran out on the last attempt: the worker crashed or hung on it every time.
  MADOGUCHI_RETURN_IF_ERROR(Checked(
      "claim", Run(db,
                   "UPDATE inbox SET state = 3, finished_at = ?1, last_error = 'lease expired on "
                   "the last attempt' WHERE state = 1 AND available_at <= ?1 AND attempts >= ?2",
                   [&](db::Statement& s) {
                     s.Bind(1, now).Bind(2, static_cast<int64_t>(options_.max_attempts));
                   })));
  // One statement picks and leases, so two workers can never take the same event. An event
  // waits while an earlier open event has its ordering key (even one waiting for a retry).
  static constexpr const char* kClaimAny =
      "UPDATE inbox SET state = 1, attempts = attempts + 1, available_at = ?2 WHERE id IN ("
      " SELECT a.id FROM inbox a WHERE a.state < 2 AND a.available_at <= ?1 AND a.attempts < ?3"
      " AND (a.ordering_key = '' OR NOT EXISTS (SELECT 1 FROM inbox b WHERE b.state < 2"
      "  AND b.ordering_key = a.ordering_key AND b.id < a.id))"
      " ORDER BY a.id LIMIT ?4) "
      "RETURNING id, channel, event_id, ordering_key, payload, checkpoint, received_at, attempts";
  static constexpr const char* kClaimChannel =
      "UPDATE inbox SET state = 1, attempts = attempts + 1, available_at = ?2 WHERE id IN ("
      " SELECT a.id FROM inbox a WHERE a.state < 2 AND a.channel = ?5 AND a.available_at <= ?1"
      " AND a.attempts < ?3"
      " AND (a.ordering_key = '' OR NOT EXISTS (SELECT 1 FROM inbox b WHERE b.state < 2"
      "  AND b.ordering_key = a.ordering_key AND b.id < a.id))"
      " ORDER BY a.id LIMIT ?4) "
      "RETURNING id, channel, event_id, ordering_key, payload, checkpoint, received_at, attempts";
  StatusOr<db::Statement> claim = db.Prepare(channel.empty() ? kClaimAny : kClaimChannel);
  if (!claim.ok()) return Checked("claim", claim.status());
  claim->Bind(1, now).Bind(2, now + options_.lease.count());
  claim->Bind(3, static_cast<int64_t>(options_.max_attempts)).Bind(4, static_cast<int64_t>(max));
  if (!channel.empty()) claim->Bind(5, channel);
  for (;;) {
    StatusOr<bool> row = claim->Step();
    if (!row.ok()) return Checked("claim", row.status());
    if (!*row) break;
    InboxEvent e;
    e.id = claim->Int(0);
    e.channel = claim->Text(1);
    e.event_id = claim->Text(2);
    e.ordering_key = claim->Text(3);
    e.payload = claim->Text(4);
    e.checkpoint = claim->Text(5);
    e.received_at_ms = claim->Int(6);
    e.attempt = static_cast<int>(claim->Int(7));
    out.push_back(std::move(e));
  }
  // RETURNING does not promise an order.
  std::sort(out.begin(), out.end(),
            [](const InboxEvent& a, const InboxEvent& b) { return a.id < b.id; });
  return out;
}

Status SqliteInbox::Checkpoint(const InboxEvent& event, std::string_view checkpoint) {
  std::lock_guard<std::mutex> lock(db_mu_);
  db::SqliteDb& db = *db_->fast;
  MADOGUCHI_RETURN_IF_ERROR(Checked(
      "checkpoint",
      Run(db, "UPDATE inbox SET checkpoint = ? WHERE id = ? AND state = 1 AND attempts = ?",
          [&](db::Statement& s) {
            s.Bind(1, checkpoint).Bind(2, event.id).Bind(3, static_cast<int64_t>(event.attempt));
          })));
  if (db.Changes() == 0) {
    return Status(StatusCode::kFailedPrecondition, "the claim is no longer held", "stale_claim");
  }
  return Status::Ok();
}

Status SqliteInbox::Complete(const InboxEvent& event) {
  std::lock_guard<std::mutex> lock(db_mu_);
  db::SqliteDb& db = *db_->fast;
  // The payload and checkpoint may hold what a member wrote: not kept once done.
  MADOGUCHI_RETURN_IF_ERROR(
      Checked("complete", Run(db,
                              "UPDATE inbox SET state = 2, finished_at = ?, payload = '', "
                              "checkpoint = '' WHERE id = ? AND state < 2",
                              [&](db::Statement& s) { s.Bind(1, now_ms_()).Bind(2, event.id); })));
  ScrubWalWhenDrained(db);
  return Status::Ok();
}

StatusOr<FailOutcome> SqliteInbox::Fail(const InboxEvent& event,
                                        std::chrono::milliseconds retry_after,
                                        std::string_view error) {
  std::lock_guard<std::mutex> lock(db_mu_);
  db::SqliteDb& db = *db_->fast;
  StatusOr<db::Statement> q = db.Prepare(
      "UPDATE inbox SET state = CASE WHEN attempts >= ?1 THEN 3 ELSE 0 END, "
      "finished_at = CASE WHEN attempts >= ?1 THEN ?2 ELSE 0 END, available_at = ?3, "
      "last_error = ?4 WHERE id = ?5 AND state = 1 AND attempts = ?6 RETURNING state");
  if (!q.ok()) return Checked("fail", q.status());
  const int64_t now = now_ms_();
  q->Bind(1, static_cast<int64_t>(options_.max_attempts)).Bind(2, now);
  q->Bind(3, now + std::max<int64_t>(0, retry_after.count())).Bind(4, error);
  q->Bind(5, event.id).Bind(6, static_cast<int64_t>(event.attempt));
  StatusOr<bool> row = q->Step();
  if (!row.ok()) return Checked("fail", row.status());
  if (!*row) return FailOutcome::kStale;
  const FailOutcome outcome =
      q->Int(0) == kDead ? FailOutcome::kDeadLettered : FailOutcome::kRetryScheduled;
  MADOGUCHI_RETURN_IF_ERROR(Checked("fail", q->Run()));  // to its end: one row at most
  return outcome;
}

StatusOr<int64_t> SqliteInbox::Depth(std::string_view channel) {
  std::lock_guard<std::mutex> lock(db_mu_);
  return CountLocked(channel.empty() ? "SELECT count(*) FROM inbox WHERE state < 2"
                                     : "SELECT count(*) FROM inbox WHERE state < 2 AND channel = ?",
                     channel, "depth");
}

StatusOr<int64_t> SqliteInbox::DeadLettered(std::string_view channel) {
  std::lock_guard<std::mutex> lock(db_mu_);
  return CountLocked(channel.empty() ? "SELECT count(*) FROM inbox WHERE state = 3"
                                     : "SELECT count(*) FROM inbox WHERE state = 3 AND channel = ?",
                     channel, "dead letters");
}

StatusOr<int64_t> SqliteInbox::CountLocked(const char* sql, std::string_view channel,
                                           std::string_view what) {
  StatusOr<db::Statement> q = db_->fast->Prepare(sql);
  if (!q.ok()) return Checked(what, q.status());
  if (!channel.empty()) q->Bind(1, channel);
  StatusOr<bool> row = q->Step();
  if (!row.ok()) return Checked(what, row.status());
  if (!*row) return Unavailable(std::string(what) + ": count(*) returned no row");
  return q->Int(0);
}

Status SqliteInbox::CheckWritable() {
  std::lock_guard<std::mutex> lock(db_mu_);
  // The count changes the row every time: SQLite skips writing a page whose bytes would not
  // change, and a check that writes nothing proves nothing.
  return Checked("heartbeat",
                 Run(*db_->fast,
                     "INSERT INTO inbox_heartbeat (id, checked_at, checks) VALUES (1, ?, 1) "
                     "ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at, "
                     "checks = checks + 1",
                     [&](db::Statement& s) { s.Bind(1, now_ms_()); }));
}

Status SqliteInbox::Purge() {
  std::lock_guard<std::mutex> lock(db_mu_);
  return PurgeLocked(now_ms_());
}

Status SqliteInbox::PurgeLocked(int64_t now) {
  const int64_t cutoff =
      now - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
  MADOGUCHI_RETURN_IF_ERROR(
      Checked("purge", Run(*db_->fast, "DELETE FROM inbox WHERE state >= 2 AND finished_at < ?",
                           [&](db::Statement& s) { s.Bind(1, cutoff); })));
  last_purge_ms_ = now;
  return Status::Ok();
}

}  // namespace madoguchi::store
