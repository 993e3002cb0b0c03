#include "points/postgres_points_core.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "points/errors.h"
#include "points/ledger_store.h"

namespace madoguchi::points {

namespace {

using db::PgConnection;
using db::PgParams;
using db::PgResult;

// Version i + 1 is kMigrations[i]; a release that changes the tables appends, never edits.
// Dates are `date` (read back with to_char, whatever the server's DateStyle); instants are Unix
// seconds. Every change row carries the audit_id of the audit row written in the same
// transaction, which also orders events of the same day in History. Table names carry points_
// so the ledger may share a database with the conversation store.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE points_members (
  member_id           text PRIMARY KEY,
  program             text NOT NULL,
  birth_date          date NOT NULL,
  status              text NOT NULL CHECK (status IN ('active', 'retired', 'voluntary', 'dependent')),
  status_effective_on date,
  eligible_from       date,
  auth_code_hash      text               -- pbkdf2-sha256$iterations$salt$hash; NULL: no code issued
);
-- Member numbers compare case-insensitively (k1005 is K1005): one of each, whatever its case.
CREATE UNIQUE INDEX points_members_by_number_nocase ON points_members (upper(member_id));

CREATE TABLE points_audit (
  audit_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        bigint NOT NULL,              -- Unix seconds
  member_id text,
  action    text NOT NULL,
  detail    text NOT NULL                 -- no auth codes, hashes or birth dates
);
CREATE INDEX points_audit_by_member ON points_audit (member_id);

CREATE TABLE points_lots (
  lot_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id  text NOT NULL REFERENCES points_members (member_id),
  activity   text NOT NULL,
  points     bigint NOT NULL CHECK (points > 0),
  remaining  bigint NOT NULL CHECK (remaining >= 0 AND remaining <= points),
  granted_on date NOT NULL,
  expires_on date,                        -- last usable day; NULL: never lapses
  audit_id   bigint NOT NULL REFERENCES points_audit (audit_id)
);
CREATE INDEX points_lots_by_member ON points_lots (member_id, remaining);

CREATE TABLE points_redemptions (
  redemption_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id     text NOT NULL REFERENCES points_members (member_id),
  item          text NOT NULL,
  points        bigint NOT NULL CHECK (points > 0),
  requested_on  date NOT NULL,
  audit_id      bigint NOT NULL REFERENCES points_audit (audit_id)
);
CREATE INDEX points_redemptions_by_member ON points_redemptions (member_id);

CREATE TABLE points_forfeits (
  forfeit_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id    text NOT NULL REFERENCES points_members (member_id),
  status       text NOT NULL,
  effective_on date NOT NULL,
  points       bigint NOT NULL CHECK (points > 0),
  audit_id     bigint NOT NULL REFERENCES points_audit (audit_id)
);
CREATE INDEX points_forfeits_by_member ON points_forfeits (member_id);

-- Which lots paid for a redemption or lost points to a forfeit: the ledger can be re-added.
CREATE TABLE points_lot_debits (
  lot_id        bigint NOT NULL REFERENCES points_lots (lot_id),
  redemption_id bigint REFERENCES points_redemptions (redemption_id),
  forfeit_id    bigint REFERENCES points_forfeits (forfeit_id),
  points        bigint NOT NULL CHECK (points > 0),
  CHECK ((redemption_id IS NULL) <> (forfeit_id IS NULL))
);
CREATE INDEX points_lot_debits_by_lot ON points_lot_debits (lot_id);

CREATE TABLE points_status_changes (
  change_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  member_id    text NOT NULL REFERENCES points_members (member_id),
  status       text NOT NULL,
  effective_on date NOT NULL,
  audit_id     bigint NOT NULL REFERENCES points_audit (audit_id)
);

CREATE TABLE points_reissue_requests (
  request_id        text PRIMARY KEY,
  member_id         text NOT NULL REFERENCES points_members (member_id),
  delivery          text NOT NULL,
  requested_on      date NOT NULL,
  estimated_arrival date NOT NULL,
  audit_id          bigint NOT NULL REFERENCES points_audit (audit_id)
);
CREATE INDEX points_reissue_by_member ON points_reissue_requests (member_id, requested_on);

-- Every idempotency key a member's client used, and the answer it first got.
CREATE TABLE points_reissue_keys (
  member_id       text NOT NULL REFERENCES points_members (member_id),
  idempotency_key text NOT NULL,
  request_id      text NOT NULL REFERENCES points_reissue_requests (request_id),
  first_repeated  boolean NOT NULL,
  PRIMARY KEY (member_id, idempotency_key)
);

CREATE TABLE points_meta (
  name  text PRIMARY KEY,
  value text NOT NULL
);

-- Failed verifications per member number (known or not, so a row never tells which numbers
-- exist) and per requester, keyed by a salted SHA-256 (GuardKey). A row is dropped once it
-- neither locks nor counts (forget_at, Unix seconds).
CREATE TABLE points_verify_guards (
  guard_key       text PRIMARY KEY,
  failed_attempts bigint NOT NULL,
  window_start    bigint NOT NULL,
  locked_until    bigint NOT NULL,
  forget_at       bigint NOT NULL
);
CREATE INDEX points_verify_guards_by_forget_at ON points_verify_guards (forget_at);
)sql";

