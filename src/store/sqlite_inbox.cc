#include "store/sqlite_inbox.h"

#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "base/date.h"
#include "base/private_files.h"

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

// One connection with its prepared statements, which are reused: preparing costs more than
// running these small statements.
class Db {
 public:
  explicit Db(sqlite3* db) : db_(db) {}
  ~Db() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  sqlite3_stmt* Prepare(const char* sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return nullptr;
    }
    cache_.emplace(sql, stmt);
    return stmt;
  }
  Status Error(std::string_view what) const {
    return Unavailable(std::string(what) + ": " + sqlite3_errmsg(db_));
  }
  Status Exec(const char* sql, std::string_view what) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = std::string(what) + ": " + (err ? err : "failed");
      sqlite3_free(err);
      return Unavailable(std::move(msg));
    }
    return Status::Ok();
  }

 private:
  sqlite3* db_;                                           // owned
  std::unordered_map<const char*, sqlite3_stmt*> cache_;  // keyed by the SQL literal's address
};

// A cached statement in use; reset and unbound when it goes out of scope.
class Query {
 public:
  Query(Db& db, const char* sql) : stmt_(db.Prepare(sql)) {}
  ~Query() {
    if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Query& Bind(int i, std::string_view v) {
    // An empty view may have no data pointer, which SQLite would store as NULL.
    sqlite3_bind_text(stmt_, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()),
                      SQLITE_TRANSIENT);
    return *this;
  }
  Query& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  std::string Text(int c) {
    const unsigned char* t = sqlite3_column_text(stmt_, c);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string();
  }
  int64_t Int(int c) { return sqlite3_column_int64(stmt_, c); }

 private:
  sqlite3_stmt* stmt_;
};

// The WAL still holds every page image since the last checkpoint, payloads included, after
// Complete has cleared them from the table. Once no event waits or runs, the WAL is copied into
// the file (where secure_delete left the cleared payloads zeroed) and truncated to nothing.
// While events wait it is left alone: a checkpoint costs an fsync, and the queue draining
// brings one soon; SQLite's own checkpoints meanwhile recycle the WAL from its start. Best
// effort: a failed checkpoint only leaves the WAL for the next.
void ScrubWalWhenDrained(Db& db) {
  {  // reset before the checkpoint: an open statement's read lock would stop the truncation
    Query open(db, "SELECT EXISTS (SELECT 1 FROM inbox WHERE state < 2)");
    if (!open.ok() || open.Step() != SQLITE_ROW || open.Int(0) != 0) return;
  }
  sqlite3_wal_checkpoint_v2(db.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

StatusOr<sqlite3*> OpenConnection(const std::string& path, const InboxOptions& options,
                                  const char* synchronous) {
  // The payloads are what members wrote: the file and its -wal and -shm are the service's only.
  MADOGUCHI_RETURN_IF_ERROR(MakePrivateDatabaseFile(path));
  sqlite3* db = nullptr;
  // Our own mutex serializes every use of both connections.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Unavailable(path + ": " + msg);
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // secure_delete: a cleared payload is overwritten in its page, not left in its free space.
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA secure_delete=ON; ") +
                      "PRAGMA synchronous=" + synchronous + ";" + kSchema;
  char* err = nullptr;
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "schema";
    sqlite3_free(err);
    sqlite3_close(db);
    return Unavailable(path + ": " + msg);
  }
  return db;
}

}  // namespace

