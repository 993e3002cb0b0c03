#include "outbound/connection_pool.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace madoguchi::outbound {
namespace {

ConnectionPoolOptions To(const std::string& origin) {
  ConnectionPoolOptions options;
  options.origin = origin;
  return options;
}

// A server on loopback that records the client port of every request: one port per TCP
// connection, so reuse is seen from the other side.
class PortRecordingServer {
 public:
  PortRecordingServer() {
    server_.Post("/call", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      ports_.insert(req.remote_port);
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~PortRecordingServer() {
    server_.stop();
    thread_.join();
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  size_t connections() {
    std::lock_guard<std::mutex> lock(mu_);
    return ports_.size();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::set<int> ports_;
};

TEST(ConnectionPool, ReturnedConnectionIsReusedForTheNextCall) {
  PortRecordingServer server;
  ConnectionPool pool(To(server.origin()));
  for (int i = 0; i < 5; ++i) {
    auto client = pool.Take();
    ASSERT_NE(client, nullptr);
    auto res = client->Post("/call", "{}", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
    pool.Return(std::move(client));
  }
  EXPECT_EQ(server.connections(), 1u);
}

TEST(ConnectionPool, KeepsAtMostMaxIdle) {
  PortRecordingServer server;
  ConnectionPoolOptions options;
  options.origin = server.origin();
  options.max_idle = 1;
  ConnectionPool pool(options);
  auto a = pool.Take();
  auto b = pool.Take();
  httplib::Client* kept = a.get();
  pool.Return(std::move(a));
  pool.Return(std::move(b));  // over max_idle: closed
  auto again = pool.Take();
  EXPECT_EQ(again.get(), kept);
  auto fresh = pool.Take();
  EXPECT_NE(fresh.get(), kept);
}

TEST(ConnectionPool, ConnectionNotReturnedIsNotReused) {
  PortRecordingServer server;
  ConnectionPool pool(To(server.origin()));
  for (int i = 0; i < 3; ++i) {
    auto client = pool.Take();
    ASSERT_TRUE(client->Post("/call", "{}", "application/json"));
    // Dropped, as after a failed call.
  }
  EXPECT_EQ(server.connections(), 3u);
}

}  // namespace
}  // namespace madoguchi::outbound
