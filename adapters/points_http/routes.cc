#include "points_http/routes.h"

#include <charconv>
#include <optional>
#include <string>

#include "http_front/request.h"
#include "points_http/http_errors.h"
#include "points_http/wire.h"

namespace madoguchi::points_http {

namespace {

using points::PointsCore;

struct Reply {
  int status = 200;
  json body;
};

Reply Error(const HttpError& e) {
  return {e.http_status, json{{"error", e.code}, {"message", e.message}}};
}
Reply Error(const Status& s) { return Error(HttpErrorFor(s)); }

// A core result → `ok_status` with its JSON, or the mapped error.
template <typename T, typename ToJsonFn>
Reply Respond(const StatusOr<T>& result, int ok_status, ToJsonFn to_json) {
  if (!result.ok()) return Error(result.status());
  return {ok_status, to_json(*result)};
}
template <typename T>
Reply Respond(const StatusOr<T>& result, int ok_status = 200) {
  return Respond(result, ok_status, [](const T& v) { return ToJson(v); });
}

// The body as a JSON value; nullopt when it is not JSON. An empty body reads as {} when allowed.
std::optional<json> Body(const http_front::Request& req, bool empty_ok = false) {
  if (empty_ok && req.body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

Status BadQuery(const char* name, const char* expected) {
  return Status(StatusCode::kInvalidArgument,
                std::string("「") + name + "」は" + expected + "で指定してください。",
                points::kReasonInvalidArgument);
}

// ?name=YYYY-MM-DD, or `fallback` when absent.
StatusOr<Date> QueryDate(const http_front::Request& req, const char* name, const Date& fallback) {
  if (!req.HasParam(name)) return fallback;
  std::optional<Date> d = ParseIsoDate(req.Param(name));
  if (!d) return BadQuery(name, "YYYY-MM-DD 形式の日付");
  return *d;
}

StatusOr<int> QueryInt(const http_front::Request& req, const char* name, int fallback) {
  if (!req.HasParam(name)) return fallback;
  std::string v = req.Param(name);
  int n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) return BadQuery(name, "整数");
  return n;
}

// The n-th capture of the route's pattern (member id, program id), from 1.
std::string Path(const http_front::Request& req, size_t n) {
  return n >= 1 && n <= req.path_params.size() ? req.path_params[n - 1] : std::string();
}

// --- handlers, one per route -----------------------------------------------------------------

Reply CreateMember(const RouteContext& c, const http_front::Request& req) {
  std::optional<json> body = Body(req);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  StatusOr<points::NewMember> m = NewMemberFromJson(*body);
  if (!m.ok()) return Error(m.status());
  return Respond(c.core.CreateMember(*m), 201);
}

Reply GetMember(const RouteContext& c, const http_front::Request& req) {
  return Respond(c.core.GetMember(Path(req, 1)));
}

Reply Grant(const RouteContext& c, const http_front::Request& req) {
  std::optional<json> body = Body(req);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  StatusOr<points::GrantRequest> g = GrantRequestFromJson(*body);
  if (!g.ok()) return Error(g.status());
  return Respond(c.core.Grant(Path(req, 1), *g), 201);
}

Reply Balance(const RouteContext& c, const http_front::Request& req) {
  StatusOr<Date> as_of = QueryDate(req, "as_of", c.clock.Today());
  if (!as_of.ok()) return Error(as_of.status());
  return Respond(c.core.Balance(Path(req, 1), *as_of));
}

Reply History(const RouteContext& c, const http_front::Request& req) {
  StatusOr<int> limit = QueryInt(req, "limit", 50);
  if (!limit.ok()) return Error(limit.status());
  std::string member_id = Path(req, 1);
  return Respond(c.core.History(member_id, *limit), 200,
                 [&](const std::vector<points::HistoryEntry>& h) { return ToJson(member_id, h); });
}

Reply Redeem(const RouteContext& c, const http_front::Request& req) {
  std::optional<json> body = Body(req);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  StatusOr<points::RedeemRequest> r = RedeemRequestFromJson(*body, c.clock.Today());
  if (!r.ok()) return Error(r.status());
  return Respond(c.core.Redeem(Path(req, 1), *r), 201);
}

Reply ChangeStatus(const RouteContext& c, const http_front::Request& req) {
  std::optional<json> body = Body(req);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  StatusOr<points::StatusChange> s = StatusChangeFromJson(*body);
  if (!s.ok()) return Error(s.status());
  return Respond(c.core.ChangeStatus(Path(req, 1), *s));
}

Reply Reissue(const RouteContext& c, const http_front::Request& req) {
  // The body is optional: {"requested_on": D} overrides the server's today.
  std::optional<json> body = Body(req, /*empty_ok=*/true);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  if (!body->is_object()) return Error(BadQuery("body", "JSONオブジェクト"));
  FieldReader r(*body);
  Date today = r.OptionalDate("requested_on").value_or(c.clock.Today());
  if (!r.ok()) return Error(r.status());
  StatusOr<points::ReissueRequest> result =
      c.core.RequestReissue(Path(req, 1), req.Header("Idempotency-Key"), today);
  // 201 for a new request, 200 when an earlier one answers.
  int ok_status = result.ok() && result->repeated ? 200 : 201;
  return Respond(result, ok_status);
}

Reply Verify(const RouteContext& c, const http_front::Request& req) {
  std::optional<json> body = Body(req);
  if (!body) return Error(TransportError(kErrorMalformedJson));
  StatusOr<points::VerifyRequest> v = VerifyRequestFromJson(*body);
  if (!v.ok()) return Error(v.status());
  return Respond(c.core.Verify(*v));
}

Reply ExchangeWindow(const RouteContext& c, const http_front::Request& req) {
  StatusOr<Date> on = QueryDate(req, "on", c.clock.Today());
  if (!on.ok()) return Error(on.status());
  return Respond(c.core.ExchangeWindow(Path(req, 1), *on));
}

Reply Rank(const RouteContext& c, const http_front::Request& req) {
  StatusOr<Date> as_of = QueryDate(req, "as_of", c.clock.Today());
  if (!as_of.ok()) return Error(as_of.status());
  return Respond(c.core.Rank(Path(req, 1), Path(req, 2), *as_of));
}

Reply Health(const RouteContext&, const http_front::Request&) { return {200, {{"status", "ok"}}}; }

// A member number nobody is given: the readiness read looks it up.
constexpr char kReadinessProbeMember[] = "readyz-probe";

// Ready when the ledger's database answers a read, so a load balancer sends requests only to
// core processes that can serve them: none while their PostgreSQL is down or restarting, or
// their SQLite file cannot be read. The read goes through the core like any request, whichever
// database it keeps: one member lookup, found or not, so nothing is written and no member's
// data leaves it. Only `unavailable` and `internal` mean the database did not answer; the
// reason goes to on_not_ready (operator detail: host, port, the server's words), the wire gets
// the error code and the fixed message every API error carries.
Reply Ready(const RouteContext& c, const http_front::Request&) {
  StatusOr<points::Member> probe = c.core.GetMember(kReadinessProbeMember);
  const StatusCode code = probe.ok() ? StatusCode::kOk : probe.status().code();
  if (code != StatusCode::kUnavailable && code != StatusCode::kInternal) {
    return {200, {{"status", "ready"}}};
  }
  if (c.on_not_ready) c.on_not_ready(probe.status());
  const HttpError e = HttpErrorFor(probe.status());
  return {
      503,
      {{"status", "not_ready"}, {"check", "database"}, {"error", e.code}, {"message", e.message}}};
}

using Handler = Reply (*)(const RouteContext&, const http_front::Request&);

struct Route {
  const char* method;
  // The whole path; each "{}" matches one non-empty segment, read with Path(req, 1…).
  const char* pattern;
  Handler handler;
};

// The whole API. /healthz and /readyz are the only routes the bearer check lets through
// (server.cc).
constexpr Route kRoutes[] = {
    {"GET", "/healthz", Health},
    {"GET", "/readyz", Ready},
    {"POST", "/v1/members", CreateMember},
    {"POST", "/v1/members/verify", Verify},
    {"GET", "/v1/members/{}", GetMember},
    {"POST", "/v1/members/{}/grants", Grant},
    {"GET", "/v1/members/{}/balance", Balance},
    {"GET", "/v1/members/{}/history", History},
    {"POST", "/v1/members/{}/redemptions", Redeem},
    {"POST", "/v1/members/{}/status", ChangeStatus},
    {"POST", "/v1/members/{}/auth-code/reissue", Reissue},
    {"GET", "/v1/programs/{}/exchange-window", ExchangeWindow},
    {"GET", "/v1/programs/{}/members/{}/rank", Rank},
};

}  // namespace

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::vector<std::string>& captures) {
  captures.clear();
  while (!pattern.empty()) {
    const size_t hole = pattern.find("{}");
    if (hole == std::string_view::npos) return pattern == path;
    if (path.substr(0, hole) != pattern.substr(0, hole)) return false;
    path.remove_prefix(hole);
    pattern.remove_prefix(hole + 2);
    const size_t segment = std::min(path.find('/'), path.size());
    if (segment == 0) return false;
    captures.emplace_back(path.substr(0, segment));
    path.remove_prefix(segment);
  }
  return path.empty();
}

void ServeRoute(const RouteContext& context, http_front::Request& req, http_front::Response& res) {
  for (const Route& route : kRoutes) {
    if (req.method != route.method || !MatchPattern(route.pattern, req.path, req.path_params)) {
      continue;
    }
    const Reply reply = route.handler(context, req);
    res.status = reply.status;
    res.SetContent(Dump(reply.body), kJsonContentType);
    return;
  }
  const HttpError e = TransportError(kErrorNoRoute);
  res.status = e.http_status;
  res.SetContent(Dump(json{{"error", e.code}, {"message", e.message}}), kJsonContentType);
}

}  // namespace madoguchi::points_http
