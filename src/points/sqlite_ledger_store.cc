#include "points/sqlite_ledger_store.h"

namespace madoguchi::points {

namespace {

using db::Statement;

// Binds nothing more and runs a statement that returns no rows.
Status RunPrepared(StatusOr<Statement>& stmt) {
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

Lot LotFromRow(const Statement& s) {
  // Columns: lot_id, activity, points, remaining, granted_on, expires_on.
  Lot lot;
  lot.lot_id = s.Int(0);
  lot.activity = s.Text(1);
  lot.points = s.Int(2);
  lot.remaining = s.Int(3);
  lot.granted_on = s.DateAt(4);
  lot.expires_on = s.DateOrNull(5);
  return lot;
}

ReissueRequest ReissueFromRow(const Statement& s) {
  // Columns: request_id, delivery, requested_on, estimated_arrival, repeated.
  ReissueRequest r;
  r.request_id = s.Text(0);
  r.delivery = s.Text(1);
  r.requested_on = s.DateAt(2);
  r.estimated_arrival = s.DateAt(3);
  r.repeated = s.Int(4) != 0;
  return r;
}

StatusOr<std::optional<ReissueRequest>> OneReissue(StatusOr<Statement>& stmt) {
  if (!stmt.ok()) return stmt.status();
  StatusOr<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<ReissueRequest>();
  return std::optional<ReissueRequest>(ReissueFromRow(*stmt));
}

}  // namespace

StatusOr<std::optional<MemberRecord>> SqliteLedgerStore::FindMember(std::string_view member_id,
                                                                    RowLock /*lock*/) {
  // The write transaction (BEGIN IMMEDIATE) already keeps every other writer out.
  StatusOr<Statement> s = db_.Prepare(
      "SELECT member_id, program, birth_date, status, status_effective_on, eligible_from, "
      "auth_code_hash FROM members WHERE member_id = ?1 COLLATE NOCASE "
      "ORDER BY member_id = ?1 DESC LIMIT 1");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id);
  StatusOr<bool> row = s->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<MemberRecord>();
  MemberRecord r;
  r.member.member_id = s->Text(0);
  r.member.program = s->Text(1);
  r.member.birth_date = s->DateAt(2);
  r.member.status = ParseMemberStatus(s->Text(3)).value_or(MemberStatus::kActive);
  r.member.status_effective_on = s->DateOrNull(4);
  r.member.eligible_from = s->DateOrNull(5);
  r.auth_code_hash = s->IsNull(6) ? "" : s->Text(6);
  r.member.has_auth_code = !r.auth_code_hash.empty();
  return std::optional<MemberRecord>(std::move(r));
}

Status SqliteLedgerStore::InsertMember(const NewMember& m, const std::string& auth_code_hash) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO members (member_id, program, birth_date, status, status_effective_on, "
      "eligible_from, auth_code_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s.ok()) return s.status();
  s->Bind(1, m.member_id).Bind(2, m.program).Bind(3, m.birth_date);
  s->Bind(4, MemberStatusName(m.status)).Bind(5, m.status_effective_on).Bind(6, m.eligible_from);
  if (auth_code_hash.empty()) {
    s->BindNull(7);
  } else {
    s->Bind(7, auth_code_hash);
  }
  return RunPrepared(s);
}

Status SqliteLedgerStore::UpdateStatus(std::string_view member_id, MemberStatus status,
                                       const Date& effective_on) {
  StatusOr<Statement> s =
      db_.Prepare("UPDATE members SET status = ?2, status_effective_on = ?3 WHERE member_id = ?1");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, MemberStatusName(status)).Bind(3, effective_on);
  return RunPrepared(s);
}

Status SqliteLedgerStore::LockGuards(std::vector<std::string> /*keys*/) {
  return Status::Ok();  // as FindMember: the write transaction is the lock
}

StatusOr<LockState> SqliteLedgerStore::FindGuard(std::string_view guard_key) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT failed_attempts, window_start, locked_until FROM verify_guards WHERE guard_key = ?1");
  if (!s.ok()) return s.status();
  s->Bind(1, guard_key);
  StatusOr<bool> row = s->Step();
  if (!row.ok()) return row.status();
  LockState lock;
  if (*row) {
    lock.failed_attempts = s->Int(0);
    lock.window_start = s->Int(1);
    lock.locked_until = s->Int(2);
  }
  return lock;
}

