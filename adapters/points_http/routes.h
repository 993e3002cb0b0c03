// Every route of the points API, registered from one table (routes.cc). Handlers parse the
// request, call PointsCore, and turn the result into JSON; errors go through HttpErrorFor.
// Handlers run concurrently on the server's threads and share only the (thread-safe) context.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_

#include <functional>

#include "base/date.h"
#include "base/status.h"
#include "points/points_core.h"

namespace madoguchi::http_front {
struct Request;
struct Response;
}  // namespace madoguchi::http_front

namespace madoguchi::points_http {

// What handlers need. Borrowed: must outlive the server the routes are registered on.
struct RouteContext {
  points::PointsCore& core;
  const Clock& clock;  // "today" for requests that leave a date out
  // Told why GET /readyz answered 503 (PointsHttpServerOptions::on_not_ready). May be empty.
  std::function<void(const Status&)> on_not_ready;
};

// Answers a request that passed the bearer check (server.cc): its route's handler, with the
// path's captures in req.path_params, or 404 {"error": "no_route"}.
void ServeRoute(const RouteContext& context, http_front::Request& req, http_front::Response& res);

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_ROUTES_H_