// How dates travel: as YYYY-MM-DD text both ways.
std::string DateColumn(std::string_view column) {
  return "to_char(" + std::string(column) + ", 'YYYY-MM-DD')";
}

std::optional<std::string> Param(const std::optional<Date>& d) {
  if (!d) return std::nullopt;
  return FormatIsoDate(*d);
}
std::optional<std::string> Param(const Date& d) { return FormatIsoDate(d); }
std::optional<std::string> Param(int64_t n) { return std::to_string(n); }
std::optional<std::string> Param(std::string_view s) { return std::string(s); }

std::optional<Date> DateOrNull(const PgResult& r, int row, int column) {
  if (r.IsNull(row, column)) return std::nullopt;
  return ParseIsoDate(r.Text(row, column));
}
Date DateAt(const PgResult& r, int row, int column) {
  return DateOrNull(r, row, column).value_or(Date{});
}

// The ledger's rows over one borrowed connection, inside the transaction PgLedgerDatabase runs.
class PgLedgerStore final : public LedgerStore {
 public:
  explicit PgLedgerStore(PgConnection& conn) : conn_(conn) {}

  StatusOr<std::optional<MemberRecord>> FindMember(std::string_view member_id,
                                                   RowLock lock) override {
    // The unique index on upper(member_id) makes this one row at most.
    const std::string sql = "SELECT member_id, program, " + DateColumn("birth_date") +
                            ", status, " + DateColumn("status_effective_on") + ", " +
                            DateColumn("eligible_from") +
                            ", auth_code_hash FROM points_members WHERE upper(member_id) = "
                            "upper($1)" +
                            (lock == RowLock::kForUpdate ? " FOR UPDATE" : "");
    StatusOr<PgResult> r = conn_.Exec(sql, {Param(member_id)});
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<MemberRecord>();
    MemberRecord rec;
    rec.member.member_id = r->Text(0, 0);
    rec.member.program = r->Text(0, 1);
    rec.member.birth_date = DateAt(*r, 0, 2);
    rec.member.status = ParseMemberStatus(r->Text(0, 3)).value_or(MemberStatus::kActive);
    rec.member.status_effective_on = DateOrNull(*r, 0, 4);
    rec.member.eligible_from = DateOrNull(*r, 0, 5);
    rec.auth_code_hash = r->Text(0, 6);
    rec.member.has_auth_code = !rec.auth_code_hash.empty();
    return std::optional<MemberRecord>(std::move(rec));
  }

