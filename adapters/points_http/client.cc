#include "points_http/client.h"

#include <httplib.h>

#include <thread>

#include "points/errors.h"
#include "points/validation.h"
#include "points_http/http_errors.h"
#include "points_http/wire.h"

namespace madoguchi::points_http {

namespace {

// Program ids travel in the path; anything but these characters cannot be one.
bool IsPathSafe(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

template <typename T, typename FromJsonFn>
StatusOr<T> Decode(const StatusOr<json>& body, FromJsonFn from_json) {
  if (!body.ok()) return body.status();
  StatusOr<T> value = from_json(*body);
  if (!value.ok()) {
    return Status(StatusCode::kInternal,
                  "points core sent an unexpected answer: " + value.status().message(),
                  points::kReasonInternal);
  }
  return value;
}

}  // namespace

struct HttpPointsCore::Call {
  bool post = false;
  std::string path;             // with its query
  std::string body;             // JSON; POST only
  std::string idempotency_key;  // sent as Idempotency-Key; makes a POST safe to retry
};

struct HttpPointsCore::Answer {
  json body;
};

HttpPointsCore::HttpPointsCore(HttpPointsCoreOptions options) : options_(std::move(options)) {}

HttpPointsCore::~HttpPointsCore() = default;

std::unique_ptr<httplib::Client> HttpPointsCore::TakeConnection() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<httplib::Client> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<httplib::Client>(options_.base_url);
  c->set_connection_timeout(options_.connect_timeout);
  c->set_read_timeout(options_.read_timeout);
  c->set_write_timeout(options_.read_timeout);
  c->set_keep_alive(true);
  c->set_tcp_nodelay(true);  // headers and body go in separate writes; see server.cc
  return c;
}

void HttpPointsCore::ReturnConnection(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(client));
}

StatusOr<HttpPointsCore::Answer> HttpPointsCore::Send(const Call& call) {
  const bool retryable = !call.post || !call.idempotency_key.empty();
  const int attempts = retryable ? std::max(1, options_.max_attempts) : 1;
  std::chrono::milliseconds backoff = options_.retry_backoff;
  Status last;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    std::unique_ptr<httplib::Client> client = TakeConnection();
    httplib::Headers headers = {{"Authorization", "Bearer " + options_.token},
                                {"Accept", "application/json"}};
    if (!call.idempotency_key.empty()) headers.emplace("Idempotency-Key", call.idempotency_key);
    httplib::Result res = call.post ? client->Post(call.path, headers, call.body, kJsonContentType)
                                    : client->Get(call.path, headers);
    if (!res) {
      // The connection's state is unknown: drop it rather than pool it.
      last = Status(StatusCode::kUnavailable,
                    "points core at " + options_.base_url +
                        " unreachable: " + httplib::to_string(res.error()),
                    points::kReasonUnavailable);
      continue;
    }
    ReturnConnection(std::move(client));
    if (res->status >= 200 && res->status < 300) {
      json body = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
      if (body.is_discarded()) {
        return Status(StatusCode::kInternal, "points core sent a body that is not JSON",
                      points::kReasonInternal);
      }
      return Answer{std::move(body)};
    }
    last = StatusFromHttp(res->status, res->body);
    if (res->status != 503) return last;
  }
  return last;
}

StatusOr<points::Member> HttpPointsCore::CreateMember(const points::NewMember& member) {
  StatusOr<Answer> a = Send({true, "/v1/members", Dump(ToJson(member)), ""});
  if (!a.ok()) return a.status();
  return Decode<points::Member>(a->body, MemberFromJson);
}

StatusOr<points::Member> HttpPointsCore::GetMember(const std::string& member_id) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a = Send({false, "/v1/members/" + *id, "", ""});
  if (!a.ok()) return a.status();
  return Decode<points::Member>(a->body, MemberFromJson);
}

