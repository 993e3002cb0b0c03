#include "line/client.h"

#include <httplib.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "outbound/retry.h"

namespace madoguchi::line {

namespace {

using nlohmann::json;

// LINE's error body: {"message": "...", "details": [...]}. Only the message, shortened.
std::string ErrorMessage(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string m;
  if (j.is_object() && j.contains("message") && j["message"].is_string()) {
    m = j["message"].get<std::string>();
  }
  if (m.size() > 200) m.resize(200);
  return m;
}

bool MentionsReplyToken(std::string message) {
  std::transform(message.begin(), message.end(), message.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return message.find("reply token") != std::string::npos;
}

std::string MessagesBody(const char* key, const std::string& value,
                         const std::vector<json>& messages) {
  json body = {{key, value}, {"messages", messages}};
  // Replace rather than throw on invalid UTF-8 (render.h repairs text; payloads are ours).
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

struct LineClient::Response {
  int status = 0;
  std::string body;
};

LineClient::LineClient(LineClientOptions options) : options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = outbound::SleepFor;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  while (!options_.api_base_url.empty() && options_.api_base_url.back() == '/') {
    options_.api_base_url.pop_back();
  }
  outbound::ConnectionPoolOptions pool;
  pool.origin = options_.api_base_url;
  pool.connect_timeout = options_.connect_timeout;
  pool.read_timeout = options_.read_timeout;
  pool.ca_cert_path = options_.ca_cert_path;
  pool.max_idle = options_.max_idle_connections;
  connections_ = std::make_unique<outbound::ConnectionPool>(std::move(pool));
}

LineClient::~LineClient() = default;

StatusOr<LineClient::Response> LineClient::Send(const std::string& path, const std::string& body,
                                                const std::string& retry_key,
                                                bool* earlier_try_unanswered) {
  httplib::Headers headers = {{"Authorization", "Bearer " + options_.access_token}};
  if (!retry_key.empty()) headers.emplace("X-Line-Retry-Key", retry_key);
  Response response;
  bool last_unanswered = false;     // the try before this one: no answer, or a 5xx
  bool earlier_unanswered = false;  // any try before this one
  auto attempt = [&]() -> outbound::Attempt {
    earlier_unanswered = earlier_unanswered || last_unanswered;
    last_unanswered = true;  // until an answer below says otherwise
    auto client = connections_->Take();
    httplib::Result res = body.empty() ? client->Post(path, headers)
                                       : client->Post(path, headers, body, "application/json");
    if (!res) {
      // Not reached, or the connection broke: a fresh connection next time.
      return {
          0, "",
          Status(StatusCode::kUnavailable,
                 "LINE API unreachable: " + httplib::to_string(res.error()), "line_unavailable")};
    }
    connections_->Return(std::move(client));
    last_unanswered = res->status >= 500;
    response = Response{res->status, res->body};
    outbound::Attempt answered{res->status, res->get_header_value("Retry-After"), Status()};
    if (res->status == 429) {
      answered.error = Status(StatusCode::kResourceExhausted,
                              "LINE API rate limit: " + ErrorMessage(res->body), "rate_limited");
    } else if (res->status >= 500) {
      answered.error =
          Status(StatusCode::kUnavailable, "LINE API answered " + std::to_string(res->status),
                 "line_unavailable");
    }
    return answered;
  };
  const outbound::RetryOptions retry{options_.max_attempts, options_.initial_backoff,
                                     options_.max_backoff, options_.max_retry_after};
  Status sent = outbound::SendWithRetries(attempt, retry, options_.sleep);
  if (earlier_try_unanswered != nullptr) *earlier_try_unanswered = earlier_unanswered;
  if (!sent.ok()) return sent;
  return response;
}

namespace {

Status ErrorFor(int status, const std::string& body) {
  std::string m = ErrorMessage(body);
  std::string what = "LINE API " + std::to_string(status) + (m.empty() ? "" : ": " + m);
  switch (status) {
    case 400:
      return Status(StatusCode::kInvalidArgument, what, "bad_request");
    case 401:
      return Status(StatusCode::kPermissionDenied, what, "unauthorized");
    case 403:
      return Status(StatusCode::kPermissionDenied, what, "forbidden");
    case 404:
      return Status(StatusCode::kNotFound, what, "not_found");
    default:
      return Status(StatusCode::kInternal, what, "unexpected_status");
  }
}

}  // namespace

Status LineClient::Reply(const std::string& reply_token, const std::vector<json>& messages) {
  if (reply_token.empty()) {
    return Status(StatusCode::kFailedPrecondition, "no reply token", "reply_token_invalid");
  }
  bool earlier_try_unanswered = false;
  auto res = Send("/v2/bot/message/reply", MessagesBody("replyToken", reply_token, messages), "",
                  &earlier_try_unanswered);
  if (!res.ok()) return res.status();
  if (res->status / 100 == 2) return Status::Ok();
  if (res->status == 400 && MentionsReplyToken(ErrorMessage(res->body))) {
    if (earlier_try_unanswered) {
      return Status(StatusCode::kFailedPrecondition,
                    "LINE API: reply token used, by an earlier try that went unanswered",
                    "reply_token_used");
    }
    return Status(StatusCode::kFailedPrecondition, "LINE API: invalid reply token",
                  "reply_token_invalid");
  }
  return ErrorFor(res->status, res->body);
}

Status LineClient::Push(const std::string& to, const std::vector<json>& messages,
                        const std::string& retry_key) {
  auto res = Send("/v2/bot/message/push", MessagesBody("to", to, messages), retry_key);
  if (!res.ok()) return res.status();
  if (res->status / 100 == 2) return Status::Ok();
  // An earlier try of this very push was accepted: it went out once, as intended.
  if (res->status == 409 && !retry_key.empty()) return Status::Ok();
  return ErrorFor(res->status, res->body);
}

StatusOr<std::string> LineClient::IssueLinkToken(const std::string& user_id) {
  bool ok = !user_id.empty() && user_id.size() <= 64 &&
            std::all_of(user_id.begin(), user_id.end(),
                        [](unsigned char c) { return std::isalnum(c) != 0; });
  if (!ok) return InvalidArgument("not a LINE user id");
  auto res = Send("/v2/bot/user/" + user_id + "/linkToken", "", "");
  if (!res.ok()) return res.status();
  if (res->status / 100 != 2) return ErrorFor(res->status, res->body);
  json j = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("linkToken") || !j["linkToken"].is_string() ||
      j["linkToken"].get<std::string>().empty()) {
    return Status(StatusCode::kUnavailable, "LINE API: no linkToken in the answer",
                  "line_unavailable");
  }
  return j["linkToken"].get<std::string>();
}

std::string LineClient::RetryKeyFor(std::string_view seed) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), d);
  d[6] = static_cast<unsigned char>((d[6] & 0x0f) | 0x40);  // version 4 layout
  d[8] = static_cast<unsigned char>((d[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

}  // namespace madoguchi::line
