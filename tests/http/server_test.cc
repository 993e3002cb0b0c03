#include "http/server.h"

#include <gtest/gtest.h>

namespace madoguchi::http {
namespace {

HttpServerOptions Options(const std::string& host, const std::string& token) {
  HttpServerOptions o;
  o.host = host;
  o.port = 0;
  o.api_token = token;
  return o;
}

TEST(HttpServer, AnOpenApiIsAllowedOnLoopbackOnly) {
  HttpServer loopback(Options("127.0.0.1", ""));
  EXPECT_TRUE(loopback.Bind().ok());
  EXPECT_GT(loopback.port(), 0);
  EXPECT_TRUE(loopback.api_open());

  HttpServer everywhere(Options("0.0.0.0", ""));
  Status s = everywhere.Bind();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find(kApiTokenEnvVar), std::string::npos);
  EXPECT_EQ(everywhere.port(), 0);  // nothing was bound

  HttpServer with_token(Options("0.0.0.0", "a-long-enough-token-123"));
  EXPECT_TRUE(with_token.Bind().ok());
  EXPECT_FALSE(with_token.api_open());
}

TEST(HttpServer, RefusesAShortToken) {
  HttpServer s(Options("127.0.0.1", "short"));
  EXPECT_EQ(s.Bind().code(), StatusCode::kInvalidArgument);
}

TEST(HttpServer, StartNeedsBindAndStopIsIdempotent) {
  HttpServer s(Options("127.0.0.1", ""));
  s.Stop();
  EXPECT_TRUE(s.Bind().ok());
  EXPECT_FALSE(s.Bind().ok());
  s.Stop();
}

TEST(HttpServer, ABusyPortIsUnavailable) {
  HttpServer first(Options("127.0.0.1", ""));
  ASSERT_TRUE(first.Bind().ok());
  HttpServerOptions o = Options("127.0.0.1", "");
  o.port = first.port();
  HttpServer second(o);
  EXPECT_EQ(second.Bind().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace madoguchi::http
