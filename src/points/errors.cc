#include "points/errors.h"

#include <cstring>

#include "points/points_core.h"

namespace madoguchi::points {

StatusCode CodeForReason(const std::string& reason) {
  struct Row {
    const char* reason;
    StatusCode code;
  };
  static constexpr Row kRows[] = {
      {kReasonNotFound, StatusCode::kNotFound},
      {kReasonInvalidArgument, StatusCode::kInvalidArgument},
      {kReasonAlreadyExists, StatusCode::kAlreadyExists},
      {kReasonExchangeClosed, StatusCode::kFailedPrecondition},
      {kReasonInsufficientPoints, StatusCode::kFailedPrecondition},
      {kReasonNotEligible, StatusCode::kFailedPrecondition},
      {kReasonNoRanks, StatusCode::kFailedPrecondition},
      {kReasonLocked, StatusCode::kResourceExhausted},
      {kReasonUnavailable, StatusCode::kUnavailable},
  };
  for (const Row& r : kRows) {
    if (reason == r.reason) return r.code;
  }
  return StatusCode::kInternal;
}

Status PointsError(const char* reason, std::string message) {
  return Status(CodeForReason(reason), std::move(message), reason);
}

Status MemberNotFound() {
  return PointsError(kReasonNotFound, "その会員番号は登録されていません。");
}

Status ProgramNotFound(const std::string& program) {
  return PointsError(kReasonNotFound, "プログラム「" + program + "」はありません。");
}

Status BadArgument(std::string message) {
  return PointsError(kReasonInvalidArgument, std::move(message));
}

}  // namespace madoguchi::points
