#include "points/ledger_schema.h"

#include <string>

#include "points/auth_code.h"
#include "points/sqlite_ledger_store.h"
#include "points/validation.h"
#include "points/verification.h"

namespace madoguchi::points {

using db::SqliteDb;
using db::Statement;
using db::Transaction;

namespace {

// Dates are YYYY-MM-DD text (they sort and compare as dates); instants are Unix seconds.
// Every change row carries the audit_id of the audit row written in the same transaction, which
// also orders events of the same day in History.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE members (
  member_id           TEXT PRIMARY KEY,
  program             TEXT NOT NULL,
  birth_date          TEXT NOT NULL,
  status              TEXT NOT NULL CHECK (status IN ('active', 'retired', 'voluntary', 'dependent')),
  status_effective_on TEXT,
  eligible_from       TEXT,
  auth_code_hash      TEXT,             -- pbkdf2-sha256$iterations$salt$hash; NULL: no code issued
  failed_attempts     INTEGER NOT NULL DEFAULT 0,  -- v1 only: since v2 in verify_guards
  locked_until        INTEGER NOT NULL DEFAULT 0   -- v1 only
) STRICT;

CREATE TABLE lots (
  lot_id      INTEGER PRIMARY KEY,
  member_id   TEXT NOT NULL REFERENCES members (member_id),
  activity    TEXT NOT NULL,
  points      INTEGER NOT NULL CHECK (points > 0),
  remaining   INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= points),
  granted_on  TEXT NOT NULL,
  expires_on  TEXT,                      -- last usable day; NULL: never lapses
  audit_id    INTEGER NOT NULL
) STRICT;
CREATE INDEX lots_by_member ON lots (member_id, remaining);

CREATE TABLE redemptions (
  redemption_id INTEGER PRIMARY KEY,
  member_id     TEXT NOT NULL REFERENCES members (member_id),
  item          TEXT NOT NULL,
  points        INTEGER NOT NULL CHECK (points > 0),
  requested_on  TEXT NOT NULL,
  audit_id      INTEGER NOT NULL
) STRICT;
CREATE INDEX redemptions_by_member ON redemptions (member_id);

-- Which lots paid for a redemption or lost points to a forfeit: the ledger can be re-added.
CREATE TABLE lot_debits (
  lot_id        INTEGER NOT NULL REFERENCES lots (lot_id),
  redemption_id INTEGER REFERENCES redemptions (redemption_id),
  forfeit_id    INTEGER REFERENCES forfeits (forfeit_id),
  points        INTEGER NOT NULL CHECK (points > 0),
  CHECK ((redemption_id IS NULL) <> (forfeit_id IS NULL))
) STRICT;
CREATE INDEX lot_debits_by_lot ON lot_debits (lot_id);

CREATE TABLE status_changes (
  change_id    INTEGER PRIMARY KEY,
  member_id    TEXT NOT NULL REFERENCES members (member_id),
  status       TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  audit_id     INTEGER NOT NULL
) STRICT;

CREATE TABLE forfeits (
  forfeit_id   INTEGER PRIMARY KEY,
  member_id    TEXT NOT NULL REFERENCES members (member_id),
  status       TEXT NOT NULL,
  effective_on TEXT NOT NULL,
  points       INTEGER NOT NULL CHECK (points > 0),
  audit_id     INTEGER NOT NULL
) STRICT;
CREATE INDEX forfeits_by_member ON forfeits (member_id);

CREATE TABLE reissue_requests (
  request_id        TEXT PRIMARY KEY,
  member_id         TEXT NOT NULL REFERENCES members (member_id),
  delivery          TEXT NOT NULL,
  requested_on      TEXT NOT NULL,
  estimated_arrival TEXT NOT NULL,
  audit_id          INTEGER NOT NULL
) STRICT;
CREATE INDEX reissue_by_member ON reissue_requests (member_id, requested_on);

-- Every idempotency key a member's client used, and the request it was answered with.
CREATE TABLE reissue_keys (
  member_id       TEXT NOT NULL REFERENCES members (member_id),
  idempotency_key TEXT NOT NULL,
  request_id      TEXT NOT NULL REFERENCES reissue_requests (request_id),
  PRIMARY KEY (member_id, idempotency_key)
) STRICT, WITHOUT ROWID;

