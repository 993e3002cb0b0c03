#include "http/routes.h"

#include <cctype>
#include <chrono>
#include <iostream>
#include <iterator>
#include <string>

#include "base/date.h"
#include "generic/api.h"
#include "http/api_error.h"
#include "http/json_body.h"
#include "http/link_form.h"
#include "http/link_page.h"
#include "http_front/request.h"
#include "staff/staff_api.h"

namespace madoguchi::http {

namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJavaScript[] = "text/javascript; charset=utf-8";
constexpr char kCss[] = "text/css; charset=utf-8";
constexpr char kPrometheus[] = "text/plain; version=0.0.4; charset=utf-8";
// Link tokens are 32 characters; anything much longer is not one.
constexpr size_t kMaxTokenBytes = 128;

struct Reply {
  int status = 200;
  const char* content_type = kJson;
  std::string body;
  std::string location{};     // sent as Location when not empty (a redirect)
  std::string form_action{};  // an origin the page's forms may submit to besides 'self'
  // The staff console: its script, style sheet and API calls come from the service itself,
  // which its Content-Security-Policy allows (and nothing inline).
  bool staff_console = false;
};

// What the page says when LINE cannot give a link token: the page token still works.
constexpr char kLineUnavailable[] =
    "ただいまLINEとの連携を開始できません。時間をおいて、もう一度「連携する」を押してください。";

void LogFailure(const RouteContext& c, const http_front::Request& req, const Status& s) {
  if (!c.log_errors || HttpStatusFor(s) < 500) return;
  // Operator detail only: statuses never hold what a member typed. One write, so lines of
  // concurrent requests do not interleave.
  std::cerr << ("madoguchi: " + req.method + " " + req.path + ": " + s.ToString() + "\n");
}

Reply JsonError(const RouteContext& c, const http_front::Request& req, const Status& s) {
  LogFailure(c, req, s);
  return {HttpStatusFor(s), kJson, Dump(ErrorJson(s))};
}

Reply Json(const RouteContext& c, const http_front::Request& req,
           const StatusOr<nlohmann::ordered_json>& result) {
  if (!result.ok()) return JsonError(c, req, result.status());
  return {200, kJson, Dump(*result)};
}

Reply Page(const Status& s, std::string html) {
  return {s.ok() ? 200 : HttpStatusFor(s), kHtml, std::move(html)};
}

// --- handlers, one per route -----------------------------------------------------------------

Reply Health(const RouteContext&, const http_front::Request&) {
  return {200, kJson, R"({"status":"ok"})"};
}

Reply NotReady(const RouteContext& c, const http_front::Request& req, const char* check,
               const Status& s) {
  LogFailure(c, req, s);
  nlohmann::ordered_json j;
  j["status"] = "not_ready";
  j["check"] = check;
  return {503, kJson, Dump(j)};
}

// Ready when the conversation store and the inbox take a real write and the knowledge base is
// loaded: a load balancer then sends members only to instances that can answer them. Each write
// is one heartbeat row: taking the write lock alone succeeds on a full disk or a damaged file,
// where every member's message would fail. The points check is a cheap read (an exchange
// window), not a member's data.
Reply Ready(const RouteContext& c, const http_front::Request& req) {
  Status writable = c.helpdesk.store().CheckWritable();
  if (!writable.ok()) return NotReady(c, req, "database", Unavailable(writable.ToString()));
  if (c.inbox != nullptr) {
    Status inbox = c.inbox->CheckWritable();
    if (!inbox.ok()) return NotReady(c, req, "inbox", Unavailable(inbox.ToString()));
  }
  const std::shared_ptr<const service::Engine> engine = c.helpdesk.engine();
  const auto& programs = engine->knowledge_base().programs;
  if (programs.empty()) return NotReady(c, req, "knowledge_base", Unavailable("no programs"));
  // The points core is reported, not required: without it members still get every FAQ answer
  // and are told their points cannot be read just now, while taking every replica out of
  // service at once (they share one core) would answer nobody at all.
  StatusOr<rules::ExchangeWindow> window =
      c.helpdesk.points().ExchangeWindow(programs.begin()->first, SystemClock().Today());
  const bool core_down = !window.ok() && (window.status().code() == StatusCode::kUnavailable ||
                                          window.status().code() == StatusCode::kInternal);
  if (core_down) LogFailure(c, req, window.status());
  return {200, kJson,
          core_down ? R"({"status":"ready","points_core":"unavailable"})"
                    : R"({"status":"ready","points_core":"ok"})"};
}

Reply Metrics(const RouteContext& c, const http_front::Request&) {
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

Reply Messages(const RouteContext& c, const http_front::Request& req) {
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

Reply Ask(const RouteContext& c, const http_front::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  StatusOr<nlohmann::ordered_json> result = generic::PostAsk(c.helpdesk, *body, c.limits);
  CountOutcomes(c, result);
  return Json(c, req, result);
}

// --- staff: the token check is the server's (server.cc, IsStaffApiPath) ---------------------

int LimitParam(const http_front::Request& req, int fallback) {
  const std::string v = req.Param("limit");
  if (v.empty() || v.size() > 4) return fallback;
  int n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return fallback;
    n = n * 10 + (ch - '0');
  }
  return n;
}

Reply JsonOf(const RouteContext& c, const http_front::Request& req,
             const StatusOr<nlohmann::json>& result) {
  if (!result.ok()) return JsonError(c, req, result.status());
  return {200, kJson, Dump(*result)};
}

Reply StaffPage(const RouteContext&, const http_front::Request&) {
  Reply reply{200, kHtml, staff::StaffPageHtml()};
  reply.staff_console = true;
  return reply;
}

Reply StaffAppJs(const RouteContext&, const http_front::Request&) {
  return {200, kJavaScript, staff::StaffAppJs()};
}

Reply StaffAppCss(const RouteContext&, const http_front::Request&) {
  return {200, kCss, staff::StaffAppCss()};
}

Reply StaffPrograms(const RouteContext& c, const http_front::Request&) {
  return {200, kJson, Dump(staff::Programs(c.helpdesk))};
}

// A staff edit of the knowledge base: its reload is counted with the others, and a folder that
// would not load keeps the loader's problems in "detail", as KbReload does.
Reply KbEdit(const RouteContext& c, const http_front::Request& req,
             const StatusOr<nlohmann::json>& result) {
  const bool refused = !result.ok() && result.status().reason() == service::kReasonKbInvalid;
  if (c.metrics != nullptr && (result.ok() || refused)) CountKbReload(*c.metrics, result.status());
  if (refused) {
    nlohmann::ordered_json j = ErrorJson(Status(
        result.status().code(),
        "この変更ではナレッジベースに誤りが出るため、反映しませんでした。ファイルは元のままです。",
        result.status().reason()));
    j["detail"] = result.status().message();
    return {HttpStatusFor(result.status()), kJson, Dump(j)};
  }
  return JsonOf(c, req, result);
}

// A string field of a JSON body; "" when absent or not a string (the staff API says which).
std::string StringField(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// {"program", "entry_id", "text"}: the text becomes an alternate of the entry in the
// knowledge-base folder, which is then reloaded (staff::AddAlternate).
Reply StaffAddAlternate(const RouteContext& c, const http_front::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  return KbEdit(c, req,
                staff::AddAlternate(c.helpdesk, StringField(*body, "program"),
                                    StringField(*body, "entry_id"), StringField(*body, "text")));
}

// {"program", "question", "answer", "category"?}: a new entry (staff::AddEntry).
Reply StaffAddEntry(const RouteContext& c, const http_front::Request& req) {
  StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
  if (!body.ok()) return JsonError(c, req, body.status());
  return KbEdit(
      c, req,
      staff::AddEntry(c.helpdesk, StringField(*body, "program"), StringField(*body, "question"),
                      StringField(*body, "answer"), StringField(*body, "category")));
}

Reply StaffSearch(const RouteContext& c, const http_front::Request& req) {
  return JsonOf(
      c, req, staff::Search(c.helpdesk, req.Param("program"), req.Param("q"), LimitParam(req, 10)));
}

Reply StaffUnanswered(const RouteContext& c, const http_front::Request& req) {
  return JsonOf(c, req, staff::Unanswered(c.helpdesk, req.Param("program"), LimitParam(req, 50)));
}

Reply StaffFeedback(const RouteContext& c, const http_front::Request& req) {
  return JsonOf(c, req,
                staff::FeedbackSummary(c.helpdesk, req.Param("program"), LimitParam(req, 50)));
}

// --- knowledge base: staff token, like the staff paths (IsStaffApiPath covers /api/v1/kb/) ---

// Re-reads the knowledge-base folder and serves it from the next request on. A knowledge base
// with mistakes is refused whole (409 kb_invalid) and the one serving keeps serving; the
// loader's problems go back in "detail" for the staff member who edited the files (they name
// file, entry id and field, never a member's data).
Reply KbReload(const RouteContext& c, const http_front::Request& req) {
  // No options yet. A body, when sent, must be a JSON object like every other API's, so a
  // client's mistake is a 400 rather than a reload it did not mean.
  if (!req.body.empty()) {
    StatusOr<nlohmann::json> body = ParseJsonObject(req.body);
    if (!body.ok()) return JsonError(c, req, body.status());
  }
  const auto start = std::chrono::steady_clock::now();
  StatusOr<std::shared_ptr<const service::Engine>> reloaded = c.helpdesk.ReloadKnowledge();
  const auto took = std::chrono::steady_clock::now() - start;
  if (c.metrics != nullptr) CountKbReload(*c.metrics, reloaded.status());
  if (!reloaded.ok()) {
    const Status& s = reloaded.status();
    if (s.reason() != service::kReasonKbInvalid) return JsonError(c, req, s);
    nlohmann::ordered_json j = ErrorJson(Status(
        s.code(),
        "ナレッジベースに誤りがあるため再読み込みしませんでした。これまでのナレッジベースで応答を"
        "続けています。",
        s.reason()));
    j["detail"] = s.message();
    return {HttpStatusFor(s), kJson, Dump(j)};
  }
  nlohmann::ordered_json programs = nlohmann::ordered_json::object();
  for (const auto& [id, program] : (*reloaded)->knowledge_base().programs) {
    programs[id] = program.entries.size();
  }
  nlohmann::ordered_json j;
  j["status"] = "reloaded";
  j["programs"] = std::move(programs);
  j["took_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  return {200, kJson, Dump(j)};
}

// --- channels: the signature is the credential, checked by the adapters ----------------------

Reply LineWebhook(const RouteContext& c, const http_front::Request& req) {
  if (c.line_webhook == nullptr) return {404, kJson, Dump(ErrorJson(NoRouteError()))};
  // MatchRoute admitted only a channel name after the prefix.
  const std::string channel = req.path.substr(std::string_view("/webhook/line/").size());
  line::WebhookResponse r =
      c.line_webhook->Handle(channel, req.body, req.Header("X-Line-Signature"));
  if (c.log_errors && r.http_status >= 500) {
    std::cerr << ("madoguchi: LINE webhook " + channel + ": " + r.error + "\n");
  }
  return {r.http_status, kJson, std::move(r.body)};
}

Reply SlackWebhook(const RouteContext& c, const http_front::Request& req) {
  if (c.slack_events == nullptr) return {404, kJson, Dump(ErrorJson(NoRouteError()))};
  slack::SlackRequestHeaders h;
  h.signature = req.Header("X-Slack-Signature");
  h.timestamp = req.Header("X-Slack-Request-Timestamp");
  h.retry_num = req.Header("X-Slack-Retry-Num");
  h.content_type = req.Header("Content-Type");
  slack::SlackResponse r = c.slack_events->Handle(req.body, h);
  if (c.log_errors && r.http_status >= 500) {
    std::cerr << ("madoguchi: Slack webhook: " + r.error + "\n");
  }
  return {r.http_status, kJson, std::move(r.body)};
}

// A valid page token: its record and the name of its program.
struct PageToken {
  store::LinkToken token;
  std::string program_name;
};

// The valid token, or the status of the page that says why there is none.
StatusOr<PageToken> ReadPageToken(const RouteContext& c, const std::string& token) {
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Status(StatusCode::kNotFound, "no such link token", "link_token_gone");
  }
  StatusOr<store::LinkToken> t = c.helpdesk.linker().Peek(token);
  if (!t.ok()) return t.status();
  const kb::ProgramKb* program = c.helpdesk.engine()->knowledge_base().Find(t->program);
  return PageToken{*t, program != nullptr ? program->program.name : std::string()};
}

// Whether the page hands the member on to LINE's account-link flow instead of binding.
bool UsesLineFlow(const RouteContext& c, const store::LinkToken& token) {
  return c.issue_line_link_token != nullptr && token.key.channel == "line";
}

// "https://access.line.me" of "https://access.line.me/any/path".
std::string OriginOf(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  return url.substr(0, url.find('/', scheme + 3));
}

// Percent-encodes all but RFC 3986's unreserved characters.
std::string QueryEscape(const std::string& v) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : v) {
    if (std::isalnum(ch) != 0 || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

// LINE's account-link dialog for a link token and nonce. Both are URL-safe as issued (LINE's
// tokens are alphanumeric, nonces URL-safe base64), but the token comes from outside: escaped.
std::string AccountLinkUrl(std::string base, const std::string& link_token,
                           const std::string& nonce) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/dialog/bot/accountLink?linkToken=" + QueryEscape(link_token) +
         "&nonce=" + QueryEscape(nonce);
}

// Link pages may send the member on to LINE's dialog: browsers apply the form-action of the
// page holding the form to the redirect its submission answers with.
Reply AllowLineDialog(const RouteContext& c, Reply reply) {
  if (c.issue_line_link_token != nullptr) reply.form_action = OriginOf(c.line_access_base_url);
  return reply;
}

// The member number as typed, to refill the form after a mistake; bounded, since it is echoed.
std::string TypedMemberId(const http_front::Request& req) {
  std::string typed = req.Param("member_id");
  return typed.size() <= 64 ? typed : std::string();
}

Reply FailurePage(const RouteContext& c, const http_front::Request& req, const Status& s,
                  const std::string& program_name, const std::string& token) {
  LogFailure(c, req, s);
  LinkFailure failure = ClassifyLinkFailure(s);
  std::string message = LinkFailureMessage(failure);
  // Where the token still works, the form stays so the member can correct or retry, with the
  // number they typed.
  if (failure == LinkFailure::kRetry || failure == LinkFailure::kUnavailable) {
    return Page(s, RenderLinkForm(program_name, token, message, TypedMemberId(req)));
  }
  return Page(s, RenderLinkMessage(message));
}

Reply LinkPage(const RouteContext& c, const http_front::Request& req) {
  std::string token = req.Param("token");
  StatusOr<PageToken> page = ReadPageToken(c, token);
  if (!page.ok()) return FailurePage(c, req, page.status(), "", token);
  return AllowLineDialog(c, Page(Status::Ok(), RenderLinkForm(page->program_name, token, "")));
}

// LINE's account-link flow: verified details send the member on to LINE, whose accountLink
// event confirms the LINE account (dialogue::AccountLinker::FinishChannelLink); nothing is
// bound here. The order keeps every failure harmless: wrong details stop before LINE is asked;
// LINE failing leaves the page token usable; the nonce is issued last, using the token up.
Reply LineLinkSubmit(const RouteContext& c, const http_front::Request& req, const PageToken& page,
                     const std::string& token, const LinkFormFields& fields) {
  StatusOr<dialogue::VerifiedLink> verified =
      c.helpdesk.linker().Verify(token, fields.member_id, fields.birth_date, fields.auth_code);
  if (!verified.ok()) return FailurePage(c, req, verified.status(), page.program_name, token);
  StatusOr<std::string> link_token =
      c.issue_line_link_token(page.token.account, page.token.key.user);
  if (!link_token.ok()) {
    Status s = Unavailable("LINE link token: " + link_token.status().ToString());
    LogFailure(c, req, s);
    return Page(s, RenderLinkForm(page.program_name, token, kLineUnavailable, TypedMemberId(req)));
  }
  StatusOr<std::string> nonce = c.helpdesk.linker().IssueNonce(*verified);
  if (!nonce.ok()) return FailurePage(c, req, nonce.status(), page.program_name, token);
  const std::string url = AccountLinkUrl(c.line_access_base_url, *link_token, *nonce);
  // 303: the browser follows a POST's answer with a GET, which is what LINE's dialog expects.
  Reply reply{303, kHtml, RenderLinkRedirect(url)};
  reply.location = url;
  return reply;
}

Reply LinkSubmit(const RouteContext& c, const http_front::Request& req) {
  std::string token = req.Param("token");
  StatusOr<PageToken> page = ReadPageToken(c, token);
  if (!page.ok()) return FailurePage(c, req, page.status(), "", token);
  LinkFormInput input{req.Param("member_id"), req.Param("birth_date"), req.Param("auth_code")};
  StatusOr<LinkFormFields> fields = ReadLinkForm(input, c.helpdesk.normalizer());
  if (!fields.ok()) {
    return AllowLineDialog(
        c, Page(fields.status(), RenderLinkForm(page->program_name, token,
                                                fields.status().message(), TypedMemberId(req))));
  }
  if (UsesLineFlow(c, page->token)) {
    return AllowLineDialog(c, LineLinkSubmit(c, req, *page, token, *fields));
  }
  Status linked =
      c.helpdesk.linker().Complete(token, fields->member_id, fields->birth_date, fields->auth_code);
  if (!linked.ok())
    return AllowLineDialog(c, FailurePage(c, req, linked, page->program_name, token));
  return Page(Status::Ok(), RenderLinkDone(page->program_name));
}

using Handler = Reply (*)(const RouteContext&, const http_front::Request&);

struct Route {
  const char* method;
  // The path, also the metrics and log label. One with "{name}" matches any path that starts
  // with what precedes '{' and continues with a name of letters, digits, "_" and "-" (IsCapture).
  const char* label;
  Handler handler;
};

// The whole service. The bearer check (server.cc) guards every path under /api/: staff paths
// (IsStaffApiPath) with the staff tokens, the rest with the API token.
constexpr Route kRoutes[] = {
    {"GET", "/healthz", Health},
    {"GET", "/readyz", Ready},
    {"GET", "/metrics", Metrics},
    {"POST", "/api/v1/messages", Messages},
    {"POST", "/api/v1/ask", Ask},
    {"GET", "/api/v1/search", StaffSearch},
    {"GET", "/api/v1/staff/unanswered", StaffUnanswered},
    {"GET", "/api/v1/staff/feedback", StaffFeedback},
    {"GET", "/api/v1/staff/programs", StaffPrograms},
    {"POST", "/api/v1/staff/alternates", StaffAddAlternate},
    {"POST", "/api/v1/staff/entries", StaffAddEntry},
    {"POST", "/api/v1/kb/reload", KbReload},
    {"GET", "/staff", StaffPage},
    {"GET", "/staff/app.js", StaffAppJs},
    {"GET", "/staff/app.css", StaffAppCss},
    {"GET", "/link", LinkPage},
    {"POST", "/link", LinkSubmit},
    {"POST", "/webhook/line/{channel}", LineWebhook},
    {"POST", "/webhook/slack", SlackWebhook},
};

void SetSecurityHeaders(const Reply& reply, http_front::Response& res) {
  res.SetHeader("X-Content-Type-Options", "nosniff");
  // Answers may hold a member's own points; link pages carry a one-time token.
  res.SetHeader("Cache-Control", "no-store");
  if (reply.content_type == kHtml) {
    const std::string form_action =
        reply.form_action.empty() ? "'self'" : "'self' " + reply.form_action;
    // The staff console runs only the script and style sheet the service serves, and talks
    // only to the service; other pages run no script at all.
    const std::string sources = reply.staff_console
                                    ? "script-src 'self'; style-src 'self'; connect-src 'self'"
                                    : "style-src 'unsafe-inline'";
    res.SetHeader("Content-Security-Policy", "default-src 'none'; " + sources + "; form-action " +
                                                 form_action +
                                                 "; frame-ancestors 'none'; base-uri 'none'");
    res.SetHeader("X-Frame-Options", "DENY");
    res.SetHeader("Referrer-Policy", "no-referrer");
  }
}

// A channel's name: what LINE's webhook URLs may carry after /webhook/line/.
bool IsCapture(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char ch : text) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
  }
  return true;
}

}  // namespace