  Status InsertMember(const NewMember& m, const std::string& auth_code_hash) override {
    return conn_
        .Exec(
            "INSERT INTO points_members (member_id, program, birth_date, status, "
            "status_effective_on, eligible_from, auth_code_hash) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {Param(m.member_id), Param(m.program), Param(m.birth_date),
             Param(MemberStatusName(m.status)), Param(m.status_effective_on),
             Param(m.eligible_from), auth_code_hash.empty() ? std::nullopt : Param(auth_code_hash)})
        .status();
  }

  Status UpdateStatus(std::string_view member_id, MemberStatus status,
                      const Date& effective_on) override {
    return conn_
        .Exec(
            "UPDATE points_members SET status = $2, status_effective_on = $3 "
            "WHERE member_id = $1",
            {Param(member_id), Param(MemberStatusName(status)), Param(effective_on)})
        .status();
  }

  Status LockGuards(std::vector<std::string> keys) override {
    // Always in the same order, so two attempts sharing guards queue instead of deadlocking.
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const std::string& key : keys) {
      StatusOr<PgResult> r = conn_.Exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                                        {Param("madoguchi.points.guard." + key)});
      if (!r.ok()) return r.status();
    }
    return Status::Ok();
  }

  StatusOr<LockState> FindGuard(std::string_view guard_key) override {
    StatusOr<PgResult> r = conn_.Exec(
        "SELECT failed_attempts, window_start, locked_until FROM points_verify_guards "
        "WHERE guard_key = $1",
        {Param(guard_key)});
    if (!r.ok()) return r.status();
    LockState lock;
    if (r->rows() > 0) {
      lock.failed_attempts = r->Int(0, 0);
      lock.window_start = r->Int(0, 1);
      lock.locked_until = r->Int(0, 2);
    }
    return lock;
  }

  Status PutGuard(std::string_view guard_key, const LockState& lock, int64_t forget_at) override {
    return conn_
        .Exec(
            "INSERT INTO points_verify_guards "
            "(guard_key, failed_attempts, window_start, locked_until, forget_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guard_key) DO UPDATE SET "
            "failed_attempts = EXCLUDED.failed_attempts, window_start = EXCLUDED.window_start, "
            "locked_until = EXCLUDED.locked_until, forget_at = EXCLUDED.forget_at",
            {Param(guard_key), Param(lock.failed_attempts), Param(lock.window_start),
             Param(lock.locked_until), Param(forget_at)})
        .status();
  }

  Status ForgetGuards(int64_t now_unix_seconds) override {
    return conn_
        .Exec("DELETE FROM points_verify_guards WHERE forget_at <= $1", {Param(now_unix_seconds)})
        .status();
  }

  StatusOr<std::vector<Lot>> LotsWithPointsLeft(std::string_view member_id) override {
    StatusOr<PgResult> r = conn_.Exec(
        "SELECT lot_id, activity, points, remaining, " + DateColumn("granted_on") + ", " +
            DateColumn("expires_on") + " FROM points_lots WHERE member_id = $1 AND remaining > 0",
        {Param(member_id)});
    if (!r.ok()) return r.status();
    std::vector<Lot> lots;
    for (int i = 0; i < r->rows(); ++i) {
      Lot lot;
      lot.lot_id = r->Int(i, 0);
      lot.activity = r->Text(i, 1);
      lot.points = r->Int(i, 2);
      lot.remaining = r->Int(i, 3);
      lot.granted_on = DateAt(*r, i, 4);
      lot.expires_on = DateOrNull(*r, i, 5);
      lots.push_back(std::move(lot));
    }
    return lots;
  }

  StatusOr<int64_t> PointsGrantedBetween(std::string_view member_id, const Date& from,
                                         const Date& to) override {
    StatusOr<PgResult> r = conn_.Exec(
        "SELECT COALESCE(SUM(points), 0) FROM points_lots "
        "WHERE member_id = $1 AND granted_on >= $2 AND granted_on <= $3",
        {Param(member_id), Param(from), Param(to)});
    if (!r.ok()) return r.status();
    return r->rows() > 0 ? r->Int(0, 0) : int64_t{0};
  }

  StatusOr<int64_t> InsertLot(std::string_view member_id, const GrantRequest& grant,
                              const std::optional<Date>& expires_on, int64_t audit_id) override {
    return Returning(
        "INSERT INTO points_lots (member_id, activity, points, remaining, granted_on, "
        "expires_on, audit_id) VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING lot_id",
        {Param(member_id), Param(grant.activity), Param(grant.points), Param(grant.granted_on),
         Param(expires_on), Param(audit_id)});
  }

  StatusOr<int64_t> InsertRedemption(std::string_view member_id, const RedeemRequest& request,
                                     int64_t audit_id) override {
    return Returning(
        "INSERT INTO points_redemptions (member_id, item, points, requested_on, audit_id) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING redemption_id",
        {Param(member_id), Param(request.item), Param(request.points), Param(request.requested_on),
         Param(audit_id)});
  }

  StatusOr<int64_t> InsertForfeit(std::string_view member_id, MemberStatus status,
                                  const Date& effective_on, int64_t points,
                                  int64_t audit_id) override {
    return Returning(
        "INSERT INTO points_forfeits (member_id, status, effective_on, points, audit_id) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING forfeit_id",
        {Param(member_id), Param(MemberStatusName(status)), Param(effective_on), Param(points),
         Param(audit_id)});
  }

  Status InsertStatusChange(std::string_view member_id, MemberStatus status,
                            const Date& effective_on, int64_t audit_id) override {
    return conn_
        .Exec(
            "INSERT INTO points_status_changes (member_id, status, effective_on, audit_id) "
            "VALUES ($1, $2, $3, $4)",
            {Param(member_id), Param(MemberStatusName(status)), Param(effective_on),
             Param(audit_id)})
        .status();
  }

  Status ApplyDebit(const Debit& debit, std::optional<int64_t> redemption_id,
                    std::optional<int64_t> forfeit_id) override {
    StatusOr<PgResult> taken = conn_.Exec(
        "UPDATE points_lots SET remaining = remaining - $2 WHERE lot_id = $1 AND remaining >= $2",
        {Param(debit.lot_id), Param(debit.points)});
    if (!taken.ok()) return taken.status();
    if (taken->affected() != 1) {
      return Internal("lot " + std::to_string(debit.lot_id) + " holds fewer points than planned");
    }
    return conn_
        .Exec(
            "INSERT INTO points_lot_debits (lot_id, redemption_id, forfeit_id, points) "
            "VALUES ($1, $2, $3, $4)",
            {Param(debit.lot_id), redemption_id ? Param(*redemption_id) : std::nullopt,
             forfeit_id ? Param(*forfeit_id) : std::nullopt, Param(debit.points)})
        .status();
  }

  StatusOr<std::optional<ReissueRequest>> FindReissueByKey(
      std::string_view member_id, std::string_view idempotency_key) override {
    return OneReissue("SELECT r.request_id, r.delivery, " + DateColumn("r.requested_on") + ", " +
                          DateColumn("r.estimated_arrival") +
                          ", k.first_repeated FROM points_reissue_keys k "
                          "JOIN points_reissue_requests r ON r.request_id = k.request_id "
                          "WHERE k.member_id = $1 AND k.idempotency_key = $2",
                      {Param(member_id), Param(idempotency_key)});
  }

  StatusOr<std::optional<ReissueRequest>> LatestReissue(std::string_view member_id) override {
    return OneReissue("SELECT request_id, delivery, " + DateColumn("requested_on") + ", " +
                          DateColumn("estimated_arrival") +
                          ", false FROM points_reissue_requests WHERE member_id = $1 "
                          "ORDER BY requested_on DESC, audit_id DESC LIMIT 1",
                      {Param(member_id)});
  }

  Status InsertReissue(std::string_view member_id, const ReissueRequest& r,
                       int64_t audit_id) override {
    return conn_
        .Exec(
            "INSERT INTO points_reissue_requests (request_id, member_id, delivery, "
            "requested_on, estimated_arrival, audit_id) VALUES ($1, $2, $3, $4, $5, $6)",
            {Param(r.request_id), Param(member_id), Param(r.delivery), Param(r.requested_on),
             Param(r.estimated_arrival), Param(audit_id)})
        .status();
  }

  Status InsertReissueKey(std::string_view member_id, std::string_view idempotency_key,
                          const ReissueRequest& request) override {
    return conn_
        .Exec(
            "INSERT INTO points_reissue_keys (member_id, idempotency_key, request_id, "
            "first_repeated) VALUES ($1, $2, $3, $4)",
            {Param(member_id), Param(idempotency_key), Param(request.request_id),
             Param(request.repeated ? "true" : "false")})
        .status();
  }

  StatusOr<std::vector<HistoryEntry>> History(std::string_view member_id, int limit) override {
    StatusOr<PgResult> r = conn_.Exec(
        "SELECT kind, " + DateColumn("on_date") + ", points, label, " + DateColumn("expires_on") +
            " FROM ("
            "  SELECT 0 AS kind, granted_on AS on_date, points, activity AS label, expires_on,"
            "         audit_id FROM points_lots WHERE member_id = $1"
            "  UNION ALL SELECT 1, requested_on, points, item, NULL::date, audit_id"
            "    FROM points_redemptions WHERE member_id = $1"
            "  UNION ALL SELECT 2, effective_on, points, status, NULL::date, audit_id"
            "    FROM points_forfeits WHERE member_id = $1"
            ") AS h ORDER BY on_date DESC, audit_id DESC LIMIT $2",
        {Param(member_id), Param(int64_t{limit})});
    if (!r.ok()) return r.status();
    static constexpr HistoryEntry::Kind kKinds[] = {
        HistoryEntry::Kind::kGrant, HistoryEntry::Kind::kRedemption, HistoryEntry::Kind::kForfeit};
    std::vector<HistoryEntry> out;
    for (int i = 0; i < r->rows(); ++i) {
      HistoryEntry e;
      e.kind = kKinds[std::clamp<int64_t>(r->Int(i, 0), 0, 2)];
      e.on = DateAt(*r, i, 1);
      e.points = r->Int(i, 2);
      e.label = r->Text(i, 3);
      e.expires_on = DateOrNull(*r, i, 4);
      out.push_back(std::move(e));
    }
    return out;
  }

  StatusOr<int64_t> Audit(TimePoint at, std::string_view member_id, std::string_view action,
                          std::string_view detail) override {
    return Returning(
        "INSERT INTO points_audit (at, member_id, action, detail) VALUES ($1, $2, $3, $4) "
        "RETURNING audit_id",
        {Param(ToUnixSeconds(at)), Param(member_id), Param(action), Param(detail)});
  }

 private:
  // Runs an INSERT … RETURNING id.
  StatusOr<int64_t> Returning(const std::string& sql, const PgParams& params) {
    StatusOr<PgResult> r = conn_.Exec(sql, params);
    if (!r.ok()) return r.status();
    if (r->rows() != 1) return Internal("no id returned: " + sql);
    return r->Int(0, 0);
  }

  // Columns: request_id, delivery, requested_on, estimated_arrival, repeated.
  StatusOr<std::optional<ReissueRequest>> OneReissue(const std::string& sql,
                                                     const PgParams& params) {
    StatusOr<PgResult> r = conn_.Exec(sql, params);
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return std::optional<ReissueRequest>();
    ReissueRequest req;
    req.request_id = r->Text(0, 0);
    req.delivery = r->Text(0, 1);
    req.requested_on = DateAt(*r, 0, 2);
    req.estimated_arrival = DateAt(*r, 0, 3);
    req.repeated = r->Bool(0, 4);
    return std::optional<ReissueRequest>(std::move(req));
  }

  PgConnection& conn_;
};

