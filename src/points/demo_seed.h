// Demo members for a fresh points database, one per interesting state, so a new user of
// `madoguchi points seed-demo` knows whom to ask about what.
//
// The auth codes are printed on purpose: these members exist only in demo databases. Nothing
// else in madoguchi ever shows an auth code.
//
// Thread safety: SeedDemo only calls the core (thread-safe), but its descriptions assume nothing
// else changes the demo members while it runs. It keeps no reference to its arguments.
#ifndef MADOGUCHI_POINTS_DEMO_SEED_H_
#define MADOGUCHI_POINTS_DEMO_SEED_H_

#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "kb/program.h"
#include "points/points_core.h"

namespace madoguchi::points {

struct DemoMember {
  std::string member_id;
  std::string program;
  Date birth_date;
  std::string auth_code;  // the demo member's code, for trying strong verification
  std::string state;  // Japanese: what this member shows (残高と失効予定, 退職で失効, ロック中 …)
};

// Creates the demo members of the programs in `programs` that have demo members (kagawa:
// points lapsing at this fiscal year's end, retired with forfeited points, locked after failed
// verifications, a reissue already requested, a fresh member; ibaraki: just short of a rank, a
// fresh member). Dates are relative to `today`; `programs` must be the rules `core` applies,
// which the seeder reads to describe each state. already_exists when the store already holds
// them; not_found when no program in `programs` has demo members.
StatusOr<std::vector<DemoMember>> SeedDemo(PointsCore& core,
                                           const std::vector<kb::Program>& programs,
                                           const Date& today);

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_DEMO_SEED_H_
