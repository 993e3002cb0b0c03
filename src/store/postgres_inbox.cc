#include "store/postgres_inbox.h"

#include <algorithm>
#include <string>
#include <utility>

#include "base/date.h"

namespace madoguchi::store {

namespace {

using db::Isolation;
using db::PgConnection;
using db::PgParams;
using db::PgResult;

// Row states, as in the SQLite file: 0 pending, 1 claimed, 2 done, 3 dead. Pending and claimed
// rows are "open" (state < 2); the partial indexes rely on that.
//
//   ready_at      a pending event is claimable from then on (enqueue time, or after a retry
//                 delay)
//   lease_until   a claimed event belongs to its worker until then; after it, it is claimable
//                 again (or dead, on its last attempt)
//
// inbox_events_open walks a channel's open events in id order, the order a claim wants;
// inbox_events_order finds a key's older open events; inbox_events_leased finds the leases
// that ran out.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE inbox_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL,
  event_id text NOT NULL,
  ordering_key text NOT NULL,
  payload text NOT NULL,
  checkpoint text NOT NULL DEFAULT '',
  received_at bigint NOT NULL,
  state smallint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  ready_at bigint NOT NULL,
  lease_until bigint NOT NULL DEFAULT 0,
  finished_at bigint NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  CONSTRAINT inbox_events_dedupe UNIQUE (channel, event_id));
CREATE INDEX inbox_events_open ON inbox_events (channel, id) WHERE state < 2;
CREATE INDEX inbox_events_order ON inbox_events (ordering_key, id) WHERE state < 2;
CREATE INDEX inbox_events_leased ON inbox_events (lease_until) WHERE state = 1;
CREATE INDEX inbox_events_finished ON inbox_events (finished_at) WHERE state >= 2;
CREATE TABLE inbox_heartbeat (
  id integer PRIMARY KEY CHECK (id = 1),
  checked_at bigint NOT NULL,
  checks bigint NOT NULL);
)sql";

constexpr int64_t kPurgeEveryMs = 3600 * 1000;
// Rows one purge statement deletes at most, so a large backlog of expired ids is deleted in
// statements that each stay well inside statement_timeout.
constexpr int kPurgeBatch = 5000;

// Enqueues of one ordering key take this advisory lock (the two-key form, in a space of its
// own: pg_advisory_xact_lock(hashtext('madoguchi_inbox'), hashtext(key))) before their ids are
// drawn. Without it two replicas enqueueing for one conversation could commit ids out of order,
// and a claimer could hand out the newer event while the older one was still invisible to it.
// The keys' locks are taken in hash order, so two batches cannot wait for each other in a
// cycle (a deadlock would still only cost a retry: the transaction runs again).
constexpr std::string_view kLockKeys =
    "SELECT count(pg_advisory_xact_lock(hashtext('madoguchi_inbox'), h)) FROM ("
    "SELECT DISTINCT hashtext(k) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS keys";

constexpr std::string_view kInsert =
    "INSERT INTO inbox_events (channel, event_id, ordering_key, payload, received_at, state, "
    "ready_at) VALUES ($1, $2, $3, $4, $5, 0, $6) "
    "ON CONFLICT (channel, event_id) DO NOTHING RETURNING id";

// Leases that ran out on the last attempt: the worker crashed or hung on it every time.
constexpr std::string_view kDeadLetterExpired =
    "UPDATE inbox_events SET state = 3, finished_at = $1, "
    "last_error = 'lease expired on the last attempt' "
    "WHERE state = 1 AND lease_until <= $1 AND attempts >= $2";