// PostgreSQL's statuses in the points core's terms: every failure carries a reason of
// points_core.h (the HTTP API and the bot branch on it). The domain's own errors pass unchanged.
Status ForPoints(Status s) {
  if (s.ok()) return s;
  if (s.code() == StatusCode::kUnavailable) {
    // Includes serialization failures that outlasted the pool's retries.
    if (s.reason() == kReasonUnavailable) return s;
    return Status(StatusCode::kUnavailable, "points database unavailable (" + s.message() + ")",
                  kReasonUnavailable);
  }
  if (s.reason().empty()) return Status(StatusCode::kInternal, s.message(), kReasonInternal);
  return s;
}

// Transactions over a pool shared with nobody else in this process. Writes run in READ
// COMMITTED and take their locks before they read (ledger_store.h), which serialises changes to
// one member without the retries SERIALIZABLE would cost under contention; a deadlock the
// server breaks all the same is retried by the pool.
class PgLedgerDatabase final : public LedgerDatabase {
 public:
  explicit PgLedgerDatabase(std::unique_ptr<db::PgPool> pool) : pool_(std::move(pool)) {}

  // Creates or upgrades the tables, and fixes the guard salt on first use: the first process
  // to start draws it, every later one reads it.
  Status Open() {
    MADOGUCHI_RETURN_IF_ERROR(db::Migrate(*pool_, "points", {kSchemaV1}));
    StatusOr<std::string> drawn = RandomHex(16);
    if (!drawn.ok()) return drawn.status();
    return pool_->Run([&](PgConnection& conn) -> Status {
      StatusOr<PgResult> put = conn.Exec(
          "INSERT INTO points_meta (name, value) VALUES ('guard_salt', $1) "
          "ON CONFLICT (name) DO NOTHING",
          {*drawn});
      if (!put.ok()) return put.status();
      StatusOr<PgResult> salt =
          conn.Exec("SELECT value FROM points_meta WHERE name = 'guard_salt'");
      if (!salt.ok()) return salt.status();
      if (salt->rows() != 1 || salt->Text(0, 0).empty()) {
        return Internal("the points database has no guard salt");
      }
      guard_salt_ = salt->Text(0, 0);
      return Status::Ok();
    });
  }

