#include "http_front/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http_front/raw_client.h"

namespace madoguchi::http_front {
namespace {

using namespace std::chrono_literals;

using testing::BodyOf;
using testing::StatusOf;
using Client = testing::RawClient;

// Echoes what it was given, so tests see exactly what a handler would.
void Echo(const Request& r, Response& res) {
  if (r.path == "/throw") throw std::runtime_error("bug");
  std::string body = r.method + " " + r.path + " body=" + r.body;
  for (const auto& [k, v] : r.params) body += " " + k + "=" + v;
  res.SetContent(body, "text/plain");
}

class FrontTest : public ::testing::Test {
 protected:
  void StartFront(FrontOptions options = {}) {
    options.port = 0;
    front_ = std::make_unique<Front>(options);
    ASSERT_TRUE(front_->Bind().ok());
    FrontCallbacks callbacks;
    callbacks.handle = Echo;
    callbacks.refuse = [](const Request&, Response& res) {
      res.SetContent("refused " + std::to_string(res.status), "text/plain");
    };
    ASSERT_TRUE(front_->Start(callbacks).ok());
  }
  int port() const { return front_->port(); }

  std::unique_ptr<Front> front_;
};

TEST_F(FrontTest, AnswersKeepsAliveAndTakesPipelinedRequests) {
  StartFront();
  Client c(port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send("GET /a?x=1%202 HTTP/1.1\r\nHost: h\r\n\r\n"));
  const std::string first = c.ReadResponse();
  EXPECT_EQ(StatusOf(first), 200);
  EXPECT_EQ(BodyOf(first), "GET /a body= x=1 2");
  // Two at once on the same connection: answered in order.
  ASSERT_TRUE(c.Send("POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(BodyOf(c.ReadResponse()), "POST /b body=abc");
  EXPECT_EQ(BodyOf(c.ReadResponse()), "GET /c body=");
}

TEST_F(FrontTest, ParsesFormBodiesIntoParameters) {
  StartFront();
  Client c(port());
  const std::string form = "token=t%2B1&member_id=K1001";
  ASSERT_TRUE(
      c.Send("POST /link HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
             "Content-Length: " +
             std::to_string(form.size()) + "\r\n\r\n" + form));
  const std::string body = BodyOf(c.ReadResponse());
  EXPECT_NE(body.find("token=t+1"), std::string::npos) << body;
  EXPECT_NE(body.find("member_id=K1001"), std::string::npos) << body;
}

TEST_F(FrontTest, APostWithoutLengthHasAnEmptyBodyAndIsAnsweredAtOnce) {
  StartFront();
  Client c(port(), 2000ms);
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nHost: h\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_EQ(BodyOf(response), "POST /x body=");
}

TEST_F(FrontTest, RefusesADeclaredOversizedBodyBeforeItIsSent) {
  FrontOptions options;
  options.limits.max_body_bytes = 1024;
  StartFront(options);
  Client c(port());
  // Only the head is sent: the refusal must not wait for the body.
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nContent-Length: 268435456\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 413);
  EXPECT_EQ(BodyOf(response), "refused 413");
  EXPECT_NE(response.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(c.ClosedByServer());
}

TEST_F(FrontTest, DecodesChunkedBodies) {
  StartFront();
  Client c(port());
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(c.Send("3\r\nabc\r\n"));
  ASSERT_TRUE(c.Send("4\r\ndefg\r\n0\r\n\r\n"));
  EXPECT_EQ(BodyOf(c.ReadResponse()), "POST /x body=abcdefg");
}

TEST_F(FrontTest, StopsReadingAChunkedBodyOnceItPassesTheLimit) {
  FrontOptions options;
  options.limits.max_body_bytes = 64 * 1024;
  StartFront(options);
  Client c(port());
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  // Up to 256 MiB in 64 KiB chunks; the server must cut it off long before.
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'a') + "\r\n";
  size_t sent = 0;
  while (sent < 256u * 1024 * 1024 && c.Send(chunk)) sent += chunk.size();
  EXPECT_LT(sent, 32u * 1024 * 1024) << "the server kept reading";
  EXPECT_EQ(front_->stats().refused, 1u);
}

TEST_F(FrontTest, RefusesOversizedHeads) {
  StartFront();
  {
    Client c(port());
    std::string head = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 100; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
    ASSERT_TRUE(c.Send(head + "\r\n"));
    EXPECT_EQ(StatusOf(c.ReadResponse()), 431);
  }
  {
    // A head that never ends: refused once it passes the limit, not buffered without end.
    Client c(port());
    std::string head = "GET / HTTP/1.1\r\nX: ";
    c.Send(head);
    const std::string filler(4096, 'a');
    for (int i = 0; i < 8 && c.Send(filler); ++i) {
    }
    EXPECT_EQ(StatusOf(c.ReadResponse()), 431);
  }
}

TEST_F(FrontTest, RefusesWhatItCannotFrame) {
  StartFront();
  Client c(port());
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"));
  EXPECT_EQ(StatusOf(c.ReadResponse()), 400);
  Client d(port());
  ASSERT_TRUE(d.Send("GET / HTTP/3\r\n\r\n"));
  EXPECT_EQ(StatusOf(d.ReadResponse()), 505);
}

TEST_F(FrontTest, AnswersContinueBeforeTheBody) {
  StartFront();
  Client c(port());
  ASSERT_TRUE(c.Send("POST /x HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  // The interim answer comes while the body has not been sent.
  EXPECT_EQ(StatusOf(c.ReadResponse()), 100);
  ASSERT_TRUE(c.Send("hi"));
  EXPECT_EQ(BodyOf(c.ReadResponse()), "POST /x body=hi");
}

TEST_F(FrontTest, AHandlerThatThrowsIsA500) {
  StartFront();
  Client c(port());
  ASSERT_TRUE(c.Send("GET /throw HTTP/1.1\r\n\r\n"));
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 500);
  EXPECT_EQ(BodyOf(response), "refused 500");
}

TEST_F(FrontTest, ARequestTrickledPastItsDeadlineIs408AndClosed) {
  FrontOptions options;
  options.request_timeout = 300ms;
  StartFront(options);
  Client c(port());
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\n"));
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(100ms);
    if (!c.Send("X")) break;
  }
  const std::string response = c.ReadResponse();
  EXPECT_EQ(StatusOf(response), 408);
  EXPECT_EQ(front_->stats().timed_out, 1u);
}

// 200 clients trickle a header byte now and then, as slowloris does; every health check made
// meanwhile on a fresh connection is answered.
TEST_F(FrontTest, SlowClientsDoNotStarveOthers) {
  FrontOptions options;
  options.worker_threads = 2;
  options.request_timeout = 2000ms;
  StartFront(options);
  constexpr int kSlow = 200;
  std::vector<std::unique_ptr<Client>> slow;
  for (int i = 0; i < kSlow; ++i) {
    slow.push_back(std::make_unique<Client>(port()));
    ASSERT_TRUE(slow.back()->Send("GET /slow HTTP/1.1\r\n"));
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done) {
      for (auto& c : slow) c->Send("X");
      std::this_thread::sleep_for(100ms);
    }
  });
  int answered = 0;
  constexpr int kChecks = 50;
  for (int i = 0; i < kChecks; ++i) {
    Client probe(port(), 2000ms);
    if (probe.Send("GET /healthz HTTP/1.1\r\n\r\n") && StatusOf(probe.ReadResponse()) == 200) {
      ++answered;
    }
    std::this_thread::sleep_for(20ms);
  }
  done = true;
  trickle.join();
  EXPECT_EQ(answered, kChecks);
  RecordProperty("healthz_answered_under_200_slow_clients", answered);
}

TEST_F(FrontTest, ANewConnectionEvictsTheOldestWhenFull) {
  FrontOptions options;
  options.max_connections = 8;
  StartFront(options);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<Client>(port()));
    idle.back()->Send("GET /half HTTP/1.1\r\n");
    std::this_thread::sleep_for(5ms);
  }
  Client fresh(port());
  ASSERT_TRUE(fresh.Send("GET /new HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(fresh.ReadResponse()), 200);
  EXPECT_GE(front_->stats().evicted, 1u);
  EXPECT_TRUE(idle.front()->ClosedByServer());
}

TEST_F(FrontTest, StopEndsIdleConnectionsAndReturns) {
  StartFront();
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 20; ++i) idle.push_back(std::make_unique<Client>(port()));
  Client busy(port());
  ASSERT_TRUE(busy.Send("GET /a HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(StatusOf(busy.ReadResponse()), 200);
  front_->Stop();
  EXPECT_EQ(front_->stats().open, 0u);
  EXPECT_TRUE(busy.ClosedByServer());
}

TEST(FrontBind, SaysWhyItCannotListen) {
  Front first(FrontOptions{});
  ASSERT_TRUE(first.Bind().ok());
  FrontOptions same;
  same.port = first.port();
  Front second(same);
  const Status s = second.Bind();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("in use"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace madoguchi::http_front
