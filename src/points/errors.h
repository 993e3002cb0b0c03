// Building the typed errors of points_core.h, so every site spells a reason the same way.
// Pure functions; thread-safe.
#ifndef MADOGUCHI_POINTS_ERRORS_H_
#define MADOGUCHI_POINTS_ERRORS_H_

#include <string>

#include "base/status.h"

namespace madoguchi::points {

// The StatusCode each reason of points_core.h travels with.
StatusCode CodeForReason(const std::string& reason);

// A status whose code follows from `reason` (see CodeForReason).
Status PointsError(const char* reason, std::string message);

// Does not name the number: messages reach logs, and member numbers are personal data.
Status MemberNotFound();
Status ProgramNotFound(const std::string& program);
Status BadArgument(std::string message);  // reason invalid_argument

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_ERRORS_H_