  Status Transact(Access access, const Work& work) override {
    return ForPoints(pool_->Transaction(
        access == Access::kWrite ? db::Isolation::kReadCommitted : db::Isolation::kRepeatableRead,
        [&](PgConnection& conn) {
          PgLedgerStore store(conn);
          return work(store);
        }));
  }

  Status Run(const Work& work) override {
    return ForPoints(pool_->Run([&](PgConnection& conn) {
      PgLedgerStore store(conn);
      return work(store);
    }));
  }

  const std::string& guard_salt() const override { return guard_salt_; }

 private:
  const std::unique_ptr<db::PgPool> pool_;
  std::string guard_salt_;  // set by Open
};

}  // namespace

StatusOr<std::unique_ptr<PostgresPointsCore>> PostgresPointsCore::Open(
    PostgresPointsCoreOptions options) {
  if (options.postgres.url.empty()) return BadArgument("postgres.url is required");
  if (options.pbkdf2_iterations < 1) return BadArgument("pbkdf2_iterations must be positive");
  StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(options.postgres);
  if (!pool.ok()) {
    // An unreachable server is `unavailable` like any outage; a bad URL is the caller's.
    if (pool.status().code() == StatusCode::kInvalidArgument) {
      return BadArgument(pool.status().message());
    }
    return ForPoints(pool.status());
  }
  auto database = std::make_unique<PgLedgerDatabase>(std::move(pool).value());
  if (Status opened = database->Open(); !opened.ok()) {
    if (opened.code() == StatusCode::kFailedPrecondition) return opened;
    return ForPoints(opened);
  }
  LedgerCoreOptions core;
  core.programs = std::move(options.programs);
  core.now = options.now;
  core.lockout = options.lockout;
  core.pbkdf2_iterations = options.pbkdf2_iterations;
  return std::unique_ptr<PostgresPointsCore>(
      new PostgresPointsCore(std::move(core), std::move(database)));
}

}  // namespace madoguchi::points
