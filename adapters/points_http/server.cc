#include "points_http/server.h"

#include "http_front/request.h"
#include "http_front/server.h"
#include "points_http/bearer.h"
#include "points_http/http_errors.h"
#include "points_http/wire.h"

namespace madoguchi::points_http {

namespace {

void SetError(http_front::Response& res, const HttpError& e) {
  res.status = e.http_status;
  res.SetContent(e.Body(), kJsonContentType);
}

}  // namespace

PointsHttpServer::PointsHttpServer(points::PointsCore& core, PointsHttpServerOptions options)
    : options_(std::move(options)),
      context_{core, options_.clock != nullptr ? *options_.clock : system_clock_,
               options_.on_not_ready} {
  http_front::FrontOptions f;
  f.host = options_.host;
  f.port = options_.port;
  f.limits.max_body_bytes = options_.max_body_bytes;
  f.request_timeout = options_.read_timeout;
  f.write_timeout = options_.write_timeout;
  f.keep_alive_timeout = options_.keep_alive_timeout;
  front_ = std::make_unique<http_front::Front>(std::move(f));
}

PointsHttpServer::~PointsHttpServer() { Stop(); }

void PointsHttpServer::Handle(http_front::Request& req, http_front::Response& res) const {
  // Probes (a load balancer, Kubernetes) carry no token; neither answer says anything of the
  // ledger.
  const bool probe = req.path == "/healthz" || req.path == "/readyz";
  if (!probe && !BearerMatches(req.Header("Authorization"), options_.token)) {
    res.SetHeader("WWW-Authenticate", "Bearer");
    SetError(res, TransportError(kErrorUnauthorized));
    return;
  }
  try {
    ServeRoute(context_, req, res);
  } catch (...) {
    // Handlers do not throw; this is the guard that keeps a bug from killing the process.
    res = http_front::Response{};
    SetError(res, HttpErrorFor(Internal("handler threw")));
  }
}

void PointsHttpServer::Refuse(http_front::Response& res) {
  const char* code = res.status == 413   ? kErrorPayloadTooLarge
                     : res.status == 400 ? kErrorBadRequest
                                         : "";
  HttpError e = TransportError(code);
  if (*code == '\0') e.http_status = res.status;  // keep the front's status, say "internal"
  SetError(res, e);
}

Status PointsHttpServer::Start() {
  if (options_.token.size() < kMinTokenLength) {
    return InvalidArgument(std::string("the points API token (") + kTokenEnvVar +
                           ") must be at least " + std::to_string(kMinTokenLength) + " characters");
  }
  if (started_) return Status(StatusCode::kFailedPrecondition, "Start may be called only once");
  started_ = true;
  const Status bound = front_->Bind();
  if (!bound.ok()) return bound;
  port_ = front_->port();
  http_front::FrontCallbacks callbacks;
  callbacks.handle = [this](http_front::Request& req, http_front::Response& res) {
    Handle(req, res);
  };
  callbacks.refuse = [](const http_front::Request&, http_front::Response& res) { Refuse(res); };
  return front_->Start(std::move(callbacks));
}

void PointsHttpServer::Stop() { front_->Stop(); }

}  // namespace madoguchi::points_http
