#include "http/routes.h"

#include <httplib.h>

#include <iostream>
#include <string>

#include "generic/api.h"
#include "http/api_error.h"
#include "http/json_body.h"
#include "http/link_form.h"
#include "http/link_page.h"

namespace madoguchi::http {

namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kHtml[] = "text/html; charset=utf-8";
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

// Ready when the conversation store takes writes. A points core that is down does not make the
// service unready: members are still answered, with an apology for live questions.
Reply Ready(const RouteContext& c, const httplib::Request& req) {
  Status writable = c.helpdesk.store().CheckWritable();
  if (!writable.ok()) return JsonError(c, req, Unavailable(writable.ToString()));
  return {200, kJson, R"({"status":"ready"})"};
}

Reply Messages(const RouteContext& c, const httplib::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  return Json(c, req, generic::PostMessage(c.helpdesk, *body, c.limits));
}

Reply Ask(const RouteContext& c, const httplib::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  return Json(c, req, generic::PostAsk(c.helpdesk, *body, c.limits));
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
  const char* path;
  Handler handler;
};

// The whole service. The bearer check (server.cc) guards every path under /api/.
constexpr Route kRoutes[] = {
    {"GET", "/healthz", Health},
    {"GET", "/readyz", Ready},
    {"POST", "/api/v1/messages", Messages},
    {"POST", "/api/v1/ask", Ask},
    {"GET", "/link", LinkPage},
    {"POST", "/link", LinkSubmit},
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
