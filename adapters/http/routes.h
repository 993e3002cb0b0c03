// Every route of the service, registered from one table (routes.cc). A handler parses the
// request, calls the service, and maps the result: JSON errors and page statuses all go through
// HttpStatusFor (api_error.h).
//
//   GET  /healthz           {"status": "ok"} while the process serves; no token
//   GET  /readyz            {"status": "ready", "points_core": "ok"|"unavailable"} when the
//                           conversation store and the inbox take a real write (a heartbeat
//                           row each) and the knowledge base is loaded; else 503 naming the
//                           failed check ("database", "inbox", "knowledge_base"). A points core
//                           that does not answer is reported but keeps the service ready: FAQ
//                           answers need no ledger
//   GET  /metrics           Prometheus text (ops::Registry); no token
//   POST /api/v1/messages   the generic channel (adapters/generic); bearer token; per-user limit
//   POST /api/v1/ask        a one-shot question, the `madoguchi ask --json` object; bearer token
//   GET  /api/v1/search     staff search (adapters/staff); staff token
//   GET  /api/v1/staff/unanswered, /api/v1/staff/feedback   staff token
//   POST /api/v1/kb/reload  re-reads the knowledge base (service::Helpdesk::ReloadKnowledge);
//                           staff token; body empty or a JSON object. 200 {"status":
//                           "reloaded", "programs": {id: entries}, "took_ms": n}; a knowledge
//                           base with mistakes is 409 {"error": "kb_invalid", "message",
//                           "detail": the loader's problems} and the previous one keeps serving
//   GET  /staff             the staff page (static HTML; its calls carry the staff token)
//   GET  /link?token=…      the account-link form (HTML); the one-time token is the credential
//   POST /link              the form submitted (application/x-www-form-urlencoded): binds the
//                           conversation (200, a "done" page), or, for a conversation on LINE
//                           when RouteContext::issue_line_link_token is set, binds nothing and
//                           answers 303 to LINE's account-link dialog
//                           (<line_access_base_url>/dialog/bot/accountLink?linkToken=…&nonce=…);
//                           LINE's accountLink event then completes the link (LineWorkerHooks::
//                           on_account_link). Wrong details never reach LINE; LINE failing to
//                           issue a link token is a 503 page that keeps the form
//   POST /webhook/line/{channel}   LINE webhooks; the signature is the credential
//   POST /webhook/slack     Slack Events API; the signature is the credential
#ifndef MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_
#define MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_

#include <functional>
#include <string>
#include <string_view>

#include "generic/wire.h"
#include "line/channel.h"
#include "line/webhook.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/rate_limiter.h"
#include "service/helpdesk.h"
#include "slack/handler.h"
#include "staff/staff_api.h"
#include "store/inbox.h"

namespace madoguchi::http_front {
struct Request;
struct Response;
}  // namespace madoguchi::http_front

namespace madoguchi::http {

// What handlers need. Borrowed: must outlive the server the routes are registered on. Handlers
// run on the server's worker threads at once and only read the context; the helpdesk is
// thread-safe.
struct RouteContext {
  service::Helpdesk& helpdesk;
  generic::Limits limits;
  // Logs the operator detail of 5xx errors to stderr (never a request's content). Default: off.
  bool log_errors = false;
  // The optional parts; a null one leaves its routes answering 404.
  const line::LineWebhookHandler* line_webhook = nullptr;
  const slack::SlackEventsHandler* slack_events = nullptr;
  // The channels' inbox: /readyz writes to it. Null without channels.
  store::Inbox* inbox = nullptr;
  // Outcome counters are updated from generic replies; /metrics renders it.
  ops::Registry* metrics = nullptr;
  // Per-user limit of POST /api/v1/messages (this process's, or shared by the replicas).
  ops::MessageLimiter* message_limiter = nullptr;
  // The tokens of the staff paths (IsStaffApiPath); null or empty: they refuse every request.
  const staff::StaffTokens* staff_tokens = nullptr;
  // One structured line per request (server.cc); null: the plain access log, if enabled.
  const ops::Logger* logger = nullptr;
  // LINE's account-link flow for link pages of conversations on channel "line". Given the
  // LINE channel's name the link was asked through (LinkToken::account) and the LINE user id,
  // returns a LINE link token for that user (LineClient::IssueLinkToken, through that channel).
  // Errors: NotFound (no such channel), and the client's (Unavailable when LINE cannot be
  // reached); any error leaves the page token usable and binds nothing. Called on the server's
  // threads, so it must be thread-safe, and must outlive the server. Null: LINE conversations
  // link on the page itself, like every other channel.
  std::function<StatusOr<std::string>(const std::string& line_channel, const std::string& user_id)>
      issue_line_link_token = {};
  // Where the member is sent with the link token and nonce; its origin is added to the link
  // page's Content-Security-Policy form-action, which browsers apply to the redirect too.
  std::string line_access_base_url = line::kDefaultAccessBaseUrl;
};

// Answers a request that passed the server's checks (server.cc): its route's handler, or 404
// {"error": "no_route"}. Called on the server's worker threads.
void ServeRoute(const RouteContext& context, const http_front::Request& req,
                http_front::Response& res);

// The label a request is counted under in /metrics and the log: the route's pattern
// ("/webhook/line/{channel}"), so channel names and query strings never multiply series;
// "unmatched" for paths no route serves.
std::string_view RouteLabel(std::string_view method, std::string_view path);

// The same, with the route's place in the table: `index` < RouteCount(), the last index being
// "unmatched". Lets per-route state live in an array instead of a map keyed by label.
struct RouteMatch {
  size_t index;
  std::string_view label;  // static storage
};
RouteMatch MatchRoute(std::string_view method, std::string_view path);
size_t RouteCount();

// Whether a path under /api/ takes the staff token instead of the API token.
bool IsStaffApiPath(std::string_view path);

// Counts a reply's outcome ("answer", "clarify", "fallback") under madoguchi_outcomes_total.
void CountOutcome(ops::Registry& metrics, std::string_view outcome);

// Creates the series of CountOutcome and CountKbReload at 0, so a scrape sees them from the
// start: a rate over a series that appears only with its first increment misses that increment.
void DeclareCounters(ops::Registry& metrics);

// Counts a knowledge-base reload under madoguchi_knowledge_base_reloads_total{result="ok"|
// "error"}: the route's and `madoguchi serve`'s SIGHUP.
void CountKbReload(ops::Registry& metrics, const Status& result);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_ROUTES_H_
