// The embedded points core: PointsCore over a SQLite file (schema in ledger_schema.cc).
//
// Every change runs in one write transaction (BEGIN IMMEDIATE) together with its audit row, so a
// change is all there or not at all, and a decision made from what the transaction read (a
// balance, a lock, an earlier reissue) still holds when it commits, also against other processes
// using the same file.
//
// Thread safety: thread-safe; calls from many threads share a pool of connections.
// Ownership: owns its connections; `options.now` is borrowed and must outlive the core.
#ifndef MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_
#define MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/sqlite_pool.h"
#include "kb/program.h"
#include "points/auth_code.h"
#include "points/now.h"
#include "points/points_core.h"
#include "points/verification.h"

namespace madoguchi::points {

struct SqlitePointsCoreOptions {
  // The database file, created when missing. Required.
  std::string db_path;
  // The programs whose rules apply, by id (copied). A member's program must be one of them.
  std::vector<kb::Program> programs;
  // Instants for lockouts. Default: nullptr, the system clock.
  const NowSource* now = nullptr;
  // Connections opened at most; more threads than this wait their turn. Default: 4.
  int max_connections = 4;
  // SQLite settings (busy timeout 5 s, synchronous=FULL). Default: SqliteOptions{}.
  db::SqliteOptions sqlite;
  // Failures (within the lock's length) before a lock, and its length; applies to member numbers
  // and requesters alike (verification.h). Default: 5 failures, one hour.
  LockoutPolicy lockout;
  // PBKDF2 cost for new auth-code hashes; existing hashes keep theirs. Tests lower it to stay
  // fast. Default: kDefaultPbkdf2Iterations.
  int pbkdf2_iterations = kDefaultPbkdf2Iterations;
};

class SqlitePointsCore final : public PointsCore {
 public:
  // Opens the file and creates or checks its tables. `unavailable` when the file cannot be opened;
  // invalid_argument when options are incomplete.
  static StatusOr<std::unique_ptr<SqlitePointsCore>> Open(SqlitePointsCoreOptions options);

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
  explicit SqlitePointsCore(SqlitePointsCoreOptions options);

  const kb::Program* FindProgram(const std::string& id) const;
  // The rules of the member's program; not_found when the program is no longer configured.
  StatusOr<const kb::Program*> ProgramOf(const Member& member) const;
  TimePoint Now() const { return now_->Now(); }
  // A hash of the configured cost to verify against when there is no real one (see
  // CheckAnswers); computed on first use, since it costs as much as one verification.
  const std::string& DummyHash();

  SqlitePointsCoreOptions options_;
  std::map<std::string, kb::Program> programs_;
  const NowSource* now_;
  db::SqlitePool pool_;
  // The salt of verification guard keys (ledger_meta.guard_salt), read once at Open.
  std::string guard_salt_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_SQLITE_POINTS_CORE_H_