RouteMatch MatchRoute(std::string_view method, std::string_view path) {
  for (size_t i = 0; i < std::size(kRoutes); ++i) {
    const Route& route = kRoutes[i];
    if (method != route.method) continue;
    const std::string_view label = route.label;
    const size_t brace = label.find('{');
    if (brace == std::string_view::npos
            ? path == label
            : path.substr(0, brace) == label.substr(0, brace) && IsCapture(path.substr(brace))) {
      return {i, label};
    }
  }
  return {std::size(kRoutes), "unmatched"};
}

size_t RouteCount() { return std::size(kRoutes) + 1; }

std::string_view RouteLabel(std::string_view method, std::string_view path) {
  return MatchRoute(method, path).label;
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

void DeclareCounters(ops::Registry& metrics) {
  for (const char* outcome : {"answer", "clarify", "fallback"}) {
    metrics.GetCounter("madoguchi_outcomes_total",
                       "Replies by outcome (answer, clarify, fallback).", {{"outcome", outcome}});
  }
  for (const char* result : {"ok", "error"}) {
    metrics.GetCounter(
        "madoguchi_knowledge_base_reloads_total",
        "Knowledge-base reloads by result (ok; error: the previous one kept serving).",
        {{"result", result}});
  }
}

void CountKbReload(ops::Registry& metrics, const Status& result) {
  metrics
      .GetCounter("madoguchi_knowledge_base_reloads_total",
                  "Knowledge-base reloads by result (ok; error: the previous one kept serving).",
                  {{"result", result.ok() ? "ok" : "error"}})
      .Inc();
}

void ServeRoute(const RouteContext& context, const http_front::Request& req,
                http_front::Response& res) {
  const RouteMatch match = MatchRoute(req.method, req.path);
  const Reply reply = match.index < std::size(kRoutes) ? kRoutes[match.index].handler(context, req)
                                                       : Reply{HttpStatusFor(NoRouteError()), kJson,
                                                               Dump(ErrorJson(NoRouteError()))};
  res.status = reply.status;
  SetSecurityHeaders(reply, res);
  if (!reply.location.empty()) res.SetHeader("Location", reply.location);
  res.SetContent(reply.body, reply.content_type);
}

}  // namespace madoguchi::http