StatusOr<points::Lot> HttpPointsCore::Grant(const std::string& member_id,
                                            const points::GrantRequest& grant) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a = Send({true, "/v1/members/" + *id + "/grants", Dump(ToJson(grant)), ""});
  if (!a.ok()) return a.status();
  return Decode<points::Lot>(a->body, LotFromJson);
}

StatusOr<points::PointBalance> HttpPointsCore::Balance(const std::string& member_id,
                                                       const Date& as_of) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a =
      Send({false, "/v1/members/" + *id + "/balance?as_of=" + FormatIsoDate(as_of), "", ""});
  if (!a.ok()) return a.status();
  return Decode<points::PointBalance>(a->body, BalanceFromJson);
}

StatusOr<std::vector<points::HistoryEntry>> HttpPointsCore::History(const std::string& member_id,
                                                                    int limit) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a =
      Send({false, "/v1/members/" + *id + "/history?limit=" + std::to_string(limit), "", ""});
  if (!a.ok()) return a.status();
  return Decode<std::vector<points::HistoryEntry>>(a->body, HistoryFromJson);
}

StatusOr<points::Redemption> HttpPointsCore::Redeem(const std::string& member_id,
                                                    const points::RedeemRequest& request) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a =
      Send({true, "/v1/members/" + *id + "/redemptions", Dump(ToJson(request)), ""});
  if (!a.ok()) return a.status();
  return Decode<points::Redemption>(a->body, RedemptionFromJson);
}

StatusOr<points::StatusChangeResult> HttpPointsCore::ChangeStatus(
    const std::string& member_id, const points::StatusChange& change) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a = Send({true, "/v1/members/" + *id + "/status", Dump(ToJson(change)), ""});
  if (!a.ok()) return a.status();
  return Decode<points::StatusChangeResult>(a->body, StatusChangeResultFromJson);
}

StatusOr<points::ReissueRequest> HttpPointsCore::RequestReissue(const std::string& member_id,
                                                                const std::string& idempotency_key,
                                                                const Date& today) {
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  // Checked here too: an empty key would make the POST look non-retryable, and a key with line
  // breaks must never reach a header.
  MADOGUCHI_RETURN_IF_ERROR(points::ValidateIdempotencyKey(idempotency_key));
  StatusOr<Answer> a = Send({true, "/v1/members/" + *id + "/auth-code/reissue",
                             Dump(json{{"requested_on", FormatIsoDate(today)}}), idempotency_key});
  if (!a.ok()) return a.status();
  return Decode<points::ReissueRequest>(a->body, ReissueRequestFromJson);
}

StatusOr<points::Verification> HttpPointsCore::Verify(const points::VerifyRequest& request) {
  StatusOr<Answer> a = Send({true, "/v1/members/verify", Dump(ToJson(request)), ""});
  if (!a.ok()) return a.status();
  return Decode<points::Verification>(a->body, VerificationFromJson);
}

StatusOr<rules::ExchangeWindow> HttpPointsCore::ExchangeWindow(const std::string& program,
                                                               const Date& on) {
  if (!IsPathSafe(program)) return points::ProgramNotFound(program);
  StatusOr<Answer> a =
      Send({false, "/v1/programs/" + program + "/exchange-window?on=" + FormatIsoDate(on), "", ""});
  if (!a.ok()) return a.status();
  return Decode<rules::ExchangeWindow>(a->body, ExchangeWindowFromJson);
}

StatusOr<points::MemberRank> HttpPointsCore::Rank(const std::string& program,
                                                  const std::string& member_id, const Date& as_of) {
  if (!IsPathSafe(program)) return points::ProgramNotFound(program);
  StatusOr<std::string> id = points::NormalizeMemberId(member_id);
  if (!id.ok()) return id.status();
  StatusOr<Answer> a = Send(
      {false, "/v1/programs/" + program + "/members/" + *id + "/rank?as_of=" + FormatIsoDate(as_of),
       "", ""});
  if (!a.ok()) return a.status();
  return Decode<points::MemberRank>(a->body, MemberRankFromJson);
}

}  // namespace madoguchi::points_http
