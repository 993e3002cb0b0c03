// Kept-alive HTTP connections to one outside API (LINE's, Slack's), shared by a client's calls:
// a call takes an idle connection or opens one, and gives it back when the answer came, so calls
// in a row reuse a connection instead of paying a TCP (and TLS) handshake each.
//
// A connection whose call failed is not given back (dropped: the next call opens a fresh one).
// Thread safety: Take and Return may be called from many threads at once; a taken connection
// belongs to its caller alone until returned.
#ifndef MADOGUCHI_ADAPTERS_OUTBOUND_CONNECTION_POOL_H_
#define MADOGUCHI_ADAPTERS_OUTBOUND_CONNECTION_POOL_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace madoguchi::outbound {

struct ConnectionPoolOptions {
  // scheme://host[:port] of the API. Required.
  std::string origin;
  std::chrono::milliseconds connect_timeout{3000};
  // Reading the answer, and writing the request.
  std::chrono::milliseconds read_timeout{10000};
  // CA bundle for https; empty: the system's.
  std::string ca_cert_path;
  // Idle connections kept for reuse; more are closed when returned.
  size_t max_idle = 4;
};

class ConnectionPool {
 public:
  explicit ConnectionPool(ConnectionPoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, or a new one configured from the options. Never null.
  std::unique_ptr<httplib::Client> Take();
  // Gives back a connection whose last call was answered; kept while fewer than max_idle are.
  void Return(std::unique_ptr<httplib::Client> client);

 private:
  const ConnectionPoolOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // guarded by mu_
};

}  // namespace madoguchi::outbound

#endif  // MADOGUCHI_ADAPTERS_OUTBOUND_CONNECTION_POOL_H_
