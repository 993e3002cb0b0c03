#include "http/routes.h"

#include <httplib.h>

#include <iostream>
#include <string>

#include "base/date.h"
#include "generic/api.h"
#include "http/api_error.h"
#include "http/json_body.h"
#include "http/link_form.h"
#include "http/link_page.h"
#include "staff/staff_api.h"

namespace madoguchi::http {

namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kPrometheus[] = "text/plain; version=0.0.4; charset=utf-8";
// Link tokens are 32 characters; anything much longer is not one.
constexpr size_t kMaxTokenBytes = 128;

struct Reply {
  int status = 200;
  const char* content_type = kJson;
  std::string body;
};

void LogFailure(const RouteContext& c, const httplib::Request& req, const Status& s) {
  if (!c.log_errors || HttpStatusFor(s) < 500) return;
  // Operator detail only: statuses never hold what a member typed. One write, so lines of
  // concurrent requests do not interleave.
  std::cerr << ("madoguchi: " + req.method + " " + req.path + ": " + s.ToString() + "\n");
}

Reply JsonError(const RouteContext& c, const httplib::Request& req, const Status& s) {
  LogFailure(c, req, s);
  return {HttpStatusFor(s), kJson, Dump(ErrorJson(s))};
}

Reply Json(const RouteContext& c, const httplib::Request& req,
           const StatusOr<nlohmann::ordered_json>& result) {
  if (!result.ok()) return JsonError(c, req, result.status());
  return {200, kJson, Dump(*result)};
}

Reply Page(const Status& s, std::string html) {
  return {s.ok() ? 200 : HttpStatusFor(s), kHtml, std::move(html)};
}

// --- handlers, one per route -----------------------------------------------------------------

Reply Health(const RouteContext&, const httplib::Request&) {
  return {200, kJson, R"({"status":"ok"})"};
}

Reply NotReady(const RouteContext& c, const httplib::Request& req, const char* check,
               const Status& s) {
  LogFailure(c, req, s);
  nlohmann::ordered_json j;
  j["status"] = "not_ready";
  j["check"] = check;
  return {503, kJson, Dump(j)};
}

// Ready when the conversation store takes writes, the knowledge base is loaded and the points
// core answers: a load balancer then sends members only to instances that can answer them
// fully. The points check is a cheap read (an exchange window), not a member's data.
Reply Ready(const RouteContext& c, const httplib::Request& req) {
  Status writable = c.helpdesk.store().CheckWritable();
  if (!writable.ok()) return NotReady(c, req, "database", Unavailable(writable.ToString()));
  const auto& programs = c.helpdesk.engine().knowledge_base().programs;
  if (programs.empty()) return NotReady(c, req, "knowledge_base", Unavailable("no programs"));
  StatusOr<rules::ExchangeWindow> window =
      c.helpdesk.points().ExchangeWindow(programs.begin()->first, SystemClock().Today());
  if (!window.ok() && (window.status().code() == StatusCode::kUnavailable ||
                       window.status().code() == StatusCode::kInternal)) {
    return NotReady(c, req, "points_core", window.status());
  }
  return {200, kJson, R"({"status":"ready"})"};
}

Reply Metrics(const RouteContext& c, const httplib::Request&) {
  if (c.metrics == nullptr) return {404, kJson, Dump(ErrorJson(NoRouteError()))};
  return {200, kPrometheus, c.metrics->Render()};
}

void CountOutcomes(const RouteContext& c, const StatusOr<nlohmann::ordered_json>& result) {
  if (c.metrics == nullptr || !result.ok()) return;
  if (auto it = result->find("outcome"); it != result->end() && it->is_string()) {
    CountOutcome(*c.metrics, it->get<std::string>());
  }
  if (auto it = result->find("messages"); it != result->end() && it->is_array()) {
    for (const auto& m : *it) {
      if (auto o = m.find("outcome"); o != m.end() && o->is_string()) {
        CountOutcome(*c.metrics, o->get<std::string>());
      }
    }
  }
}

Reply Messages(const RouteContext& c, const httplib::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  if (c.message_limiter != nullptr) {
    // Keyed by who the conversation is with, so one chatty user cannot starve the others.
    // Bodies without the fields are refused by PostMessage below; they are not limited here.
    const auto user = body->find("channel_user");
    const auto program = body->find("program");
    if (user != body->end() && user->is_string()) {
      std::string key = user->get<std::string>();
      if (program != body->end() && program->is_string()) {
        key = program->get<std::string>() + '\n' + key;
      }
      if (!c.message_limiter->Allow(key)) {
        return JsonError(
            c, req,
            Status(StatusCode::kResourceExhausted,
                   "メッセージが多すぎます。少し時間をおいてからもう一度お送りください。",
                   "rate_limited"));
      }
    }
  }
  StatusOr<nlohmann::ordered_json> result = generic::PostMessage(c.helpdesk, *body, c.limits);
  CountOutcomes(c, result);
  return Json(c, req, result);
}

Reply Ask(const RouteContext& c, const httplib::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  StatusOr<nlohmann::ordered_json> result = generic::PostAsk(c.helpdesk, *body, c.limits);
  CountOutcomes(c, result);
  return Json(c, req, result);
}

// --- staff: the token check is the server's (server.cc, IsStaffApiPath) ---------------------

int LimitParam(const httplib::Request& req, int fallback) {
  const std::string v = req.get_param_value("limit");
  if (v.empty() || v.size() > 4) return fallback;
  int n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return fallback;
    n = n * 10 + (ch - '0');
  }
  return n;
}

