#include "http/server.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string_view>

#include "http/api_error.h"
#include "http/listen_address.h"
#include "http_front/request.h"
#include "http_front/server.h"
#include "points_http/bearer.h"

namespace madoguchi::http {

namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

void SetError(http_front::Response& res, const Status& s) {
  res.status = HttpStatusFor(s);
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetContent(Dump(ErrorJson(s)), kJson);
}

bool IsApiPath(const std::string& path) { return path.rfind("/api/", 0) == 0; }

// The presented bearer token, or empty.
std::string BearerToken(const std::string& authorization) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() ||
      authorization.compare(0, kPrefix.size(), kPrefix) != 0) {
    return {};
  }
  return authorization.substr(kPrefix.size());
}

// The front's own refusals, in the API's error shape.
Status FrontError(int status) {
  switch (status) {
    case 413:
      return PayloadTooLargeError();
    case 400:
      return BadRequestError();
    case 408:
      return Status(StatusCode::kInvalidArgument, "リクエストが時間内に届きませんでした。",
                    "request_timeout");
    case 431:
      return Status(StatusCode::kInvalidArgument, "リクエストのヘッダーが大きすぎます。",
                    "headers_too_large");
    case 501:
      return Status(StatusCode::kInvalidArgument, "この転送形式には対応していません。",
                    "not_implemented");
    case 505:
      return Status(StatusCode::kInvalidArgument, "このHTTPバージョンには対応していません。",
                    "http_version_not_supported");
    default:
      return Internal("the HTTP front answered " + std::to_string(status));
  }
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), series_(std::make_unique<RouteSeries[]>(RouteCount())) {
  http_front::FrontOptions f;
  f.host = options_.host;
  f.port = options_.port;
  f.limits.max_body_bytes = options_.max_body_bytes;
  f.limits.max_header_bytes = options_.max_header_bytes;
  f.limits.max_headers = options_.max_headers;
  f.request_timeout = options_.read_timeout;
  f.write_timeout = options_.write_timeout;
  f.keep_alive_timeout = options_.keep_alive_timeout;
  f.worker_threads = std::max(1, options_.worker_threads);
  f.max_connections = options_.max_connections;
  front_ = std::make_unique<http_front::Front>(std::move(f));
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Handle(const http_front::Request& req, http_front::Response& res) const {
  const auto start = std::chrono::steady_clock::now();
  bool allowed = true;
  if (IsApiPath(req.path)) {
    const std::string authorization = req.Header("Authorization");
    if (IsStaffApiPath(req.path)) {
      const std::string token = BearerToken(authorization);
      allowed = context_->staff_tokens != nullptr && !token.empty() &&
                context_->staff_tokens->Accepts(token);
    } else {
      allowed = options_.api_token.empty() ||
                points_http::BearerMatches(authorization, options_.api_token);
    }
  }
  if (allowed) {
    try {
      ServeRoute(*context_, req, res);
    } catch (...) {
      // Handlers do not throw; this is the guard that keeps a bug from ending the process.
      res = http_front::Response{};
      SetError(res, Internal("handler threw"));
    }
  } else {
    res.SetHeader("WWW-Authenticate", "Bearer");
    SetError(res, UnauthorizedError());
  }
  Observe(req, res,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

void HttpServer::Refuse(const http_front::Request& req, http_front::Response& res) const {
  const int status = res.status;
  SetError(res, FrontError(status));
  res.status = status;
  Observe(req, res, 0);
}

void HttpServer::Observe(const http_front::Request& req, const http_front::Response& res,
                         double seconds) const {
  ops::Registry* metrics = context_ != nullptr ? context_->metrics : nullptr;
  const ops::Logger* logger = context_ != nullptr ? context_->logger : nullptr;
  if (metrics == nullptr && logger == nullptr && !options_.access_log) return;
  const RouteMatch route = MatchRoute(req.method, req.path);
  if (metrics != nullptr) {
    RouteSeries& series = series_[route.index];
    ops::Histogram* latency = series.latency.load(std::memory_order_acquire);
    if (latency == nullptr) {
      latency = &metrics->GetHistogram(
          "madoguchi_http_request_duration_seconds", "HTTP request latency by route, in seconds.",
          {{"route", std::string(route.label)}}, ops::Registry::LatencyBuckets());
      series.latency.store(latency, std::memory_order_release);
    }
    latency->Observe(seconds);
    // Statuses outside 0–599 (none are sent) share the last slot's series.
    const size_t status =
        std::min<size_t>(static_cast<size_t>(std::max(0, res.status)), series.by_status.size() - 1);
    ops::Counter* requests = series.by_status[status].load(std::memory_order_acquire);
    if (requests == nullptr) {
      // Two threads may both get here; the registry hands them the same series.
      requests = &metrics->GetCounter(
          "madoguchi_http_requests_total", "HTTP requests by route and status.",
          {{"route", std::string(route.label)}, {"status", std::to_string(status)}});
      series.by_status[status].store(requests, std::memory_order_release);
    }
    requests->Inc();
  }
  if (logger != nullptr) {
    logger->Info("http_request", {{"method", req.method},
                                  {"route", route.label},
                                  {"status", res.status},
                                  {"duration_ms", seconds * 1000.0}});
  } else if (options_.access_log) {
    // One write, so lines of concurrent requests do not interleave.
    std::cerr << (req.method + " " + req.path + " " + std::to_string(res.status) + "\n");
  }
}

Status HttpServer::Bind() {
  if (bound_) return Status(StatusCode::kFailedPrecondition, "Bind may be called only once");
  if (!options_.api_token.empty() && options_.api_token.size() < kMinApiTokenLength) {
    return InvalidArgument(std::string("the API token (") + kApiTokenEnvVar +
                           ") must be at least " + std::to_string(kMinApiTokenLength) +
                           " characters");
  }
  if (options_.api_token.empty() && !IsLoopbackHost(options_.host)) {
    return Status(StatusCode::kFailedPrecondition,
                  std::string("refusing to serve the API without a token on ") + options_.host +
                      ", which other machines can reach: set " + kApiTokenEnvVar + " (at least " +
                      std::to_string(kMinApiTokenLength) + " characters), or listen on 127.0.0.1");
  }
  bound_ = true;
  const Status bound = front_->Bind();
  if (!bound.ok()) return bound;
  port_ = front_->port();
  return Status::Ok();
}

Status HttpServer::Start(const RouteContext& context) {
  if (!bound_ || port_ == 0) {
    return Status(StatusCode::kFailedPrecondition, "Start needs a successful Bind first");
  }
  if (started_) return Status(StatusCode::kFailedPrecondition, "Start may be called only once");
  started_ = true;
  context_ = &context;
  http_front::FrontCallbacks callbacks;
  callbacks.handle = [this](const http_front::Request& req, http_front::Response& res) {
    Handle(req, res);
  };
  callbacks.refuse = [this](const http_front::Request& req, http_front::Response& res) {
    Refuse(req, res);
  };
  return front_->Start(std::move(callbacks));
}

void HttpServer::Stop() { front_->Stop(); }

}  // namespace madoguchi::http
