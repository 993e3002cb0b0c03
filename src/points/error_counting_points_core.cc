#include "points/error_counting_points_core.h"

#include <utility>

namespace madoguchi::points {

bool IsPointsInfrastructureError(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kInternal;
}

ErrorCountingPointsCore::ErrorCountingPointsCore(std::unique_ptr<PointsCore> inner,
                                                 PointsErrorHook on_error)
    : inner_(std::move(inner)), on_error_(std::move(on_error)) {}

template <typename T>
StatusOr<T> ErrorCountingPointsCore::Report(std::string_view op, StatusOr<T> result) const {
  if (on_error_ && IsPointsInfrastructureError(result.status())) {
    on_error_(op, result.status().code());
  }
  return result;
}

StatusOr<Member> ErrorCountingPointsCore::CreateMember(const NewMember& member) {
  return Report("create_member", inner_->CreateMember(member));
}

StatusOr<Member> ErrorCountingPointsCore::GetMember(const std::string& member_id) {
  return Report("get_member", inner_->GetMember(member_id));
}

StatusOr<Lot> ErrorCountingPointsCore::Grant(const std::string& member_id,
                                             const GrantRequest& grant) {
  return Report("grant", inner_->Grant(member_id, grant));
}

StatusOr<PointBalance> ErrorCountingPointsCore::Balance(const std::string& member_id,
                                                        const Date& as_of) {
  return Report("balance", inner_->Balance(member_id, as_of));
}

StatusOr<std::vector<HistoryEntry>> ErrorCountingPointsCore::History(const std::string& member_id,
                                                                     int limit) {
  return Report("history", inner_->History(member_id, limit));
}

StatusOr<Redemption> ErrorCountingPointsCore::Redeem(const std::string& member_id,
                                                     const RedeemRequest& request) {
  return Report("redeem", inner_->Redeem(member_id, request));
}

StatusOr<StatusChangeResult> ErrorCountingPointsCore::ChangeStatus(const std::string& member_id,
                                                                   const StatusChange& change) {
  return Report("change_status", inner_->ChangeStatus(member_id, change));
}

StatusOr<ReissueRequest> ErrorCountingPointsCore::RequestReissue(const std::string& member_id,
                                                                 const std::string& idempotency_key,
                                                                 const Date& today) {
  return Report("request_reissue", inner_->RequestReissue(member_id, idempotency_key, today));
}

StatusOr<Verification> ErrorCountingPointsCore::Verify(const VerifyRequest& request) {
  return Report("verify", inner_->Verify(request));
}

StatusOr<rules::ExchangeWindow> ErrorCountingPointsCore::ExchangeWindow(const std::string& program,
                                                                        const Date& on) {
  return Report("exchange_window", inner_->ExchangeWindow(program, on));
}

StatusOr<MemberRank> ErrorCountingPointsCore::Rank(const std::string& program,
                                                   const std::string& member_id,
                                                   const Date& as_of) {
  return Report("rank", inner_->Rank(program, member_id, as_of));
}

}  // namespace madoguchi::points
