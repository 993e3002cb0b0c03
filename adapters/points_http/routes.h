// Every route of the points API, registered from one table (routes.cc). Handlers parse the
// request, call PointsCore, and turn the result into JSON; errors go through HttpErrorFor.
// Handlers run concurrently on the server's threads and share only the (thread-safe) context.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_

#include "base/date.h"
#include "points/points_core.h"

namespace httplib {
class Server;
}

namespace madoguchi::points_http {

// What handlers need. Borrowed: must outlive the server the routes are registered on.
struct RouteContext {
  points::PointsCore& core;
  const Clock& clock;  // "today" for requests that leave a date out
};

void RegisterRoutes(httplib::Server& server, const RouteContext& context);

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_
