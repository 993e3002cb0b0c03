// Rows of the ledger (ledger_schema.cc) read and written over one connection. Knows SQL, not
// rules: callers decide, inside a Transaction they hold, what to write.
//
// Thread safety: as its SqliteDb (one thread at a time). Holds a reference to the connection,
// which must outlive it.
#ifndef MADOGUCHI_POINTS_LEDGER_STORE_H_
#define MADOGUCHI_POINTS_LEDGER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/sqlite_db.h"
#include "points/fifo.h"
#include "points/now.h"
#include "points/points_core.h"
#include "points/verification.h"

namespace madoguchi::points {

// A member as stored, secrets included; never leaves the points core.
struct MemberRecord {
  Member member;
  std::string auth_code_hash;  // empty when no code was issued
};

class LedgerStore {
 public:
  explicit LedgerStore(db::SqliteDb& db) : db_(db) {}

  // By member number, ignoring letter case (the row spelt exactly as `member_id` first); the
  // record holds the number as stored, which every later statement must use.
  StatusOr<std::optional<MemberRecord>> FindMember(std::string_view member_id);
  Status InsertMember(const NewMember& member, const std::string& auth_code_hash);
  Status UpdateStatus(std::string_view member_id, MemberStatus status, const Date& effective_on);

  // Verification guards (verification.h). A guard without a row is clean.
  StatusOr<LockState> FindGuard(std::string_view guard_key);
  Status PutGuard(std::string_view guard_key, const LockState& lock, int64_t forget_at);
  // Drops the guards whose forget_at has passed.
  Status ForgetGuards(int64_t now_unix_seconds);
  // A value of ledger_meta; empty when unset.
  StatusOr<std::string> Meta(std::string_view name);

  // The member's lots with points left, in no particular order.
  StatusOr<std::vector<Lot>> LotsWithPointsLeft(std::string_view member_id);
  // Points of the lots granted in [from, to], spent or not.
  StatusOr<int64_t> PointsGrantedBetween(std::string_view member_id, const Date& from,
                                         const Date& to);

  // Each returns the new row's id.
  StatusOr<int64_t> InsertLot(std::string_view member_id, const GrantRequest& grant,
                              const std::optional<Date>& expires_on, int64_t audit_id);
  StatusOr<int64_t> InsertRedemption(std::string_view member_id, const RedeemRequest& request,
                                     int64_t audit_id);
  StatusOr<int64_t> InsertForfeit(std::string_view member_id, MemberStatus status,
                                  const Date& effective_on, int64_t points, int64_t audit_id);
  Status InsertStatusChange(std::string_view member_id, MemberStatus status,
                            const Date& effective_on, int64_t audit_id);

  // Takes debit.points from the lot and records what took them (exactly one of the two ids).
  // `internal` when the lot holds fewer points: the caller planned from stale rows.
  Status ApplyDebit(const Debit& debit, std::optional<int64_t> redemption_id,
                    std::optional<int64_t> forfeit_id);

  // The request the key was first answered with, `repeated` as in that answer.
  StatusOr<std::optional<ReissueRequest>> FindReissueByKey(std::string_view member_id,
                                                           std::string_view idempotency_key);
  StatusOr<std::optional<ReissueRequest>> LatestReissue(std::string_view member_id);
  Status InsertReissue(std::string_view member_id, const ReissueRequest& request, int64_t audit_id);
  // Remembers the key's first answer: `request` (its id and `repeated`).
  Status InsertReissueKey(std::string_view member_id, std::string_view idempotency_key,
                          const ReissueRequest& request);

  // Grants, redemptions and forfeits, newest first (by date, then by when they were recorded).
  StatusOr<std::vector<HistoryEntry>> History(std::string_view member_id, int limit);

  // Appends to the audit trail; returns the audit_id the change's rows carry. `detail` must hold
  // no secrets and no birth dates.
  StatusOr<int64_t> Audit(TimePoint at, std::string_view member_id, std::string_view action,
                          std::string_view detail);

 private:
  db::SqliteDb& db_;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_LEDGER_STORE_H_
