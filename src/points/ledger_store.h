// The ledger's rows as the domain logic (ledger_core.h) needs them, behind two small interfaces
// each database backend implements: LedgerStore states the reads and writes of one transaction,
// LedgerDatabase runs transactions. Backends know SQL, not rules: the FIFO lots, validation,
// verification, reissue and lockout decisions live once, in LedgerCore.
//
// What a backend owes the domain logic:
//   - A kWrite transaction is serializable in effect for the member it locks (FindMember with
//     RowLock::kForUpdate) and for the guards it locks (LockGuards): what it read of them still
//     holds when it commits, also against other processes on the same database. SQLite gets
//     this from BEGIN IMMEDIATE (one writer at a time), PostgreSQL from row and advisory locks.
//   - A kRead transaction reads one consistent snapshot.
//   - Errors keep their StatusCode; a unique key violated by an insert is kAlreadyExists.
#ifndef MADOGUCHI_POINTS_LEDGER_STORE_H_
#define MADOGUCHI_POINTS_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
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

enum class RowLock {
  kNone,
  // The member's row stays locked until the transaction ends: every change to a member's ledger
  // takes it first, so changes to one member run one after another.
  kForUpdate,
};

// Rows of the ledger read and written inside one transaction the caller holds.
//
// Thread safety: used by one thread, within the work LedgerDatabase lent it to.
class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // By member number, ignoring letter case (the row spelt exactly as `member_id` first); the
  // record holds the number as stored, which every later statement must use.
  virtual StatusOr<std::optional<MemberRecord>> FindMember(std::string_view member_id,
                                                           RowLock lock) = 0;
  // kAlreadyExists when the number (in any letter case) is taken.
  virtual Status InsertMember(const NewMember& member, const std::string& auth_code_hash) = 0;
  virtual Status UpdateStatus(std::string_view member_id, MemberStatus status,
                              const Date& effective_on) = 0;

  // Verification guards (verification.h). Locks the guards of `keys` until the transaction
  // ends, rows or not, so concurrent attempts each count.
  virtual Status LockGuards(std::vector<std::string> keys) = 0;
  // A guard without a row is clean.
  virtual StatusOr<LockState> FindGuard(std::string_view guard_key) = 0;
  virtual Status PutGuard(std::string_view guard_key, const LockState& lock, int64_t forget_at) = 0;
  // Drops the guards whose forget_at has passed.
  virtual Status ForgetGuards(int64_t now_unix_seconds) = 0;

  // The member's lots with points left, in no particular order.
  virtual StatusOr<std::vector<Lot>> LotsWithPointsLeft(std::string_view member_id) = 0;
  // Points of the lots granted in [from, to], spent or not.
  virtual StatusOr<int64_t> PointsGrantedBetween(std::string_view member_id, const Date& from,
                                                 const Date& to) = 0;

  // Each returns the new row's id.
  virtual StatusOr<int64_t> InsertLot(std::string_view member_id, const GrantRequest& grant,
                                      const std::optional<Date>& expires_on, int64_t audit_id) = 0;
  virtual StatusOr<int64_t> InsertRedemption(std::string_view member_id,
                                             const RedeemRequest& request, int64_t audit_id) = 0;
  virtual StatusOr<int64_t> InsertForfeit(std::string_view member_id, MemberStatus status,
                                          const Date& effective_on, int64_t points,
                                          int64_t audit_id) = 0;
  virtual Status InsertStatusChange(std::string_view member_id, MemberStatus status,
                                    const Date& effective_on, int64_t audit_id) = 0;

  // Takes debit.points from the lot and records what took them (exactly one of the two ids).
  // `internal` when the lot holds fewer points: the caller planned from stale rows.
  virtual Status ApplyDebit(const Debit& debit, std::optional<int64_t> redemption_id,
                            std::optional<int64_t> forfeit_id) = 0;

  // The request the key was first answered with, `repeated` as in that answer.
  virtual StatusOr<std::optional<ReissueRequest>> FindReissueByKey(
      std::string_view member_id, std::string_view idempotency_key) = 0;
  virtual StatusOr<std::optional<ReissueRequest>> LatestReissue(std::string_view member_id) = 0;
  virtual Status InsertReissue(std::string_view member_id, const ReissueRequest& request,
                               int64_t audit_id) = 0;
  // Remembers the key's first answer: `request` (its id and `repeated`).
  virtual Status InsertReissueKey(std::string_view member_id, std::string_view idempotency_key,
                                  const ReissueRequest& request) = 0;

  // Grants, redemptions and forfeits, newest first (by date, then by when they were recorded).
  virtual StatusOr<std::vector<HistoryEntry>> History(std::string_view member_id, int limit) = 0;

  // Appends to the audit trail; returns the audit_id the change's rows carry. `detail` must hold
  // no secrets and no birth dates.
  virtual StatusOr<int64_t> Audit(TimePoint at, std::string_view member_id, std::string_view action,
                                  std::string_view detail) = 0;
};

// Runs work on a backend's connections.
//
// Thread safety: implementations are thread-safe.
class LedgerDatabase {
 public:
  enum class Access {
    kRead,   // one consistent snapshot for several reads
    kWrite,  // reads that decide a change, and the change (see the file comment)
  };
  using Work = std::function<Status(LedgerStore&)>;

  virtual ~LedgerDatabase() = default;

  // Runs `work` in one transaction: committed when it returns OK, rolled back otherwise. A
  // backend may run `work` again after a conflict it rolled back, so `work` must have no effect
  // outside the store and must reset what it reports on each run.
  virtual Status Transact(Access access, const Work& work) = 0;
  // Runs `work` without a transaction (each statement on its own), for reads that need not agree.
  virtual Status Run(const Work& work) = 0;
  // The salt of verification guard keys, fixed when the database was created.
  virtual const std::string& guard_salt() const = 0;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_LEDGER_STORE_H_
