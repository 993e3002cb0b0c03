// The service as `madoguchi serve` wires it, against what an attacker sends on the wire: floods
// of chunked bodies, huge heads, trickled requests. Nothing may be buffered past the limits,
// every refusal has the API's error shape, and health checks keep being answered.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_front/raw_client.h"
#include "integration/test_service.h"

namespace madoguchi::testing {
namespace {

using namespace std::chrono_literals;

class HostileClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServiceOptions o;
    o.today = *ParseIsoDate("2026-04-15");
    auto started = TestService::Start(o);
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    service_ = std::move(*started);
  }

  // Sends up to 256 MiB of chunked body to `path`; returns how much the server took.
  size_t FloodChunked(RawClient& c, const std::string& path) {
    c.Send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           "Transfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
    size_t sent = 0;
    while (sent < 256u * 1024 * 1024 && c.Send(chunk)) sent += chunk.size();
    return sent;
  }

  std::unique_ptr<TestService> service_;
};

TEST_F(HostileClientsTest, ChunkedFloodsAreCutOffAtTheBodyLimit) {
  for (const std::string path : {"/api/v1/ask", "/webhook/line/nochannel", "/link"}) {
    RawClient c(service_->port());
    ASSERT_TRUE(c.connected());
    const size_t sent = FloodChunked(c, path);
    // The limit is 64 KiB; socket buffers take a few MiB more before the cut-off shows.
    EXPECT_LT(sent, 32u * 1024 * 1024) << path;
    const std::string response = c.ReadResponse();
    if (!response.empty()) {  // a reset may overtake the answer; when it arrives it is this
      EXPECT_EQ(StatusOf(response), 413) << path;
      EXPECT_NE(BodyOf(response).find("\"error\":\"payload_too_large\""), std::string::npos);
    }
  }
}

TEST_F(HostileClientsTest, ADeclaredOversizedBodyIsRefusedBeforeItIsSent) {
  RawClient c(service_->port());
  ASSERT_TRUE(c.Send("POST /api/v1/ask HTTP/1.1\r\nHost: x\r\nContent-Length: 268435456\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 413);
  EXPECT_NE(BodyOf(response).find("payload_too_large"), std::string::npos);
}

TEST_F(HostileClientsTest, HugeHeadsAre431) {
  RawClient c(service_->port());
  c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
  const std::string line = "X-Filler: " + std::string(1000, 'a') + "\r\n";
  for (int i = 0; i < 1000 && c.Send(line); ++i) {
  }
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 431);
  EXPECT_NE(BodyOf(response).find("\"error\":\"headers_too_large\""), std::string::npos);
}

TEST_F(HostileClientsTest, APostWithoutLengthIsAnsweredAtOnce) {
  RawClient c(service_->port());
  ASSERT_TRUE(c.Send("POST /api/v1/ask HTTP/1.1\r\nHost: x\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 400);
  EXPECT_NE(BodyOf(response).find("malformed_json"), std::string::npos);
}

TEST_F(HostileClientsTest, HealthChecksAreAnsweredWhileSlowClientsTrickle) {
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 100; ++i) {
    slow.push_back(std::make_unique<RawClient>(service_->port()));
    slow.back()->Send("POST /webhook/line/bench HTTP/1.1\r\nHost: x\r\n");
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (auto& c : slow) c->Send("X");
      std::this_thread::sleep_for(200ms);
    }
  });
  int answered = 0;
  for (int i = 0; i < 20; ++i) {
    RawClient probe(service_->port(), 2000ms);
    if (probe.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") &&
        StatusOf(probe.ReadResponse()) == 200) {
      ++answered;
    }
  }
  done = true;
  trickle.join();
  EXPECT_EQ(answered, 20);
}

}  // namespace
}  // namespace madoguchi::testing