// Enqueue writes through `durable` (synchronous=FULL: fsync at every commit); the workers'
// bookkeeping through `fast` (synchronous=NORMAL: no fsync at commit, still crash-safe in WAL).
struct SqliteInbox::Connections {
  Connections(sqlite3* d, sqlite3* f) : durable(d), fast(f) {}
  Db durable;
  Db fast;
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
  auto durable = OpenConnection(path, options, "FULL");
  if (!durable.ok()) return durable.status();
  auto fast = OpenConnection(path, options, "NORMAL");
  if (!fast.ok()) {
    sqlite3_close(*durable);
    return fast.status();
  }
  if (!now_ms) now_ms = UnixMillis;
  std::unique_ptr<SqliteInbox> inbox(
      new SqliteInbox(std::make_unique<Connections>(*durable, *fast), options, std::move(now_ms)));
  // The previous owner of the file is gone: its claims are ready again now. A claim that was
  // its last attempt is dead-lettered, so an event that crashes the process cannot loop.
  Db& db = inbox->db_->fast;
  int64_t now = inbox->now_ms_();
  Query release(db,
                "UPDATE inbox SET state = CASE WHEN attempts >= ?1 THEN 3 ELSE 0 END, "
                "available_at = ?2, finished_at = CASE WHEN attempts >= ?1 THEN ?2 ELSE 0 END, "
                "last_error = CASE WHEN attempts >= ?1 THEN 'claimed at shutdown on the last "
                "attempt' ELSE last_error END WHERE state = 1");
  if (!release.ok()) return db.Error("release claims");
  release.Bind(1, static_cast<int64_t>(options.max_attempts)).Bind(2, now);
  if (release.Step() != SQLITE_DONE) return db.Error("release claims");
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
  Db& db = db_->durable;
  auto fail_all = [&](const Status& s) {
    for (Batch* b : group) {
      b->status = s;
      b->results.clear();
    }
  };
  Status begin = db.Exec("BEGIN IMMEDIATE", "enqueue");
  if (!begin.ok()) return fail_all(begin);
  for (Batch* b : group) {
    for (const NewInboxEvent& e : *b->events) {
      Query insert(db,
                   "INSERT INTO inbox (channel, event_id, ordering_key, payload, received_at, "
                   "state, available_at) VALUES (?, ?, ?, ?, ?, 0, ?) "
                   "ON CONFLICT (channel, event_id) DO NOTHING");
      if (!insert.ok()) {
        Status s = db.Error("enqueue");
        db.Exec("ROLLBACK", "enqueue");
        return fail_all(s);
      }
      int64_t received = e.received_at_ms ? e.received_at_ms : b->now;
      insert.Bind(1, e.channel).Bind(2, e.event_id).Bind(3, e.ordering_key).Bind(4, e.payload);
      insert.Bind(5, received).Bind(6, b->now);
      if (insert.Step() != SQLITE_DONE) {
        Status s = db.Error("enqueue");
        db.Exec("ROLLBACK", "enqueue");
        return fail_all(s);
      }
      b->results.push_back(sqlite3_changes(db.get()) > 0 ? EnqueueResult::kEnqueued
                                                         : EnqueueResult::kDuplicate);
    }
  }
  Status commit = db.Exec("COMMIT", "enqueue");
  if (!commit.ok()) {
    db.Exec("ROLLBACK", "enqueue");
    fail_all(commit);
  }
}