Status SqliteLedgerStore::PutGuard(std::string_view guard_key, const LockState& lock,
                                   int64_t forget_at) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT OR REPLACE INTO verify_guards "
      "(guard_key, failed_attempts, window_start, locked_until, forget_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s.ok()) return s.status();
  s->Bind(1, guard_key).Bind(2, lock.failed_attempts).Bind(3, lock.window_start);
  s->Bind(4, lock.locked_until).Bind(5, forget_at);
  return RunPrepared(s);
}

Status SqliteLedgerStore::ForgetGuards(int64_t now_unix_seconds) {
  StatusOr<Statement> s = db_.Prepare("DELETE FROM verify_guards WHERE forget_at <= ?1");
  if (!s.ok()) return s.status();
  s->Bind(1, now_unix_seconds);
  return RunPrepared(s);
}

StatusOr<std::string> SqliteLedgerStore::Meta(std::string_view name) {
  StatusOr<Statement> s = db_.Prepare("SELECT value FROM ledger_meta WHERE name = ?1");
  if (!s.ok()) return s.status();
  s->Bind(1, name);
  StatusOr<bool> row = s->Step();
  if (!row.ok()) return row.status();
  return *row ? s->Text(0) : std::string();
}

StatusOr<std::vector<Lot>> SqliteLedgerStore::LotsWithPointsLeft(std::string_view member_id) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT lot_id, activity, points, remaining, granted_on, expires_on FROM lots "
      "WHERE member_id = ?1 AND remaining > 0");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id);
  std::vector<Lot> lots;
  for (;;) {
    StatusOr<bool> row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    lots.push_back(LotFromRow(*s));
  }
  return lots;
}

StatusOr<int64_t> SqliteLedgerStore::PointsGrantedBetween(std::string_view member_id,
                                                          const Date& from, const Date& to) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT COALESCE(SUM(points), 0) FROM lots "
      "WHERE member_id = ?1 AND granted_on >= ?2 AND granted_on <= ?3");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, from).Bind(3, to);
  StatusOr<bool> row = s->Step();
  if (!row.ok()) return row.status();
  return *row ? s->Int(0) : int64_t{0};
}

StatusOr<int64_t> SqliteLedgerStore::InsertLot(std::string_view member_id,
                                               const GrantRequest& grant,
                                               const std::optional<Date>& expires_on,
                                               int64_t audit_id) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO lots (member_id, activity, points, remaining, granted_on, expires_on, audit_id) "
      "VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, grant.activity).Bind(3, grant.points).Bind(4, grant.granted_on);
  s->Bind(5, expires_on).Bind(6, audit_id);
  MADOGUCHI_RETURN_IF_ERROR(RunPrepared(s));
  return db_.LastInsertRowId();
}

StatusOr<int64_t> SqliteLedgerStore::InsertRedemption(std::string_view member_id,
                                                      const RedeemRequest& request,
                                                      int64_t audit_id) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO redemptions (member_id, item, points, requested_on, audit_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, request.item).Bind(3, request.points);
  s->Bind(4, request.requested_on).Bind(5, audit_id);
  MADOGUCHI_RETURN_IF_ERROR(RunPrepared(s));
  return db_.LastInsertRowId();
}

StatusOr<int64_t> SqliteLedgerStore::InsertForfeit(std::string_view member_id, MemberStatus status,
                                                   const Date& effective_on, int64_t points,
                                                   int64_t audit_id) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO forfeits (member_id, status, effective_on, points, audit_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, MemberStatusName(status)).Bind(3, effective_on);
  s->Bind(4, points).Bind(5, audit_id);
  MADOGUCHI_RETURN_IF_ERROR(RunPrepared(s));
  return db_.LastInsertRowId();
}

Status SqliteLedgerStore::InsertStatusChange(std::string_view member_id, MemberStatus status,
                                             const Date& effective_on, int64_t audit_id) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO status_changes (member_id, status, effective_on, audit_id) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, MemberStatusName(status)).Bind(3, effective_on).Bind(4, audit_id);
  return RunPrepared(s);
}

Status SqliteLedgerStore::ApplyDebit(const Debit& debit, std::optional<int64_t> redemption_id,
                                     std::optional<int64_t> forfeit_id) {
  {
    StatusOr<Statement> s = db_.Prepare(
        "UPDATE lots SET remaining = remaining - ?2 WHERE lot_id = ?1 AND remaining >= ?2");
    if (!s.ok()) return s.status();
    s->Bind(1, debit.lot_id).Bind(2, debit.points);
    MADOGUCHI_RETURN_IF_ERROR(RunPrepared(s));
    if (db_.Changes() != 1) {
      return Internal("lot " + std::to_string(debit.lot_id) + " holds fewer points than planned");
    }
  }
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO lot_debits (lot_id, redemption_id, forfeit_id, points) VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.status();
  s->Bind(1, debit.lot_id).Bind(4, debit.points);
  redemption_id ? s->Bind(2, *redemption_id) : s->BindNull(2);
  forfeit_id ? s->Bind(3, *forfeit_id) : s->BindNull(3);
  return RunPrepared(s);
}

