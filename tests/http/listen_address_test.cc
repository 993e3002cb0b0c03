#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace madoguchi::http {
namespace {

TEST(ParseListenAddress, ReadsHostAndPort) {
  auto a = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  EXPECT_EQ(a->Authority(), "127.0.0.1:8080");
  a = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "::1");
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(a->Authority(9000), "[::1]:9000");
  a = ParseListenAddress("localhost:65535");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->port, 65535);
}

TEST(ParseListenAddress, RefusesTheRest) {
  for (const char* bad :
       {"", "8080", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:80x", "::1:8080", "[::1:8080", "a b:80", "user@host:80"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

TEST(IsLoopbackHost, OnlyWhatNoOtherMachineReaches) {
  for (const char* yes : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    EXPECT_TRUE(IsLoopbackHost(yes)) << yes;
  }
  for (const char* no : {"0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com",
                         "localhost.example.com", "128.0.0.1", ""}) {
    EXPECT_FALSE(IsLoopbackHost(no)) << no;
  }
}

}  // namespace
}  // namespace madoguchi::http