-- One row per change, written in the change's own transaction. Holds no auth codes, hashes or
-- birth dates.
CREATE TABLE audit (
  audit_id  INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,            -- Unix seconds
  member_id TEXT,
  action    TEXT NOT NULL,
  detail    TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_member ON audit (member_id);
)sql";

constexpr char kSchemaV2[] = R"sql(
CREATE TABLE ledger_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Failed verifications per member number (known or not, so a row never tells which numbers
-- exist) and per requester, keyed by a salted SHA-256 (GuardKey). A row is dropped once it
-- neither locks nor counts (forget_at, Unix seconds).
CREATE TABLE verify_guards (
  guard_key       TEXT PRIMARY KEY,
  failed_attempts INTEGER NOT NULL,
  window_start    INTEGER NOT NULL,
  locked_until    INTEGER NOT NULL,
  forget_at       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX verify_guards_by_forget_at ON verify_guards (forget_at);

-- A replayed key gets the answer it had: whether that first answer was an earlier request.
ALTER TABLE reissue_keys ADD COLUMN first_repeated INTEGER NOT NULL DEFAULT 0;

-- Member numbers compare case-insensitively (k1005 is K1005).
CREATE INDEX members_by_number_nocase ON members (member_id COLLATE NOCASE);
)sql";

// v1 kept lock states on the members' rows; they move to verify_guards under the new salt.
Status MoveV1LockStates(SqliteDb& db, const std::string& salt) {
  StatusOr<Statement> read = db.Prepare(
      "SELECT member_id, failed_attempts, locked_until FROM members "
      "WHERE failed_attempts > 0 OR locked_until > 0");
  if (!read.ok()) return read.status();
  for (;;) {
    StatusOr<bool> row = read->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    LockState lock;
    lock.failed_attempts = read->Int(1);
    lock.locked_until = read->Int(2);
    // v1 counted failures without a window: they count from now on.
    if (lock.failed_attempts > 0) lock.window_start = UnixSeconds();
    SqliteLedgerStore store(db);
    MADOGUCHI_RETURN_IF_ERROR(store.PutGuard(
        GuardKey(salt, kGuardNumber, MemberIdKey(read->Text(0))), lock, ForgetAt(lock, {})));
  }
  return db.Exec("UPDATE members SET failed_attempts = 0, locked_until = 0");
}

}  // namespace

Status EnsureLedgerSchema(SqliteDb& db) {
  Transaction txn(db);
  MADOGUCHI_RETURN_IF_ERROR(txn.Begin(Transaction::Kind::kWrite));
  int64_t v = 0;
  {  // the statement must be reset before the schema changes
    StatusOr<Statement> version = db.Prepare("PRAGMA user_version");
    if (!version.ok()) return version.status();
    StatusOr<bool> row = version->Step();
    if (!row.ok()) return row.status();
    if (*row) v = version->Int(0);
  }
  if (v == kLedgerSchemaVersion) return Status::Ok();
  if (v > kLedgerSchemaVersion) {
    return Status(
        StatusCode::kFailedPrecondition,
        "the points database was written by a newer madoguchi (schema " + std::to_string(v) + ")");
  }
  if (v < 1) MADOGUCHI_RETURN_IF_ERROR(db.Exec(kSchemaV1));
  if (v < 2) {
    MADOGUCHI_RETURN_IF_ERROR(db.Exec(kSchemaV2));
    StatusOr<std::string> salt = RandomHex(16);
    if (!salt.ok()) return salt.status();
    StatusOr<Statement> put =
        db.Prepare("INSERT INTO ledger_meta (name, value) VALUES ('guard_salt', ?1)");
    if (!put.ok()) return put.status();
    put->Bind(1, *salt);
    MADOGUCHI_RETURN_IF_ERROR(put->Run());
    MADOGUCHI_RETURN_IF_ERROR(MoveV1LockStates(db, *salt));
  }
  MADOGUCHI_RETURN_IF_ERROR(
      db.Exec(("PRAGMA user_version=" + std::to_string(kLedgerSchemaVersion)).c_str()));
  return txn.Commit();
}

}  // namespace madoguchi::points
