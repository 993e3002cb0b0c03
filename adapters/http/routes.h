// Every route of the service, registered from one table (routes.cc). A handler parses the
// request, calls the service, and maps the result: JSON errors and page statuses all go through
// HttpStatusFor (api_error.h).
//
//   GET  /healthz           {"status": "ok"} while the process serves; no token
//   GET  /readyz            {"status": "ready"} when the conversation store takes writes, else 503
//   POST /api/v1/messages   the generic channel (adapters/generic); bearer token
//   POST /api/v1/ask        a one-shot question, the `madoguchi ask --json` object; bearer token
//   GET  /link?token=…      the account-link form (HTML); the one-time token is the credential
//   POST /link              the form submitted (application/x-www-form-urlencoded)
#ifndef MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_
#define MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_

#include "generic/wire.h"
#include "service/helpdesk.h"

namespace httplib {
class Server;
}

namespace madoguchi::http {

// What handlers need. Borrowed: must outlive the server the routes are registered on. Handlers
// run on the server's worker threads at once and only read the context; the helpdesk is
// thread-safe.
struct RouteContext {
  service::Helpdesk& helpdesk;
  generic::Limits limits;
  // Logs the operator detail of 5xx errors to stderr (never a request's content). Default: off.
  bool log_errors = false;
};

void RegisterRoutes(httplib::Server& server, const RouteContext& context);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_
