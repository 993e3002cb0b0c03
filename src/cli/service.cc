#include "cli/service.h"

#include "http/listen_address.h"

namespace madoguchi::cli {

StatusOr<std::unique_ptr<Service>> Service::Start(const ServiceOptions& options) {
  StatusOr<http::ListenAddress> listen = http::ParseListenAddress(options.config.listen);
  if (!listen.ok()) return listen.status();

  std::unique_ptr<Service> s(new Service());
  http::HttpServerOptions ho;
  ho.host = listen->host;
  ho.port = listen->port;
  ho.api_token = options.api_token;
  ho.max_body_bytes = options.config.max_body_bytes;
  ho.access_log = options.log_requests;
  s->server_ = std::make_unique<http::HttpServer>(ho);
  // Bound first: with port 0 the link page URL names the port the system picked.
  MADOGUCHI_RETURN_IF_ERROR(s->server_->Bind());
  s->base_url_ = "http://" + listen->Authority(s->server_->port());
  s->link_page_url_ =
      options.config.link_page_url.empty() ? s->base_url_ + "/link" : options.config.link_page_url;

  AssemblyOptions ao;
  ao.config = options.config;
  ao.link_page_url = s->link_page_url_;
  ao.today = options.today;
  ao.pbkdf2_iterations = options.pbkdf2_iterations;
  StatusOr<AssembledHelpdesk> assembled = AssembleHelpdesk(ao);
  if (!assembled.ok()) return assembled.status();
  s->assembled_ = std::move(assembled).value();

  generic::Limits limits;
  limits.max_text_code_points = options.config.max_text_chars;
  s->routes_ = std::make_unique<http::RouteContext>(
      http::RouteContext{*s->assembled_.helpdesk, limits, options.log_requests});
  MADOGUCHI_RETURN_IF_ERROR(s->server_->Start(*s->routes_));
  return s;
}

Service::~Service() { Stop(); }

void Service::Stop() {
  if (server_) server_->Stop();
}

}  // namespace madoguchi::cli
