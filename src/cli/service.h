// The running service of `madoguchi serve`: the helpdesk a config describes behind the HTTP
// server (adapters/http), started and stopped as one. Also what the integration tests and the
// benchmark start in-process, so they exercise the same wiring as the command.
//
// The channels (LINE, Slack) share one durable inbox, written by their webhook routes and
// drained by their workers: <data_dir>/inbox.db, or, when the config's "store" names a
// PostgreSQL database, that database, where every replica's workers drain every replica's
// events. A missing secret variable refuses to start.
//
// Thread safety: Start and Stop from one thread; the service answers requests on its own
// threads. helpdesk() may be used from any thread.
#ifndef MADOGUCHI_CLI_SERVICE_H_
#define MADOGUCHI_CLI_SERVICE_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "cli/helpdesk_assembly.h"
#include "cli/serve_config.h"
#include "http/routes.h"
#include "http/server.h"
#include "line/webhook.h"
#include "line/worker.h"
#include "ops/log.h"
#include "ops/metrics.h"
#include "ops/rate_limiter.h"
#include "slack/handler.h"
#include "slack/worker.h"
#include "staff/staff_api.h"
#include "store/inbox.h"
#include "store/inbox_admission.h"

namespace madoguchi::cli {

struct ServiceOptions {
  ServeConfig config;
  // --today: fixes "today" for every rule and the demo data. Default: the clock in Asia/Tokyo.
  std::optional<Date> today;
  // The API's bearer token ($MADOGUCHI_API_TOKEN). Empty: the API is open, which is refused
  // unless config.listen is loopback.
  std::string api_token;
  // See AssemblyOptions. Default: the production cost.
  int pbkdf2_iterations = points::kDefaultPbkdf2Iterations;
  // Log each request (one JSON line: method, route, status, duration) and server errors to
  // stderr. Default: off.
  bool log_requests = false;
  // A plain staff token ($MADOGUCHI_STAFF_TOKEN), accepted besides config.staff_token_sha256.
  std::string staff_token;
  // The channel workers' settings (threads, retry delays, client backoff); the channels and
  // their clients' base URLs and tokens come from the config. Tests shorten the delays.
  line::LineWorkerOptions line_worker;
  slack::SlackWorkerOptions slack_worker;
  // How old the inbox depth the webhooks are admitted by may be (store::InboxAdmission; the
  // limit is config.inbox_max_depth). Tests count every time.
  std::chrono::milliseconds inbox_depth_refresh{100};
};

// Where `madoguchi serve` reads a plain staff token.
inline constexpr char kStaffTokenEnvVar[] = "MADOGUCHI_STAFF_TOKEN";

class Service {
 public:
  // Binds the listen address, builds the helpdesk and serves. Errors: a bad listen address or
  // token (InvalidArgument), no token on a non-loopback address (FailedPrecondition), the
  // address in use (Unavailable), and those of AssembleHelpdesk.
  static StatusOr<std::unique_ptr<Service>> Start(const ServiceOptions& options);
  ~Service();  // stops

  // Stops accepting, finishes requests in flight, then lets the channel workers finish the
  // events in hand (the rest stay in the inbox for the next start). Idempotent.
  void Stop();

  // "http://127.0.0.1:8080": where the service is reached on this machine.
  const std::string& base_url() const { return base_url_; }
  int port() const { return server_->port(); }
  bool api_open() const { return server_->api_open(); }
  const std::string& link_page_url() const { return link_page_url_; }
  const std::string& points_description() const { return assembled_.points_description; }
  const std::string& store_description() const { return assembled_.store_description; }
  // The demo members table, when the embedded ledger holds them (see AssembledHelpdesk).
  const std::string& demo_members() const { return assembled_.demo_members; }
  service::Helpdesk& helpdesk() { return *assembled_.helpdesk; }
  ops::Registry& metrics() { return metrics_; }
  // Re-reads the knowledge base (Helpdesk::ReloadKnowledge), counted in /metrics like
  // POST /api/v1/kb/reload and, with ServiceOptions::log_requests, logged as one JSON line
  // ("kb_reload"): what `madoguchi serve` does on SIGHUP. Any thread.
  Status ReloadKnowledge();
  // Null without channels configured.
  store::Inbox* inbox() { return inbox_.get(); }

 private:
  Service() = default;
  Status StartChannels(const ServiceOptions& options,
                       const std::vector<line::LineChannel>& line_channels,
                       const std::optional<slack::SlackApp>& slack_app);

  // Declared in the order of construction, so they are destroyed in reverse: the server (which
  // calls everything else) first, then the workers, the handlers, the inbox, the helpdesk.
  ops::Registry metrics_;
  std::unique_ptr<staff::StaffTokens> staff_tokens_;
  std::unique_ptr<ops::MessageLimiter> limiter_;          // POST /api/v1/messages
  std::unique_ptr<ops::MessageLimiter> channel_limiter_;  // LINE and Slack (StartChannels)
  AssembledHelpdesk assembled_;
  std::unique_ptr<ops::Logger> logger_;
  bool log_events_ = false;  // ServiceOptions::log_requests
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<store::InboxAdmission> admission_;
  std::unique_ptr<line::LineWebhookHandler> line_webhook_;
  std::unique_ptr<slack::SlackEventsHandler> slack_events_;
  std::unique_ptr<line::LineWorker> line_worker_;
  std::unique_ptr<slack::SlackWorker> slack_worker_;
  std::unique_ptr<http::RouteContext> routes_;
  std::unique_ptr<http::HttpServer> server_;
  std::string base_url_;
  std::string link_page_url_;
};

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_SERVICE_H_
