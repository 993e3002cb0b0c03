#include "http/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string_view>

#include "http/api_error.h"
#include "http/listen_address.h"
#include "points_http/bearer.h"

namespace madoguchi::http {

namespace {

constexpr char kJson[] = "application/json; charset=utf-8";

void SetError(httplib::Response& res, const Status& s) {
  res.status = HttpStatusFor(s);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(Dump(ErrorJson(s)), kJson);
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

// When the request's handling began, for the latency of Observe. A request is read, routed
// and answered on one worker thread, so a thread-local carries it from the pre-routing
// handler to the logger without any shared state. Zero: not set (httplib answered before
// routing, e.g. 413).
thread_local std::chrono::steady_clock::time_point request_start{};

}  // namespace

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()),
      series_(std::make_unique<RouteSeries[]>(RouteCount())) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Configure() {
  httplib::Server& s = *server_;
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_read_timeout(options_.read_timeout);
  s.set_write_timeout(options_.write_timeout);
  s.set_keep_alive_timeout(options_.keep_alive_timeout.count());
  // httplib's default of 5 requests per connection makes a chatty widget reconnect often.
  s.set_keep_alive_max_count(100);
  // Answers go out in more than one write; without this, Nagle's algorithm and the peer's
  // delayed ACK add 40 ms to each.
  s.set_tcp_nodelay(true);
  // httplib's default also sets SO_REUSEPORT, with which a second service started on the same
  // port binds too and silently takes half the requests; it should fail to start instead.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const size_t threads = static_cast<size_t>(std::max(1, options_.worker_threads));
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  {
    s.set_logger(
        [this](const httplib::Request& req, const httplib::Response& res) { Observe(req, res); });
  }
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_start = std::chrono::steady_clock::now();
    if (!IsApiPath(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    const std::string authorization = req.get_header_value("Authorization");
    bool allowed;
    if (IsStaffApiPath(req.path)) {
      const std::string token = BearerToken(authorization);
      allowed = context_ != nullptr && context_->staff_tokens != nullptr && !token.empty() &&
                context_->staff_tokens->Accepts(token);
    } else {
      allowed = options_.api_token.empty() ||
                points_http::BearerMatches(authorization, options_.api_token);
    }
    if (allowed) return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, UnauthorizedError());
    return httplib::Server::HandlerResponse::Handled;
  });
  // httplib's own errors (no route, body over the limit, unparsable request) come with an empty
  // body; give them the API's error shape. Handlers' responses already have theirs.
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const int status = res.status;
        Status error = status == 404   ? NoRouteError()
                       : status == 413 ? PayloadTooLargeError()
                       : status == 400 ? BadRequestError()
                                       : Internal("httplib answered " + std::to_string(status));
        SetError(res, error);
        if (status != 404 && status != 413 && status != 400) res.status = status;
        return httplib::Server::HandlerResponse::Handled;
      }));
  // Handlers do not throw; this is the guard that keeps a bug from ending the process.
  s.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    SetError(res, Internal("handler threw"));
  });
}

void HttpServer::Observe(const httplib::Request& req, const httplib::Response& res) {
  ops::Registry* metrics = context_ != nullptr ? context_->metrics : nullptr;
  const ops::Logger* logger = context_ != nullptr ? context_->logger : nullptr;
  if (metrics == nullptr && logger == nullptr && !options_.access_log) return;
  double seconds = 0;
  if (request_start != std::chrono::steady_clock::time_point{}) {
    seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
    request_start = {};
  }
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
  Configure();
  if (options_.port == 0) {
    port_ = std::max(0, server_->bind_to_any_port(options_.host));
  } else if (server_->bind_to_port(options_.host, options_.port)) {
    port_ = options_.port;
  }
  if (port_ == 0) {
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  return Status::Ok();
}

Status HttpServer::Start(const RouteContext& context) {
  if (!bound_ || port_ == 0) {
    return Status(StatusCode::kFailedPrecondition, "Start needs a successful Bind first");
  }
  // httplib cannot register routes twice nor listen again after stop().
  if (started_) return Status(StatusCode::kFailedPrecondition, "Start may be called only once");
  started_ = true;
  context_ = &context;
  RegisterRoutes(*server_, context);
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    loop_ended_ = true;
  });
  // httplib's stop() is a no-op until the accept loop runs, so Stop() right after Start() would
  // hang the join; wait for it.
  while (!server_->is_running() && !loop_ended_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (loop_ended_) {
    thread_.join();
    return Unavailable("the HTTP server stopped as it started");
  }
  return Status::Ok();
}

void HttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

}  // namespace madoguchi::http