Reply JsonOf(const RouteContext& c, const httplib::Request& req,
             const StatusOr<nlohmann::json>& result) {
  if (!result.ok()) return JsonError(c, req, result.status());
  return {200, kJson, Dump(*result)};
}

Reply StaffPage(const RouteContext&, const httplib::Request&) {
  return {200, kHtml, staff::StaffPageHtml()};
}

Reply StaffSearch(const RouteContext& c, const httplib::Request& req) {
  return JsonOf(c, req,
                staff::Search(c.helpdesk, req.get_param_value("program"), req.get_param_value("q"),
                              LimitParam(req, 10)));
}

Reply StaffUnanswered(const RouteContext& c, const httplib::Request& req) {
  return JsonOf(c, req,
                staff::Unanswered(c.helpdesk, req.get_param_value("program"), LimitParam(req, 50)));
}

Reply StaffFeedback(const RouteContext& c, const httplib::Request& req) {
  return JsonOf(
      c, req,
      staff::FeedbackSummary(c.helpdesk, req.get_param_value("program"), LimitParam(req, 50)));
}

// --- channels: the signature is the credential, checked by the adapters ----------------------

Reply LineWebhook(const RouteContext& c, const httplib::Request& req) {
  if (c.line_webhook == nullptr) return {404, kJson, Dump(ErrorJson(NoRouteError()))};
  const std::string channel = req.matches.size() > 1 ? req.matches[1].str() : std::string();
  line::WebhookResponse r =
      c.line_webhook->Handle(channel, req.body, req.get_header_value("X-Line-Signature"));
  if (c.log_errors && r.http_status >= 500) {
    std::cerr << ("madoguchi: LINE webhook " + channel + ": " + r.error + "\n");
  }
  return {r.http_status, kJson, std::move(r.body)};
}

Reply SlackWebhook(const RouteContext& c, const httplib::Request& req) {
  if (c.slack_events == nullptr) return {404, kJson, Dump(ErrorJson(NoRouteError()))};
  slack::SlackRequestHeaders h;
  h.signature = req.get_header_value("X-Slack-Signature");
  h.timestamp = req.get_header_value("X-Slack-Request-Timestamp");
  h.retry_num = req.get_header_value("X-Slack-Retry-Num");
  h.content_type = req.get_header_value("Content-Type");
  slack::SlackResponse r = c.slack_events->Handle(req.body, h);
  if (c.log_errors && r.http_status >= 500) {
    std::cerr << ("madoguchi: Slack webhook: " + r.error + "\n");
  }
  return {r.http_status, kJson, std::move(r.body)};
}

// The program of a valid token, or the page that says why there is none.
StatusOr<std::string> ProgramOfToken(const RouteContext& c, const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Status(StatusCode::kNotFound, "no such link token", "link_token_gone");
  }
  StatusOr<store::LinkToken> t = c.helpdesk.linker().Peek(token);
  if (!t.ok()) return t.status();
  const kb::ProgramKb* program = c.helpdesk.engine().knowledge_base().Find(t->program);
  return program != nullptr ? program->program.name : std::string();
}

Reply FailurePage(const RouteContext& c, const httplib::Request& req, const Status& s,
                  const std::string& program_name, const std::string& token) {
  LogFailure(c, req, s);
  LinkFailure failure = ClassifyLinkFailure(s);
  std::string message = LinkFailureMessage(failure);
  // Where the token still works, the form stays so the member can correct or retry.
  if (failure == LinkFailure::kRetry || failure == LinkFailure::kUnavailable) {
    return Page(s, RenderLinkForm(program_name, token, message));
  }
  return Page(s, RenderLinkMessage(message));
}

