#include "points/points_core.h"

#include "text/era.h"

namespace madoguchi::points {

const char* MemberStatusName(MemberStatus status) {
  switch (status) {
    case MemberStatus::kActive:
      return "active";
    case MemberStatus::kRetired:
      return "retired";
    case MemberStatus::kVoluntary:
      return "voluntary";
    case MemberStatus::kDependent:
      return "dependent";
  }
  return "active";
}

std::optional<MemberStatus> ParseMemberStatus(std::string_view name) {
  for (MemberStatus s : {MemberStatus::kActive, MemberStatus::kRetired, MemberStatus::kVoluntary,
                         MemberStatus::kDependent}) {
    if (name == MemberStatusName(s)) return s;
  }
  return std::nullopt;
}

const char* HistoryKindName(HistoryEntry::Kind kind) {
  switch (kind) {
    case HistoryEntry::Kind::kGrant:
      return "grant";
    case HistoryEntry::Kind::kRedemption:
      return "redemption";
    case HistoryEntry::Kind::kForfeit:
      return "forfeit";
  }
  return "grant";
}

const char* VerificationLevelName(VerificationLevel level) {
  switch (level) {
    case VerificationLevel::kNone:
      return "none";
    case VerificationLevel::kWeak:
      return "weak";
    case VerificationLevel::kStrong:
      return "strong";
  }
  return "none";
}

std::string FormatPoints(int64_t points) { return text::FormatNumber(points) + "ポイント"; }

}  // namespace madoguchi::points
