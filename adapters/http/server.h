// The service's HTTP server: the routes of routes.h behind the limits every request meets.
//
//   - requests are read by the event-driven front (http_front/server.h): bodies over
//     max_body_bytes get 413 as soon as they pass it, chunked or not; heads over the limits
//     431; a request not complete within read_timeout 408. Handlers run on worker threads
//     that only ever see complete requests, so slow clients cannot hold them;
//   - paths under /api/ need "Authorization: Bearer <token>" (compared in constant time) when a
//     token is set; without one the API is open, which Bind() allows on loopback only. Staff
//     paths (IsStaffApiPath) take a staff token instead, always, and the API token never
//     grants them (nor a staff token the rest): the two are given to different people;
//   - with the context's `metrics`, every request is counted by route and status and timed per
//   route; with its
//     `logger`, one JSON line per request (method, route, status, duration_ms: never the query
//     string, which holds link tokens, nor the body);
//   - every error is {"error", "message"} (api_error.h), also the front's (413, 431, 400, 408);
//     a handler that throws (none should) answers 500 instead of ending the process.
//
// Thread safety: Bind, Start and Stop from one thread; requests are served on the server's
// worker threads, which call the helpdesk concurrently.
// Ownership: borrows the RouteContext given to Start, which must outlive the server.
#ifndef MADOGUCHI_ADAPTERS_HTTP_SERVER_H_
#define MADOGUCHI_ADAPTERS_HTTP_SERVER_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "base/status.h"
#include "http/routes.h"

namespace madoguchi::http_front {
class Front;
struct Request;
struct Response;
}  // namespace madoguchi::http_front

namespace madoguchi::http {

// Where `madoguchi serve` reads the API token; never from the command line or the config file.
inline constexpr char kApiTokenEnvVar[] = "MADOGUCHI_API_TOKEN";
// Shorter tokens are refused: a guessable token is no protection.
inline constexpr size_t kMinApiTokenLength = 16;

struct HttpServerOptions {
  // Address to listen on. Default: loopback only.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (see port()). Default: 8080.
  int port = 8080;
  // The bearer token /api/ requests must present. Empty: the API is open, allowed only when
  // `host` is loopback. Default: empty.
  std::string api_token;
  // Largest request body accepted. A message is a few hundred bytes. Default: 64 KiB.
  size_t max_body_bytes = 64 * 1024;
  // Request line and headers: bytes and lines. LINE's and Slack's heads are under 2 KiB.
  // Default: 16 KiB, 64 headers.
  size_t max_header_bytes = 16 * 1024;
  size_t max_headers = 64;
  // How long a client may take to send a whole request, first byte to last, and to read a
  // response. Default: 5 s each.
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  // How long a connection may idle between requests. Default: 5 s.
  std::chrono::seconds keep_alive_timeout{5};
  // Handlers run at once. Connections do not hold them: only complete requests do, so this is
  // about the helpdesk's concurrency, not the number of clients. Default: 64.
  int worker_threads = 64;
  // Connections open at once; a new one beyond it evicts the longest-waiting. Default: 4096.
  size_t max_connections = 4096;
  // Logs each request's method, path (never the query: it holds link tokens) and status to
  // stderr, when no logger is given. Default: off.
  bool access_log = false;
};

class HttpServer {
 public:
  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();  // stops
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Claims the address, so port() is known before the service behind it is built (the link page
  // URL names it). Once per server. FailedPrecondition when no token is set and the host is not
  // loopback; InvalidArgument for a token shorter than kMinApiTokenLength; Unavailable when the
  // address cannot be bound.
  Status Bind();
  // Registers the routes and serves on background threads; returns once requests are accepted
  // (connections made since Bind() wait in the backlog until then). Once, after Bind().
  Status Start(const RouteContext& context);
  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void Stop();

  // The bound port; 0 before Bind().
  int port() const { return port_; }
  // Whether /api/ is served without a token.
  bool api_open() const { return options_.api_token.empty(); }

 private:
  // One route's series, looked up in the registry on first use and then kept: the registry's
  // lookup takes its lock and builds label strings, which a request should not pay for.
  struct RouteSeries {
    std::atomic<ops::Histogram*> latency{nullptr};
    std::array<std::atomic<ops::Counter*>, 600> by_status{};  // by HTTP status
  };

  void Handle(const http_front::Request& req, http_front::Response& res) const;
  void Refuse(const http_front::Request& req, http_front::Response& res) const;
  void Observe(const http_front::Request& req, const http_front::Response& res,
               double seconds) const;

  HttpServerOptions options_;
  std::unique_ptr<http_front::Front> front_;
  std::unique_ptr<RouteSeries[]> series_;  // by RouteMatch::index
  const RouteContext* context_ = nullptr;  // set by Start
  bool bound_ = false;
  bool started_ = false;
  int port_ = 0;
};

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_SERVER_H_
