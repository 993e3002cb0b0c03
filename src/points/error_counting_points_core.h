// A PointsCore that forwards every call to another one and reports the calls that failed
// because the core could not answer, so /metrics can show an outage of the ledger (the points
// core down, timing out, or broken) apart from members' ordinary questions.
//
// Reported: kUnavailable (the core cannot be reached or timed out — the HTTP client reports
// both so — or its store is down) and kInternal (a bug, a broken invariant, an unreadable
// answer). Status has no DeadlineExceeded or Unknown codes; such failures arrive as these two.
// Not reported: every other code. They are the core's answer about the request, not a failure
// of the core: not_found for a wrong or unknown member number, locked after repeated wrong
// verifications, exchange_closed, not_eligible, insufficient_points, invalid_argument, a
// verification that does not match (which is verified = false, not an error at all).
//
// The report is a plain callback so the domain does not depend on the metrics library; the
// service wires it to a counter (madoguchi_points_core_errors_total{op, code}).
//
// Ownership: owns the wrapped core. Thread safety: as thread-safe as the wrapped core and the
// callback, which is called on the caller's thread, after the call, and must be thread-safe.
#ifndef MADOGUCHI_POINTS_ERROR_COUNTING_POINTS_CORE_H_
#define MADOGUCHI_POINTS_ERROR_COUNTING_POINTS_CORE_H_

#include <functional>
#include <memory>
#include <string_view>

#include "points/points_core.h"

namespace madoguchi::points {

// `op` names the call in snake case: "create_member", "get_member", "grant", "balance", "history",
// "redeem", "change_status", "request_reissue", "verify", "exchange_window", "rank".
using PointsErrorHook = std::function<void(std::string_view op, StatusCode code)>;

// Whether a status of the points core means it could not answer (see above).
bool IsPointsInfrastructureError(const Status& status);

class ErrorCountingPointsCore : public PointsCore {
 public:
  // `inner` is required; a null `on_error` reports nothing.
  ErrorCountingPointsCore(std::unique_ptr<PointsCore> inner, PointsErrorHook on_error);

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
  template <typename T>
  StatusOr<T> Report(std::string_view op, StatusOr<T> result) const;

  std::unique_ptr<PointsCore> inner_;
  PointsErrorHook on_error_;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_ERROR_COUNTING_POINTS_CORE_H_