// One statement picks and leases. SKIP LOCKED passes over rows another claimer is taking right
// now; a row another claimer has just taken is re-checked against its new version (FOR UPDATE
// in READ COMMITTED) and dropped, being no longer ready. An event waits while an older open
// event has its ordering key (even one waiting for a retry); being finished never reverts, so a
// claimer's snapshot can at worst think a key's head is still open, never the reverse.
// `channel_condition` narrows the pick to one channel ($5) or is empty. Built once per form.
std::string ClaimSql(std::string_view channel_condition) {
  return std::string(
             "WITH picked AS ("
             " SELECT a.id FROM inbox_events a WHERE a.state < 2") +
         std::string(channel_condition) +
         " AND ((a.state = 0 AND a.ready_at <= $1) OR (a.state = 1 AND a.lease_until <= $1))"
         " AND a.attempts < $3"
         " AND (a.ordering_key = '' OR NOT EXISTS (SELECT 1 FROM inbox_events b WHERE b.state < 2"
         "  AND b.ordering_key = a.ordering_key AND b.id < a.id))"
         " ORDER BY a.id LIMIT $4 FOR UPDATE OF a SKIP LOCKED) "
         "UPDATE inbox_events e SET state = 1, attempts = e.attempts + 1, lease_until = $2 "
         "FROM picked WHERE e.id = picked.id "
         "RETURNING e.id, e.channel, e.event_id, e.ordering_key, e.payload, e.checkpoint, "
         "e.received_at, e.attempts";
}
const std::string& ClaimStatement(bool one_channel) {
  static const std::string any = ClaimSql("");
  static const std::string one = ClaimSql(" AND a.channel = $5");
  return one_channel ? one : any;
}

// count(*) of the events `where` says, of `channel` or (empty) of all.
StatusOr<int64_t> CountEvents(db::PgPool& pool, std::string_view where, std::string_view channel) {
  int64_t n = 0;
  const std::string sql = "SELECT count(*) FROM inbox_events WHERE " + std::string(where);
  MADOGUCHI_RETURN_IF_ERROR(pool.Run([&](PgConnection& conn) -> Status {
    auto r = channel.empty() ? conn.Exec(sql)
                             : conn.Exec(sql + " AND channel = $1", {std::string(channel)});
    if (!r.ok()) return r.status();
    n = r->Int(0, 0);
    return Status::Ok();
  }));
  return n;
}

std::string Num(int64_t v) { return std::to_string(v); }

// A text[] literal for `values`: every element quoted, so any key travels unchanged.
std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

// What the interface promises a caller of a failed write: Unavailable, with the reason.
Status AsUnavailable(const Status& s, std::string_view what) {
  if (s.ok() || s.code() == StatusCode::kUnavailable) return s;
  return Unavailable("inbox " + std::string(what) + ": " + s.message());
}

}  // namespace

StatusOr<std::unique_ptr<PostgresInbox>> PostgresInbox::Open(std::shared_ptr<db::PgPool> pool,
                                                             const InboxOptions& options,
                                                             std::function<int64_t()> now_ms) {
  if (pool == nullptr) return InvalidArgument("inbox: no PostgreSQL pool");
  MADOGUCHI_RETURN_IF_ERROR(db::Migrate(*pool, "inbox", {kSchemaV1}));
  if (!now_ms) now_ms = UnixMillis;
  std::unique_ptr<PostgresInbox> inbox(
      new PostgresInbox(std::move(pool), options, std::move(now_ms)));
  // No claims are released here: other replicas hold them and are alive.
  MADOGUCHI_RETURN_IF_ERROR(inbox->PurgeAt(inbox->now_ms_()));
  return inbox;
}

StatusOr<std::unique_ptr<PostgresInbox>> PostgresInbox::Open(const db::PostgresOptions& postgres,
                                                             const InboxOptions& options,
                                                             std::function<int64_t()> now_ms) {
  StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(postgres);
  if (!pool.ok()) return pool.status();
  return Open(std::shared_ptr<db::PgPool>(std::move(pool).value()), options, std::move(now_ms));
}

PostgresInbox::PostgresInbox(std::shared_ptr<db::PgPool> pool, const InboxOptions& options,
                             std::function<int64_t()> now_ms)
    : pool_(std::move(pool)), options_(options), now_ms_(std::move(now_ms)) {}

PostgresInbox::~PostgresInbox() = default;

