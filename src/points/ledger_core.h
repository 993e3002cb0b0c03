// The points core's domain logic, once for every database: validation, FIFO lots, eligibility
// and exchange windows, forfeits, reissue and its idempotency, verification and its lockout. It
// states what to read and write through LedgerStore; a LedgerDatabase (SQLite, PostgreSQL) runs
// it in transactions that make each change all there or not at all, and keep the decision a
// change made from what it read (a balance, a lock, an earlier reissue) true until it commits,
// also against other processes on the same database.
//
// Thread safety: thread-safe; calls from many threads share the database's connections.
// Ownership: owns its database; `options.now` is borrowed and must outlive the core.
#ifndef MADOGUCHI_POINTS_LEDGER_CORE_H_
#define MADOGUCHI_POINTS_LEDGER_CORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kb/program.h"
#include "points/auth_code.h"
#include "points/ledger_store.h"
#include "points/now.h"
#include "points/points_core.h"
#include "points/verification.h"

namespace madoguchi::points {

struct LedgerCoreOptions {
  // The programs whose rules apply, by id (copied). A member's program must be one of them.
  std::vector<kb::Program> programs;
  // Instants for lockouts. Default: nullptr, the system clock.
  const NowSource* now = nullptr;
  // Failures (within the lock's length) before a lock, and its length; applies to member numbers
  // and requesters alike (verification.h). Default: 5 failures, one hour.
  LockoutPolicy lockout;
  // PBKDF2 cost for new auth-code hashes; existing hashes keep theirs. Tests lower it to stay
  // fast. Default: kDefaultPbkdf2Iterations.
  int pbkdf2_iterations = kDefaultPbkdf2Iterations;
};

class LedgerCore : public PointsCore {
 public:
  // `database` is not null; its schema is in place.
  LedgerCore(LedgerCoreOptions options, std::unique_ptr<LedgerDatabase> database);

  StatusOr<Member> CreateMember(const NewMember& member) override;
  StatusOr<Member> GetMember(const std::string& member_id) override;
  StatusOr<Lot> Grant(const std::string& member_id, const GrantRequest& grant) override;
  StatusOr<PointBalance> Balance(const std::string& member_id, const Date& as_of) override;
  StatusOr<std::vector<HistoryEntry>> History(const std::string& member_id, int limit) override;
  StatusOr<Redemption> Redeem(const std::string& member_id, const RedeemRequest& request) override;
  StatusOr<StatusChangeResult> ChangeStatus(const std::string& member_id,
                                            const StatusChange& change) override;
  StatusOr<ReissueRequest> RequestReissue(const std::string& member_id,
                                          const std::string& idempotency_key,
                                          const Date& today) override;
  StatusOr<Verification> Verify(const VerifyRequest& request) override;
  StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string& program,
                                                 const Date& on) override;
  StatusOr<MemberRank> Rank(const std::string& program, const std::string& member_id,
                            const Date& as_of) override;

 private:
  // Runs `fn(store, member)` in one transaction after loading the member (not_found when there
  // is none; a write locks the member's row first). Commits when `fn` succeeds; otherwise rolls
  // back, so a refused call leaves nothing behind.
  template <typename T, typename Fn>
  StatusOr<T> WithMember(LedgerDatabase::Access access, const std::string& member_id, Fn fn);

  const kb::Program* FindProgram(const std::string& id) const;
  // The rules of the member's program; not_found when the program is no longer configured.
  StatusOr<const kb::Program*> ProgramOf(const Member& member) const;
  TimePoint Now() const { return now_->Now(); }
  // A hash of the configured cost to verify against when there is no real one (see
  // CheckAnswers); computed on first use, since it costs as much as one verification.
  const std::string& DummyHash();

  const LedgerCoreOptions options_;
  std::map<std::string, kb::Program> programs_;
  const NowSource* now_;
  const std::unique_ptr<LedgerDatabase> database_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_LEDGER_CORE_H_
