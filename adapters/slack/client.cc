#include "slack/client.h"

#include <httplib.h>

#include <algorithm>
#include <utility>

#include "outbound/retry.h"

namespace madoguchi::slack {

namespace {

using nlohmann::json;

bool OneOf(const std::string& s, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), s) != options.end();
}

Status ErrorForHttp(int status) {
  std::string what = "Slack API answered HTTP " + std::to_string(status);
  switch (status) {
    case 400:
      return Status(StatusCode::kInvalidArgument, what, "bad_request");
    case 401:
    case 403:
      return Status(StatusCode::kPermissionDenied, what, "unauthorized");
    case 404:
      // Most likely a wrong base URL or method name: the configuration, not the message.
      return Status(StatusCode::kNotFound, what, "not_found");
    default:
      return Status(StatusCode::kInternal, what, "unexpected_status");
  }
}

}  // namespace

struct SlackClient::Response {
  int status = 0;
  std::string body;
};

SlackClient::SlackClient(SlackClientOptions options) : options_(std::move(options)) {
  if (!options_.sleep) options_.sleep = outbound::SleepFor;
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  // httplib's client takes scheme://host:port only; Slack's base URL carries "/api".
  std::string url = options_.api_base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  origin_ = url.substr(0, path);
  path_prefix_ = path == std::string::npos ? std::string() : url.substr(path);
  outbound::ConnectionPoolOptions pool;
  pool.origin = origin_;
  pool.connect_timeout = options_.connect_timeout;
  pool.read_timeout = options_.read_timeout;
  pool.ca_cert_path = options_.ca_cert_path;
  pool.max_idle = options_.max_idle_connections;
  connections_ = std::make_unique<outbound::ConnectionPool>(std::move(pool));
}

SlackClient::~SlackClient() = default;

StatusOr<SlackClient::Response> SlackClient::Send(const std::string& method,
                                                  const std::string& body) {
  const httplib::Headers headers = {{"Authorization", "Bearer " + options_.bot_token}};
  const std::string path = path_prefix_ + "/" + method;
  Response response;
  auto attempt = [&]() -> outbound::Attempt {
    auto client = connections_->Take();
    // The charset matters: without it Slack answers with a "missing_charset" warning.
    httplib::Result res = client->Post(path, headers, body, "application/json; charset=utf-8");
    if (!res) {
      // Not reached, or the connection broke: a fresh connection next time.
      return {
          0, "",
          Status(StatusCode::kUnavailable,
                 "Slack API unreachable: " + httplib::to_string(res.error()), "slack_unavailable")};
    }
    connections_->Return(std::move(client));
    response = Response{res->status, res->body};
    outbound::Attempt answered{res->status, res->get_header_value("Retry-After"), Status()};
    if (res->status == 429) {
      answered.error =
          Status(StatusCode::kResourceExhausted, "Slack API rate limit", "rate_limited");
    } else if (res->status >= 500) {
      answered.error =
          Status(StatusCode::kUnavailable, "Slack API answered HTTP " + std::to_string(res->status),
                 "slack_unavailable");
    }
    return answered;
  };
  const outbound::RetryOptions retry{options_.max_attempts, options_.initial_backoff,
                                     options_.max_backoff, options_.max_retry_after};
  Status sent = outbound::SendWithRetries(attempt, retry, options_.sleep);
  if (!sent.ok()) return sent;
  return response;
}

Status SlackClient::ErrorStatus(const std::string& error) {
  const std::string what = "Slack API: " + (error.empty() ? std::string("error") : error);
  const std::string reason = error.empty() ? std::string("unknown_error") : error;
  StatusCode code = StatusCode::kInternal;
  if (OneOf(error, {"internal_error", "fatal_error", "service_unavailable", "request_timeout"})) {
    code = StatusCode::kUnavailable;
  } else if (OneOf(error, {"ratelimited", "rate_limited", "message_limit_exceeded"})) {
    code = StatusCode::kResourceExhausted;
  } else if (OneOf(error, {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                           "token_expired", "missing_scope", "no_permission", "access_denied",
                           "not_allowed_token_type", "ekm_access_denied", "org_login_required",
                           "enterprise_is_restricted", "accesslimited"})) {
    code = StatusCode::kPermissionDenied;
  } else if (OneOf(error, {"channel_not_found", "user_not_found", "thread_not_found"})) {
    code = StatusCode::kNotFound;
  } else if (OneOf(error, {"not_in_channel", "is_archived", "cannot_reply_to_message",
                           "team_access_not_granted", "duplicate_message_not_found",
                           "slack_connect_file_link_sharing_blocked", "messages_tab_disabled"}) ||
             error.rfind("restricted_action", 0) == 0) {
    code = StatusCode::kFailedPrecondition;
  } else if (OneOf(error, {"msg_too_long", "no_text", "invalid_blocks", "invalid_blocks_format",
                           "too_many_attachments", "invalid_arguments", "invalid_arg_name",
                           "invalid_array_arg", "invalid_charset", "invalid_form_data",
                           "invalid_post_type", "missing_post_type", "invalid_json",
                           "json_not_object", "invalid_metadata_format", "invalid_metadata_schema",
                           "metadata_too_large", "as_user_not_supported"})) {
    code = StatusCode::kInvalidArgument;
  }
  return Status(code, what, reason);
}

StatusOr<PostedMessage> SlackClient::PostMessage(const PostMessageRequest& request) {
  json body = {{"channel", request.channel},
               {"text", request.text},
               {"unfurl_links", false},
               {"unfurl_media", false}};
  if (request.blocks.is_array() && !request.blocks.empty()) body["blocks"] = request.blocks;
  if (!request.thread_ts.empty()) body["thread_ts"] = request.thread_ts;
  // Replace rather than throw on invalid UTF-8 (render.h repairs text; payloads are ours).
  auto res = Send("chat.postMessage", body.dump(-1, ' ', false, json::error_handler_t::replace));
  if (!res.ok()) return res.status();
  if (res->status / 100 != 2) return ErrorForHttp(res->status);
  json answer = json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object() || !answer.contains("ok") || !answer["ok"].is_boolean()) {
    // A proxy's page, or a truncated answer: whether it was posted is unknown.
    return Status(StatusCode::kUnavailable, "Slack API: unreadable answer", "slack_unavailable");
  }
  if (!answer["ok"].get<bool>()) {
    std::string error;
    if (answer.contains("error") && answer["error"].is_string()) error = answer["error"];
    return ErrorStatus(error);
  }
  PostedMessage posted;
  if (answer.contains("channel") && answer["channel"].is_string())
    posted.channel = answer["channel"];
  if (answer.contains("ts") && answer["ts"].is_string()) posted.ts = answer["ts"];
  return posted;
}

}  // namespace madoguchi::slack