Reply LinkPage(const RouteContext& c, const httplib::Request& req) {
  std::string token = req.get_param_value("token");
  StatusOr<std::string> program = ProgramOfToken(c, token);
  if (!program.ok()) return FailurePage(c, req, program.status(), "", token);
  return Page(Status::Ok(), RenderLinkForm(*program, token, ""));
}

Reply LinkSubmit(const RouteContext& c, const httplib::Request& req) {
  std::string token = req.get_param_value("token");
  StatusOr<std::string> program = ProgramOfToken(c, token);
  if (!program.ok()) return FailurePage(c, req, program.status(), "", token);
  LinkFormInput input{req.get_param_value("member_id"), req.get_param_value("birth_date"),
                      req.get_param_value("auth_code")};
  StatusOr<LinkFormFields> fields = ReadLinkForm(input, c.helpdesk.normalizer());
  if (!fields.ok()) {
    return Page(fields.status(), RenderLinkForm(*program, token, fields.status().message()));
  }
  Status linked =
      c.helpdesk.linker().Complete(token, fields->member_id, fields->birth_date, fields->auth_code);
  if (!linked.ok()) return FailurePage(c, req, linked, *program, token);
  return Page(Status::Ok(), RenderLinkDone(*program));
}

using Handler = Reply (*)(const RouteContext&, const httplib::Request&);

struct Route {
  const char* method;
  const char* path;  // httplib's pattern (a regex)
  // The metrics and log label; for a pattern with a capture, what precedes '{' is the prefix
  // the path starts with.
  const char* label;
  Handler handler;
};

// The whole service. The bearer check (server.cc) guards every path under /api/: staff paths
// (IsStaffApiPath) with the staff tokens, the rest with the API token.
constexpr Route kRoutes[] = {
    {"GET", "/healthz", "/healthz", Health},
    {"GET", "/readyz", "/readyz", Ready},
    {"GET", "/metrics", "/metrics", Metrics},
    {"POST", "/api/v1/messages", "/api/v1/messages", Messages},
    {"POST", "/api/v1/ask", "/api/v1/ask", Ask},
    {"GET", "/api/v1/search", "/api/v1/search", StaffSearch},
    {"GET", "/api/v1/staff/unanswered", "/api/v1/staff/unanswered", StaffUnanswered},
    {"GET", "/api/v1/staff/feedback", "/api/v1/staff/feedback", StaffFeedback},
    {"GET", "/staff", "/staff", StaffPage},
    {"GET", "/link", "/link", LinkPage},
    {"POST", "/link", "/link", LinkSubmit},
    {"POST", R"(/webhook/line/([A-Za-z0-9_-]+))", "/webhook/line/{channel}", LineWebhook},
    {"POST", "/webhook/slack", "/webhook/slack", SlackWebhook},
};

void SetSecurityHeaders(const Reply& reply, httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  // Answers may hold a member's own points; link pages carry a one-time token.
  res.set_header("Cache-Control", "no-store");
  if (reply.content_type == kHtml) {
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                   "frame-ancestors 'none'; base-uri 'none'");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
  }
}

}  // namespace

std::string_view RouteLabel(std::string_view method, std::string_view path) {
  for (const Route& route : kRoutes) {
    if (method != route.method) continue;
    const std::string_view label = route.label;
    const size_t brace = label.find('{');
    if (brace == std::string_view::npos
            ? path == label
            : path.substr(0, brace) == label.substr(0, brace) && path.size() > brace) {
      return label;
    }
  }
  return "unmatched";
}

bool IsStaffApiPath(std::string_view path) {
  return path == "/api/v1/search" || path.rfind("/api/v1/staff/", 0) == 0 ||
         path.rfind("/api/v1/kb/", 0) == 0;
}

void CountOutcome(ops::Registry& metrics, std::string_view outcome) {
  metrics
      .GetCounter("madoguchi_outcomes_total", "Replies by outcome (answer, clarify, fallback).",
                  {{"outcome", std::string(outcome)}})
      .Inc();
}

void RegisterRoutes(httplib::Server& server, const RouteContext& context) {
  for (const Route& route : kRoutes) {
    httplib::Server::Handler fn = [&context, handler = route.handler](const httplib::Request& req,
                                                                      httplib::Response& res) {
      Reply reply = handler(context, req);
      res.status = reply.status;
      SetSecurityHeaders(reply, res);
      res.set_content(reply.body, reply.content_type);
    };
    if (std::string_view(route.method) == "GET") {
      server.Get(route.path, std::move(fn));
    } else {
      server.Post(route.path, std::move(fn));
    }
  }
}

}  // namespace madoguchi::http