StatusOr<EnqueueResult> PostgresInbox::Enqueue(const NewInboxEvent& event) {
  auto results = EnqueueAll({event});
  if (!results.ok()) return results.status();
  return results->front();
}

StatusOr<std::vector<EnqueueResult>> PostgresInbox::EnqueueAll(
    const std::vector<NewInboxEvent>& events) {
  std::vector<std::string> keys;
  for (const NewInboxEvent& e : events) {
    if (e.channel.empty() || e.event_id.empty()) {
      return InvalidArgument("inbox event without a channel or an event id");
    }
    if (!e.ordering_key.empty()) keys.push_back(e.ordering_key);
  }
  std::vector<EnqueueResult> results;
  if (events.empty()) return results;
  const int64_t now = now_ms_();
  Status s = pool_->Transaction(Isolation::kReadCommitted, [&](PgConnection& conn) -> Status {
    results.clear();  // a retried transaction starts over
    // The promise behind the webhook's 200: on the server's disk before COMMIT returns, even
    // where the server or the role defaults to asynchronous commit.
    MADOGUCHI_RETURN_IF_ERROR(conn.ExecScript("SET LOCAL synchronous_commit = on"));
    if (!keys.empty()) {
      auto locked = conn.Exec(kLockKeys, {TextArray(keys)});
      if (!locked.ok()) return locked.status();
    }
    for (const NewInboxEvent& e : events) {
      const int64_t received = e.received_at_ms ? e.received_at_ms : now;
      auto inserted = conn.Exec(
          kInsert, {e.channel, e.event_id, e.ordering_key, e.payload, Num(received), Num(now)});
      if (!inserted.ok()) return inserted.status();
      results.push_back(inserted->rows() > 0 ? EnqueueResult::kEnqueued
                                             : EnqueueResult::kDuplicate);
    }
    return Status::Ok();
  });
  if (!s.ok()) return AsUnavailable(s, "enqueue");
  return results;
}

