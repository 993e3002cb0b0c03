// Where the service listens, as written on the command line and in the config ("HOST:PORT"),
// and whether that is loopback only, which decides if an API without a token may be served.
// Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_LISTEN_ADDRESS_H_
#define MADOGUCHI_ADAPTERS_HTTP_LISTEN_ADDRESS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::http {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "localhost", "0.0.0.0"; IPv6 without brackets
  int port = 0;      // 0–65535; 0 picks a free port
  // host:port as it goes in a URL ("[::1]:8080" for IPv6).
  std::string Authority() const;
  std::string Authority(int bound_port) const;
};

// "127.0.0.1:8080", "localhost:8080", "[::1]:8080", "0.0.0.0:80". InvalidArgument otherwise.
StatusOr<ListenAddress> ParseListenAddress(std::string_view text);

// True for 127.0.0.0/8, ::1 and "localhost": addresses no other machine can reach. Anything
// else (0.0.0.0, ::, a LAN address, another name) counts as reachable from outside.
bool IsLoopbackHost(std::string_view host);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_LISTEN_ADDRESS_H_
