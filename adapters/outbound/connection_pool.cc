#include "outbound/connection_pool.h"

#include <httplib.h>

namespace madoguchi::outbound {

ConnectionPool::ConnectionPool(ConnectionPoolOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<httplib::Client> ConnectionPool::Take() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<httplib::Client>(options_.origin);
  c->set_keep_alive(true);
  // Headers and body go out as separate writes: without this, Nagle's algorithm and delayed
  // ACKs add tens of milliseconds to every call on a kept-alive connection.
  c->set_tcp_nodelay(true);
  c->set_connection_timeout(options_.connect_timeout);
  c->set_read_timeout(options_.read_timeout);
  c->set_write_timeout(options_.read_timeout);
  if (!options_.ca_cert_path.empty()) c->set_ca_cert_path(options_.ca_cert_path);
  return c;
}

void ConnectionPool::Return(std::unique_ptr<httplib::Client> client) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < options_.max_idle) idle_.push_back(std::move(client));
}

}  // namespace madoguchi::outbound