StatusOr<std::vector<InboxEvent>> PostgresInbox::Claim(size_t max, std::string_view channel) {
  std::vector<InboxEvent> out;
  if (max == 0) return out;
  const int64_t now = now_ms_();
  if (now - last_purge_ms_.load() >= kPurgeEveryMs) MADOGUCHI_RETURN_IF_ERROR(PurgeAt(now));
  Status s = pool_->Run([&](PgConnection& conn) -> Status {
    out.clear();
    auto dead = conn.Exec(kDeadLetterExpired, {Num(now), Num(options_.max_attempts)});
    if (!dead.ok()) return dead.status();
    PgParams params = {Num(now), Num(now + options_.lease.count()), Num(options_.max_attempts),
                       Num(static_cast<int64_t>(max))};
    if (!channel.empty()) params.emplace_back(std::string(channel));
    auto claimed = conn.Exec(ClaimStatement(!channel.empty()), params);
    if (!claimed.ok()) return claimed.status();
    for (int r = 0; r < claimed->rows(); ++r) {
      InboxEvent e;
      e.id = claimed->Int(r, 0);
      e.channel = claimed->Text(r, 1);
      e.event_id = claimed->Text(r, 2);
      e.ordering_key = claimed->Text(r, 3);
      e.payload = claimed->Text(r, 4);
      e.checkpoint = claimed->Text(r, 5);
      e.received_at_ms = claimed->Int(r, 6);
      e.attempt = static_cast<int>(claimed->Int(r, 7));
      out.push_back(std::move(e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  // RETURNING does not promise an order.
  std::sort(out.begin(), out.end(),
            [](const InboxEvent& a, const InboxEvent& b) { return a.id < b.id; });
  return out;
}

Status PostgresInbox::Checkpoint(const InboxEvent& event, std::string_view checkpoint) {
  int64_t changed = 0;
  MADOGUCHI_RETURN_IF_ERROR(pool_->Run([&](PgConnection& conn) -> Status {
    auto r = conn.Exec(
        "UPDATE inbox_events SET checkpoint = $1 WHERE id = $2 AND state = 1 AND attempts = $3",
        {std::string(checkpoint), Num(event.id), Num(event.attempt)});
    if (!r.ok()) return r.status();
    changed = r->affected();
    return Status::Ok();
  }));
  if (changed == 0) {
    return Status(StatusCode::kFailedPrecondition, "the claim is no longer held", "stale_claim");
  }
  return Status::Ok();
}

Status PostgresInbox::Complete(const InboxEvent& event) {
  const int64_t now = now_ms_();
  return pool_->Run([&](PgConnection& conn) -> Status {
    // The payload and checkpoint may hold what a member wrote: not kept once done.
    return conn
        .Exec(
            "UPDATE inbox_events SET state = 2, finished_at = $1, payload = '', "
            "checkpoint = '' WHERE id = $2 AND state < 2",
            {Num(now), Num(event.id)})
        .status();
  });
}

StatusOr<FailOutcome> PostgresInbox::Fail(const InboxEvent& event,
                                          std::chrono::milliseconds retry_after,
                                          std::string_view error) {
  const int64_t now = now_ms_();
  FailOutcome outcome = FailOutcome::kStale;
  MADOGUCHI_RETURN_IF_ERROR(pool_->Run([&](PgConnection& conn) -> Status {
    auto r = conn.Exec(
        "UPDATE inbox_events SET state = CASE WHEN attempts >= $1 THEN 3 ELSE 0 END, "
        "finished_at = CASE WHEN attempts >= $1 THEN $2::bigint ELSE 0 END, ready_at = $3, "
        "lease_until = 0, last_error = $4 WHERE id = $5 AND state = 1 AND attempts = $6 "
        "RETURNING state",
        {Num(options_.max_attempts), Num(now), Num(now + std::max<int64_t>(0, retry_after.count())),
         std::string(error), Num(event.id), Num(event.attempt)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) {
      outcome = FailOutcome::kStale;
    } else {
      outcome = r->Int(0, 0) == 3 ? FailOutcome::kDeadLettered : FailOutcome::kRetryScheduled;
    }
    return Status::Ok();
  }));
  return outcome;
}

StatusOr<int64_t> PostgresInbox::Depth(std::string_view channel) {
  return CountEvents(*pool_, "state < 2", channel);
}

StatusOr<int64_t> PostgresInbox::DeadLettered(std::string_view channel) {
  return CountEvents(*pool_, "state = 3", channel);
}

Status PostgresInbox::CheckWritable() {
  const int64_t now = now_ms_();
  Status s = pool_->Run([&](PgConnection& conn) -> Status {
    // A real write, committed: a read-only server (a standby after a failover) or one out of
    // disk fails here, where a ping would pass.
    return conn
        .Exec(
            "INSERT INTO inbox_heartbeat (id, checked_at, checks) VALUES (1, $1, 1) "
            "ON CONFLICT (id) DO UPDATE SET checked_at = EXCLUDED.checked_at, "
            "checks = inbox_heartbeat.checks + 1",
            {Num(now)})
        .status();
  });
  return AsUnavailable(s, "heartbeat");
}

Status PostgresInbox::Purge() { return PurgeAt(now_ms_()); }

Status PostgresInbox::PurgeAt(int64_t now) {
  const int64_t before =
      now - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
  // Several replicas may purge at once; each deletes what is still there.
  while (true) {
    int64_t deleted = 0;
    MADOGUCHI_RETURN_IF_ERROR(pool_->Run([&](PgConnection& conn) -> Status {
      auto r = conn.Exec(
          "DELETE FROM inbox_events WHERE id IN (SELECT id FROM inbox_events "
          "WHERE state >= 2 AND finished_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
          {Num(before), Num(kPurgeBatch)});
      if (!r.ok()) return r.status();
      deleted = r->affected();
      return Status::Ok();
    }));
    if (deleted < kPurgeBatch) break;
  }
  last_purge_ms_.store(now);
  return Status::Ok();
}

}  // namespace madoguchi::store
