// The running service of `madoguchi serve`: the helpdesk a config describes behind the HTTP
// server (adapters/http), started and stopped as one. Also what the integration tests and the
// benchmark start in-process, so they exercise the same wiring as the command.
//
// Thread safety: Start and Stop from one thread; the service answers requests on its own
// threads. helpdesk() may be used from any thread.
#ifndef MADOGUCHI_CLI_SERVICE_H_
#define MADOGUCHI_CLI_SERVICE_H_

#include <memory>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "cli/helpdesk_assembly.h"
#include "cli/serve_config.h"
#include "http/routes.h"
#include "http/server.h"

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
  // Log each request (method, path, status) and server errors to stderr. Default: off.
  bool log_requests = false;
};

class Service {
 public:
  // Binds the listen address, builds the helpdesk and serves. Errors: a bad listen address or
  // token (InvalidArgument), no token on a non-loopback address (FailedPrecondition), the
  // address in use (Unavailable), and those of AssembleHelpdesk.
  static StatusOr<std::unique_ptr<Service>> Start(const ServiceOptions& options);
  ~Service();  // stops

  // Stops accepting, finishes requests in flight. Idempotent.
  void Stop();

  // "http://127.0.0.1:8080": where the service is reached on this machine.
  const std::string& base_url() const { return base_url_; }
  int port() const { return server_->port(); }
  bool api_open() const { return server_->api_open(); }
  const std::string& link_page_url() const { return link_page_url_; }
  const std::string& points_description() const { return assembled_.points_description; }
  // The demo members table, when the embedded ledger holds them (see AssembledHelpdesk).
  const std::string& demo_members() const { return assembled_.demo_members; }
  service::Helpdesk& helpdesk() { return *assembled_.helpdesk; }

 private:
  Service() = default;

  std::unique_ptr<http::HttpServer> server_;
  AssembledHelpdesk assembled_;
  std::unique_ptr<http::RouteContext> routes_;
  std::string base_url_;
  std::string link_page_url_;
};

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_SERVICE_H_
