#include "http/listen_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace madoguchi::http {

std::string ListenAddress::Authority() const { return Authority(port); }

std::string ListenAddress::Authority(int bound_port) const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(bound_port);
}

StatusOr<ListenAddress> ParseListenAddress(std::string_view text) {
  const Status bad = InvalidArgument(
      "the listen address must be HOST:PORT (127.0.0.1:8080, "
      "[::1]:8080), got \"" +
      std::string(text) + "\"");
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return bad;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return bad;  // an IPv6 address needs brackets, or its port is ambiguous
  }
  int n = -1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || n < 0 || n > 65535) {
    return bad;
  }
  for (char c : host) {
    if (c <= ' ' || c == '/' || c == '@' || c == '[' || c == ']') return bad;
  }
  return ListenAddress{std::string(host), n};
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  std::string h(host);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace madoguchi::http
