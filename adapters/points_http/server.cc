#include "points_http/server.h"

#include <httplib.h>

#include "points_http/bearer.h"
#include "points_http/http_errors.h"
#include "points_http/wire.h"

namespace madoguchi::points_http {

namespace {

void SetError(httplib::Response& res, const HttpError& e) {
  res.status = e.http_status;
  res.set_content(e.Body(), kJsonContentType);
}

}  // namespace

PointsHttpServer::PointsHttpServer(points::PointsCore& core, PointsHttpServerOptions options)
    : options_(std::move(options)),
      context_{core, options_.clock != nullptr ? *options_.clock : system_clock_},
      server_(std::make_unique<httplib::Server>()) {}

PointsHttpServer::~PointsHttpServer() { Stop(); }

void PointsHttpServer::Configure() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_read_timeout(options_.read_timeout);
  s.set_write_timeout(options_.write_timeout);
  s.set_keep_alive_timeout(options_.keep_alive_timeout.count());
  // Answers are small and sent in more than one write; without this, Nagle's algorithm and the
  // peer's delayed ACK add 40 ms to each.
  s.set_tcp_nodelay(true);
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.path == "/healthz") return httplib::Server::HandlerResponse::Unhandled;
    if (BearerMatches(req.get_header_value("Authorization"), options_.token)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, TransportError(kErrorUnauthorized));
    return httplib::Server::HandlerResponse::Handled;
  });
  // httplib's own errors (no route, body over the limit, unparsable request) come with an empty
  // body; give them the API's error shape. Handlers' errors already have theirs.
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const char* code = res.status == 404   ? kErrorNoRoute
                           : res.status == 413 ? kErrorPayloadTooLarge
                           : res.status == 400 ? kErrorBadRequest
                                               : "";
        HttpError e = TransportError(code);
        if (*code == '\0') e.http_status = res.status;  // keep httplib's status, say "internal"
        SetError(res, e);
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Handlers do not throw; this is the guard that keeps a bug from killing the process.
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SetError(res, HttpErrorFor(Internal("handler threw")));
  });
  RegisterRoutes(s, context_);
}

Status PointsHttpServer::Start() {
  if (options_.token.size() < kMinTokenLength) {
    return InvalidArgument(std::string("the points API token (") + kTokenEnvVar +
                           ") must be at least " + std::to_string(kMinTokenLength) + " characters");
  }
  // httplib cannot register routes twice nor listen again after stop().
  if (started_) return Status(StatusCode::kFailedPrecondition, "Start may be called only once");
  started_ = true;
  Configure();
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0) port_ = 0;
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  }
  if (port_ == 0) {
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    loop_ended_ = true;
  });
  // httplib's stop() is a no-op until the accept loop runs, so Stop() right after Start() would
  // hang the join; wait for it. Connections made meanwhile wait in the listen backlog.
  while (!server_->is_running() && !loop_ended_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (loop_ended_) {
    thread_.join();
    return Unavailable("the points API stopped as it started");
  }
  return Status::Ok();
}

void PointsHttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace madoguchi::points_http
