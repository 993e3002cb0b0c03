// LineClient: the Messaging API calls the bot makes, over HTTPS to api.line.me or to any base
// URL (tests run a fake LINE on 127.0.0.1).
//
// Retries: a 5xx, a 429 or a transport error is retried up to `max_attempts` tries in all,
// after an exponential backoff, or after the server's Retry-After when it sends one (up to
// `max_retry_after`: a longer wait is left to the caller, whose inbox can reschedule the event
// without holding a worker). Push carries an X-Line-Retry-Key, so a retried push that LINE had
// in fact accepted is answered 409 and counts as sent. A reply cannot carry one: if a try of a
// reply got no answer (or a 5xx) and a later try finds the token used, that earlier try is
// what used it, and Reply says so (reply_token_used) rather than inviting a push.
//
// Errors (Status code / reason):
//   FailedPrecondition / reply_token_invalid  the reply token is expired, used or unknown:
//                                             push instead
//   FailedPrecondition / reply_token_used     refused as invalid after an earlier try of this
//                                             very call went unanswered: that try most likely
//                                             got through; a push would answer twice
//   InvalidArgument / bad_request             LINE refused the request (a bug; do not retry)
//   PermissionDenied / unauthorized|forbidden the access token is wrong or lacks the right
//   NotFound / not_found                      e.g. an unknown user id
//   ResourceExhausted / rate_limited          still 429 after the retries, or Retry-After too long
//   Unavailable / line_unavailable            still 5xx or unreachable after the retries
//   Unavailable / interrupted                 `sleep` returned false (shutting down)
//
// Thread safety: thread-safe; keeps a few keep-alive connections for reuse.
// Ownership: owns its connections; keeps nothing of the caller's after a call returns.
#ifndef MADOGUCHI_ADAPTERS_LINE_CLIENT_H_
#define MADOGUCHI_ADAPTERS_LINE_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "line/channel.h"
#include "outbound/connection_pool.h"

namespace httplib {
class Client;
}

namespace madoguchi::line {

struct LineClientOptions {
  std::string api_base_url = kDefaultApiBaseUrl;
  std::string access_token;  // the channel access token; required
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

class LineClient {
 public:
  explicit LineClient(LineClientOptions options);
  ~LineClient();
  LineClient(const LineClient&) = delete;
  LineClient& operator=(const LineClient&) = delete;

  // POST /v2/bot/message/reply. `messages`: 1 to 5 message objects (see render.h).
  Status Reply(const std::string& reply_token, const std::vector<nlohmann::json>& messages);
  // POST /v2/bot/message/push to a user, group or room id. `retry_key` (a UUID; empty: none)
  // makes the push idempotent on LINE's side for 24 hours; see RetryKeyFor.
  Status Push(const std::string& to, const std::vector<nlohmann::json>& messages,
              const std::string& retry_key = {});
  // POST /v2/bot/user/{userId}/linkToken: a link token (valid 10 minutes, single use) for
  // LINE's account-link flow. InvalidArgument for a user id that is not a LINE id.
  StatusOr<std::string> IssueLinkToken(const std::string& user_id);

  // A UUID derived from `seed` (e.g. the inbox event id), the same every time, so a push
  // retried after a crash or a reschedule is still recognised by LINE as the same push.
  static std::string RetryKeyFor(std::string_view seed);

 private:
  struct Response;
  // `earlier_try_unanswered` (optional): set when a try before the last one got no answer or
  // a 5xx, so LINE may have acted on it.
  StatusOr<Response> Send(const std::string& path, const std::string& body,
                          const std::string& retry_key, bool* earlier_try_unanswered = nullptr);

  LineClientOptions options_;
  std::unique_ptr<outbound::ConnectionPool> connections_;
};

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_CLIENT_H_
