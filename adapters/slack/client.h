// SlackClient: the Web API calls the bot makes, over HTTPS to slack.com/api or to any base URL
// (tests run a fake Slack on 127.0.0.1).
//
// Retries: a 5xx, a 429 or a transport error is retried up to `max_attempts` tries in all,
// after an exponential backoff, or after the server's Retry-After when it sends one (Slack does
// on 429), up to `max_retry_after`: a longer wait is left to the caller, whose inbox can
// reschedule the event without holding a worker. chat.postMessage has no idempotency key, so a
// retry after a timeout in which Slack had in fact posted shows the message twice (rare;
// better than not at all).
//
// Slack answers logical errors with HTTP 200 and {"ok": false, "error": "<code>"}. They come
// back as a Status whose reason() is Slack's code verbatim and whose code() says what to do:
//   Unavailable        5xx, unreachable, or internal_error, fatal_error, service_unavailable,
//                      request_timeout, or an answer that is not Slack's JSON: try again later
//                      (reason "slack_unavailable" for the HTTP-level ones, "interrupted" when
//                      `sleep` returned false)
//   ResourceExhausted  429 after the retries or Retry-After too long (reason "rate_limited"),
//                      ratelimited, rate_limited, message_limit_exceeded
//   PermissionDenied   HTTP 401/403, invalid_auth, not_authed, account_inactive,
//                      token_revoked, token_expired, missing_scope, no_permission,
//                      access_denied, not_allowed_token_type, ekm_access_denied …
//   NotFound           HTTP 404, channel_not_found, user_not_found, thread_not_found
//   FailedPrecondition not_in_channel, is_archived, restricted_action*, cannot_reply_to_message,
//                      team_access_not_granted, duplicate_message_not_found …: Slack refuses
//                      this post; retrying will not help
//   InvalidArgument    HTTP 400, msg_too_long, no_text, invalid_blocks, invalid_blocks_format,
//                      too_many_attachments, invalid_arguments, invalid_json, invalid_charset …
//   Internal           any other code (reason = the code)
//
// Thread safety: thread-safe; keeps a few keep-alive connections for reuse.
// Ownership: owns its connections; keeps nothing of the caller's after a call returns.
#ifndef MADOGUCHI_ADAPTERS_SLACK_CLIENT_H_
#define MADOGUCHI_ADAPTERS_SLACK_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "outbound/connection_pool.h"
#include "slack/app.h"

namespace httplib {
class Client;
}

namespace madoguchi::slack {

struct SlackClientOptions {
  // Slack's Web API root; methods are appended ("/chat.postMessage"). May carry a path.
  std::string api_base_url = kDefaultApiBaseUrl;
  std::string bot_token;  // xoxb-…; required
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{10000};
  int max_attempts = 4;                            // tries per call, the first included
  std::chrono::milliseconds initial_backoff{250};  // before the first retry; doubled after
  std::chrono::milliseconds max_backoff{8000};
  std::chrono::milliseconds max_retry_after{30000};
  // Waits between attempts; returning false abandons the call (Unavailable / interrupted).
  // Default: sleeps the whole time.
  std::function<bool(std::chrono::milliseconds)> sleep;
  // CA bundle for HTTPS; empty: the system's default paths.
  std::string ca_cert_path;
  size_t max_idle_connections = 4;
};

struct PostMessageRequest {
  std::string channel;  // a channel, DM or user id
  std::string text;     // mrkdwn; the fallback when blocks are given (see render.h)
  nlohmann::json blocks = nlohmann::json::array();  // omitted when empty
  std::string thread_ts;                            // post in this thread; empty: in the channel
};

struct PostedMessage {
  std::string channel;  // as Slack reports it (a user id becomes the DM's id)
  std::string ts;       // the message's timestamp id
};

class SlackClient {
 public:
  explicit SlackClient(SlackClientOptions options);
  ~SlackClient();
  SlackClient(const SlackClient&) = delete;
  SlackClient& operator=(const SlackClient&) = delete;

  // POST {base}/chat.postMessage. Links and media are not unfurled: answers stay compact.
  StatusOr<PostedMessage> PostMessage(const PostMessageRequest& request);

  // The Status for Slack's {"ok": false, "error": `error`} (see above); exposed for tests.
  static Status ErrorStatus(const std::string& error);

 private:
  struct Response;
  StatusOr<Response> Send(const std::string& method, const std::string& body);

  SlackClientOptions options_;
  std::string origin_;       // scheme://host[:port] of api_base_url
  std::string path_prefix_;  // its path ("/api"), without a trailing "/"
  std::unique_ptr<outbound::ConnectionPool> connections_;
};

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_CLIENT_H_