StatusOr<std::optional<ReissueRequest>> SqliteLedgerStore::FindReissueByKey(
    std::string_view member_id, std::string_view idempotency_key) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT r.request_id, r.delivery, r.requested_on, r.estimated_arrival, k.first_repeated "
      "FROM reissue_keys k JOIN reissue_requests r ON r.request_id = k.request_id "
      "WHERE k.member_id = ?1 AND k.idempotency_key = ?2");
  if (s.ok()) s->Bind(1, member_id).Bind(2, idempotency_key);
  return OneReissue(s);
}

StatusOr<std::optional<ReissueRequest>> SqliteLedgerStore::LatestReissue(
    std::string_view member_id) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT request_id, delivery, requested_on, estimated_arrival, 0 FROM reissue_requests "
      "WHERE member_id = ?1 ORDER BY requested_on DESC, audit_id DESC LIMIT 1");
  if (s.ok()) s->Bind(1, member_id);
  return OneReissue(s);
}

Status SqliteLedgerStore::InsertReissue(std::string_view member_id, const ReissueRequest& r,
                                        int64_t audit_id) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO reissue_requests (request_id, member_id, delivery, requested_on, "
      "estimated_arrival, audit_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!s.ok()) return s.status();
  s->Bind(1, r.request_id).Bind(2, member_id).Bind(3, r.delivery).Bind(4, r.requested_on);
  s->Bind(5, r.estimated_arrival).Bind(6, audit_id);
  return RunPrepared(s);
}

Status SqliteLedgerStore::InsertReissueKey(std::string_view member_id,
                                           std::string_view idempotency_key,
                                           const ReissueRequest& request) {
  StatusOr<Statement> s = db_.Prepare(
      "INSERT INTO reissue_keys (member_id, idempotency_key, request_id, first_repeated) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, idempotency_key).Bind(3, request.request_id);
  s->Bind(4, int64_t{request.repeated ? 1 : 0});
  return RunPrepared(s);
}

StatusOr<std::vector<HistoryEntry>> SqliteLedgerStore::History(std::string_view member_id,
                                                               int limit) {
  StatusOr<Statement> s = db_.Prepare(
      "SELECT kind, on_date, points, label, expires_on FROM ("
      "  SELECT 0 AS kind, granted_on AS on_date, points, activity AS label, expires_on, audit_id"
      "    FROM lots WHERE member_id = ?1"
      "  UNION ALL SELECT 1, requested_on, points, item, NULL, audit_id"
      "    FROM redemptions WHERE member_id = ?1"
      "  UNION ALL SELECT 2, effective_on, points, status, NULL, audit_id"
      "    FROM forfeits WHERE member_id = ?1"
      ") ORDER BY on_date DESC, audit_id DESC LIMIT ?2");
  if (!s.ok()) return s.status();
  s->Bind(1, member_id).Bind(2, int64_t{limit});
  std::vector<HistoryEntry> out;
  for (;;) {
    StatusOr<bool> row = s->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    static constexpr HistoryEntry::Kind kKinds[] = {
        HistoryEntry::Kind::kGrant, HistoryEntry::Kind::kRedemption, HistoryEntry::Kind::kForfeit};
    HistoryEntry e;
    e.kind = kKinds[s->Int(0)];
    e.on = s->DateAt(1);
    e.points = s->Int(2);
    e.label = s->Text(3);
    e.expires_on = s->DateOrNull(4);
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<int64_t> SqliteLedgerStore::Audit(TimePoint at, std::string_view member_id,
                                           std::string_view action, std::string_view detail) {
  StatusOr<Statement> s =
      db_.Prepare("INSERT INTO audit (at, member_id, action, detail) VALUES (?1, ?2, ?3, ?4)");
  if (!s.ok()) return s.status();
  s->Bind(1, ToUnixSeconds(at)).Bind(2, member_id).Bind(3, action).Bind(4, detail);
  MADOGUCHI_RETURN_IF_ERROR(RunPrepared(s));
  return db_.LastInsertRowId();
}

}  // namespace madoguchi::points