StatusOr<std::vector<InboxEvent>> SqliteInbox::Claim(size_t max, std::string_view channel) {
  std::vector<InboxEvent> out;
  if (max == 0) return out;
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  int64_t now = now_ms_();
  if (now - last_purge_ms_ >= kPurgeEveryMs) MADOGUCHI_RETURN_IF_ERROR(PurgeLocked(now));
  {
    // A lease that ran out on the last attempt: the worker crashed or hung on it every time.
    Query dead(db,
               "UPDATE inbox SET state = 3, finished_at = ?1, last_error = 'lease expired on the "
               "last attempt' WHERE state = 1 AND available_at <= ?1 AND attempts >= ?2");
    if (!dead.ok()) return db.Error("claim");
    dead.Bind(1, now).Bind(2, static_cast<int64_t>(options_.max_attempts));
    if (dead.Step() != SQLITE_DONE) return db.Error("claim");
  }
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
  Query claim(db, channel.empty() ? kClaimAny : kClaimChannel);
  if (!claim.ok()) return db.Error("claim");
  claim.Bind(1, now).Bind(2, now + options_.lease.count());
  claim.Bind(3, static_cast<int64_t>(options_.max_attempts)).Bind(4, static_cast<int64_t>(max));
  if (!channel.empty()) claim.Bind(5, channel);
  int rc;
  while ((rc = claim.Step()) == SQLITE_ROW) {
    InboxEvent e;
    e.id = claim.Int(0);
    e.channel = claim.Text(1);
    e.event_id = claim.Text(2);
    e.ordering_key = claim.Text(3);
    e.payload = claim.Text(4);
    e.checkpoint = claim.Text(5);
    e.received_at_ms = claim.Int(6);
    e.attempt = static_cast<int>(claim.Int(7));
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return db.Error("claim");
  // RETURNING does not promise an order.
  std::sort(out.begin(), out.end(),
            [](const InboxEvent& a, const InboxEvent& b) { return a.id < b.id; });
  return out;
}

Status SqliteInbox::Checkpoint(const InboxEvent& event, std::string_view checkpoint) {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  Query q(db, "UPDATE inbox SET checkpoint = ? WHERE id = ? AND state = 1 AND attempts = ?");
  if (!q.ok()) return db.Error("checkpoint");
  q.Bind(1, checkpoint).Bind(2, event.id).Bind(3, static_cast<int64_t>(event.attempt));
  if (q.Step() != SQLITE_DONE) return db.Error("checkpoint");
  if (sqlite3_changes(db.get()) == 0) {
    return Status(StatusCode::kFailedPrecondition, "the claim is no longer held", "stale_claim");
  }
  return Status::Ok();
}

Status SqliteInbox::Complete(const InboxEvent& event) {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  // The payload and checkpoint may hold what a member wrote: not kept once done.
  Query q(db,
          "UPDATE inbox SET state = 2, finished_at = ?, payload = '', checkpoint = '' "
          "WHERE id = ? AND state < 2");
  if (!q.ok()) return db.Error("complete");
  q.Bind(1, now_ms_()).Bind(2, event.id);
  if (q.Step() != SQLITE_DONE) return db.Error("complete");
  ScrubWalWhenDrained(db);
  return Status::Ok();
}

StatusOr<FailOutcome> SqliteInbox::Fail(const InboxEvent& event,
                                        std::chrono::milliseconds retry_after,
                                        std::string_view error) {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  Query q(db,
          "UPDATE inbox SET state = CASE WHEN attempts >= ?1 THEN 3 ELSE 0 END, "
          "finished_at = CASE WHEN attempts >= ?1 THEN ?2 ELSE 0 END, available_at = ?3, "
          "last_error = ?4 WHERE id = ?5 AND state = 1 AND attempts = ?6 RETURNING state");
  if (!q.ok()) return db.Error("fail");
  int64_t now = now_ms_();
  q.Bind(1, static_cast<int64_t>(options_.max_attempts)).Bind(2, now);
  q.Bind(3, now + std::max<int64_t>(0, retry_after.count())).Bind(4, error);
  q.Bind(5, event.id).Bind(6, static_cast<int64_t>(event.attempt));
  int rc = q.Step();
  if (rc == SQLITE_DONE) return FailOutcome::kStale;
  if (rc != SQLITE_ROW) return db.Error("fail");
  FailOutcome outcome =
      q.Int(0) == kDead ? FailOutcome::kDeadLettered : FailOutcome::kRetryScheduled;
  while (q.Step() == SQLITE_ROW) {
  }
  return outcome;
}

StatusOr<int64_t> SqliteInbox::Depth(std::string_view channel) {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  Query q(db, channel.empty() ? "SELECT count(*) FROM inbox WHERE state < 2"
                              : "SELECT count(*) FROM inbox WHERE state < 2 AND channel = ?");
  if (!q.ok()) return db.Error("depth");
  if (!channel.empty()) q.Bind(1, channel);
  if (q.Step() != SQLITE_ROW) return db.Error("depth");
  return q.Int(0);
}

StatusOr<int64_t> SqliteInbox::DeadLettered(std::string_view channel) {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  Query q(db, channel.empty() ? "SELECT count(*) FROM inbox WHERE state = 3"
                              : "SELECT count(*) FROM inbox WHERE state = 3 AND channel = ?");
  if (!q.ok()) return db.Error("dead letters");
  if (!channel.empty()) q.Bind(1, channel);
  if (q.Step() != SQLITE_ROW) return db.Error("dead letters");
  return q.Int(0);
}

Status SqliteInbox::CheckWritable() {
  std::lock_guard<std::mutex> lock(db_mu_);
  Db& db = db_->fast;
  // The count changes the row every time: SQLite skips writing a page whose bytes would not
  // change, and a check that writes nothing proves nothing.
  Query q(db,
          "INSERT INTO inbox_heartbeat (id, checked_at, checks) VALUES (1, ?, 1) "
          "ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at, checks = checks + 1");
  if (!q.ok()) return db.Error("heartbeat");
  q.Bind(1, now_ms_());
  if (q.Step() != SQLITE_DONE) return db.Error("heartbeat");
  return Status::Ok();
}

Status SqliteInbox::Purge() {
  std::lock_guard<std::mutex> lock(db_mu_);
  return PurgeLocked(now_ms_());
}

Status SqliteInbox::PurgeLocked(int64_t now) {
  Db& db = db_->fast;
  Query q(db, "DELETE FROM inbox WHERE state >= 2 AND finished_at < ?");
  if (!q.ok()) return db.Error("purge");
  q.Bind(1,
         now - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count());
  if (q.Step() != SQLITE_DONE) return db.Error("purge");
  last_purge_ms_ = now;
  return Status::Ok();
}

}  // namespace madoguchi::store
