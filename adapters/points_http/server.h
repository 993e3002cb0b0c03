// `madoguchi points serve`: the points API over HTTP, in front of any PointsCore.
//
// Every request but GET /healthz and GET /readyz needs "Authorization: Bearer <token>"; bodies
// over the limit get 413; malformed JSON gets 400; every error is {"error", "message"}
// (http_errors.h). /healthz answers while the process serves; /readyz only while the core's
// database answers a read (503 {"status": "not_ready", "check": "database", "error", "message"}
// otherwise), so probes need no token and learn nothing of the ledger.
//
// Thread safety: Start and Stop from one thread; requests are served on the server's own threads,
// which call the core concurrently (PointsCore implementations are thread-safe).
// Ownership: borrows the core and options.clock; both must outlive the server.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_SERVER_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "points/points_core.h"
#include "points_http/routes.h"

namespace madoguchi::http_front {
class Front;
struct Request;
struct Response;
}  // namespace madoguchi::http_front

namespace madoguchi::points_http {

// Where `points serve` reads its token; never from the command line (it would show in ps).
inline constexpr char kTokenEnvVar[] = "MADOGUCHI_POINTS_TOKEN";
// Shorter tokens are refused: the token is all that guards the ledger.
inline constexpr size_t kMinTokenLength = 16;

struct PointsHttpServerOptions {
  // Address to listen on. Default: loopback only.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (see port()). Default: 0.
  int port = 0;
  // The bearer token clients must present; at least kMinTokenLength characters. Required.
  std::string token;
  // Largest request body accepted; the API's bodies are a few hundred bytes. Default: 64 KiB.
  size_t max_body_bytes = 64 * 1024;
  // How long a client may take to send a whole request, first byte to last, or to read a
  // response. Default: 5 s each.
  std::chrono::seconds read_timeout{5};
  std::chrono::seconds write_timeout{5};
  // How long an idle keep-alive connection stays open. Stop() waits up to this long for clients
  // that keep theirs open. Default: 5 s.
  std::chrono::seconds keep_alive_timeout{5};
  // "Today" for requests that leave a date out. Default: nullptr, the system clock (Asia/Tokyo).
  const Clock* clock = nullptr;
  // Told, on the request's thread, why GET /readyz answered 503: the core's status, whose
  // message is operator detail (PostgreSQL's reason) kept off the wire. Must be thread-safe.
  // Default: none.
  std::function<void(const Status&)> on_not_ready;
};

class PointsHttpServer {
 public:
  PointsHttpServer(points::PointsCore& core, PointsHttpServerOptions options);
  ~PointsHttpServer();  // stops
  PointsHttpServer(const PointsHttpServer&) = delete;
  PointsHttpServer& operator=(const PointsHttpServer&) = delete;

  // Binds and starts serving on a background thread; returns once requests are accepted. Once
  // per server.
  // invalid_argument for a missing or short token; unavailable when the address cannot be bound.
  Status Start();
  // Stops accepting, finishes requests in flight, joins. Idempotent.
  void Stop();
  // The bound port (useful with port 0); 0 before Start.
  int port() const { return port_; }

 private:
  void Handle(http_front::Request& req, http_front::Response& res) const;
  static void Refuse(http_front::Response& res);

  PointsHttpServerOptions options_;
  SystemClock system_clock_;
  RouteContext context_;
  std::unique_ptr<http_front::Front> front_;
  bool started_ = false;
  int port_ = 0;
};

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_SERVER_H_
