// The ledger's rows in SQLite (tables in ledger_schema.cc), over one connection. Every write
// transaction is BEGIN IMMEDIATE, which already makes it the only writer of the file, so the
// row and guard locks of LedgerStore cost nothing here.
//
// Thread safety: as its SqliteDb (one thread at a time). Holds a reference to the connection,
// which must outlive it.
#ifndef MADOGUCHI_POINTS_SQLITE_LEDGER_STORE_H_
#define MADOGUCHI_POINTS_SQLITE_LEDGER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/sqlite_db.h"
#include "points/ledger_store.h"

namespace madoguchi::points {

class SqliteLedgerStore final : public LedgerStore {
 public:
  explicit SqliteLedgerStore(db::SqliteDb& db) : db_(db) {}

  StatusOr<std::optional<MemberRecord>> FindMember(std::string_view member_id,
                                                   RowLock lock) override;
  Status InsertMember(const NewMember& member, const std::string& auth_code_hash) override;
  Status UpdateStatus(std::string_view member_id, MemberStatus status,
                      const Date& effective_on) override;

  Status LockGuards(std::vector<std::string> keys) override;
  StatusOr<LockState> FindGuard(std::string_view guard_key) override;
  Status PutGuard(std::string_view guard_key, const LockState& lock, int64_t forget_at) override;
  Status ForgetGuards(int64_t now_unix_seconds) override;

  StatusOr<std::vector<Lot>> LotsWithPointsLeft(std::string_view member_id) override;
  StatusOr<int64_t> PointsGrantedBetween(std::string_view member_id, const Date& from,
                                         const Date& to) override;

  StatusOr<int64_t> InsertLot(std::string_view member_id, const GrantRequest& grant,
                              const std::optional<Date>& expires_on, int64_t audit_id) override;
  StatusOr<int64_t> InsertRedemption(std::string_view member_id, const RedeemRequest& request,
                                     int64_t audit_id) override;
  StatusOr<int64_t> InsertForfeit(std::string_view member_id, MemberStatus status,
                                  const Date& effective_on, int64_t points,
                                  int64_t audit_id) override;
  Status InsertStatusChange(std::string_view member_id, MemberStatus status,
                            const Date& effective_on, int64_t audit_id) override;

  Status ApplyDebit(const Debit& debit, std::optional<int64_t> redemption_id,
                    std::optional<int64_t> forfeit_id) override;

  StatusOr<std::optional<ReissueRequest>> FindReissueByKey(
      std::string_view member_id, std::string_view idempotency_key) override;
  StatusOr<std::optional<ReissueRequest>> LatestReissue(std::string_view member_id) override;
  Status InsertReissue(std::string_view member_id, const ReissueRequest& request,
                       int64_t audit_id) override;
  Status InsertReissueKey(std::string_view member_id, std::string_view idempotency_key,
                          const ReissueRequest& request) override;

  StatusOr<std::vector<HistoryEntry>> History(std::string_view member_id, int limit) override;

  StatusOr<int64_t> Audit(TimePoint at, std::string_view member_id, std::string_view action,
                          std::string_view detail) override;

  // A value of ledger_meta; empty when unset.
  StatusOr<std::string> Meta(std::string_view name);

 private:
  db::SqliteDb& db_;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_SQLITE_LEDGER_STORE_H_
