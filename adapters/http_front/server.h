// The HTTP/1.1 front of the service and of `points serve`: one event loop reads every
// connection, and only a request that has fully arrived reaches a worker thread. A slow or idle
// client therefore costs a socket and a few bytes of buffer, never a thread, so no number of
// trickling clients can keep /healthz or a LINE webhook waiting.
//
// The limits every connection meets (FrontOptions):
//   - the head within max_header_bytes and max_headers (431), a body within max_body_bytes,
//     refused (413) as soon as its declared length or the sum of its chunks passes the limit,
//     before the rest is read;
//   - a whole request, first byte to last, within request_timeout (408, then closed); an idle
//     keep-alive connection closed after keep_alive_timeout; a response that cannot be written
//     within write_timeout dropped;
//   - at most max_connections open: a new connection evicts the one whose request has been
//     arriving (or that has idled) the longest, so the newest client is served and a flood of
//     slow connections only churns itself.
// Requests a handler never sees (400, 408, 413, 431, 501, 505) are answered by the front,
// with a body from FrontCallbacks::refuse.
//
// Thread safety: Bind, Start and Stop from one thread. `handle` runs on the worker threads,
// concurrently; `refuse` on the loop thread and on workers (after a handler threw).
// Ownership: the callbacks given to Start are copied; what they capture must outlive Stop().
#ifndef MADOGUCHI_ADAPTERS_HTTP_FRONT_SERVER_H_
#define MADOGUCHI_ADAPTERS_HTTP_FRONT_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "http_front/request.h"
#include "http_front/request_parser.h"

namespace madoguchi::http_front {

struct FrontOptions {
  // Address to listen on. Default: loopback only.
  std::string host = "127.0.0.1";
  // Port; 0 picks a free one (see port()). Default: 0.
  int port = 0;
  // Head and body limits. Default: 16 KiB of head, 64 headers, 64 KiB of body.
  ParserLimits limits;
  // From a request's first byte to its last. Default: 10 s.
  std::chrono::milliseconds request_timeout{10'000};
  // How long a connection may idle between requests. Default: 5 s.
  std::chrono::milliseconds keep_alive_timeout{5'000};
  // How long a response may take to be read by the client. Default: 5 s.
  std::chrono::milliseconds write_timeout{5'000};
  // Threads that run handlers: requests answered at once. Default: 8.
  int worker_threads = 8;
  // Connections open at once; file descriptors are raised to fit when the system allows.
  // Default: 4096.
  size_t max_connections = 4096;
  // Requests served on one connection before it is closed. Default: 100.
  size_t max_requests_per_connection = 100;
};

struct FrontCallbacks {
  // Answers one request, which it may change (a router fills path_params, a handler may move
  // the body out). Exceptions are caught and answered 500 (through `refuse`).
  std::function<void(Request&, Response&)> handle;
  // Gives a body to a response the front makes itself: `response.status` is set, `request`
  // holds whatever of the request was parsed (possibly nothing). Must not block. Optional.
  std::function<void(const Request&, Response&)> refuse;
};

// What the front has done since it started; read at any time.
struct FrontStats {
  uint64_t accepted = 0;
  uint64_t open = 0;
  uint64_t refused = 0;    // answered by the front: 4xx/5xx before a handler
  uint64_t timed_out = 0;  // requests that did not arrive within request_timeout
  uint64_t evicted = 0;    // connections closed to make room for a new one
};

class Front {
 public:
  explicit Front(FrontOptions options);
  ~Front();  // stops
  Front(const Front&) = delete;
  Front& operator=(const Front&) = delete;

  // Claims the address; connections wait in the backlog until Start. Once.
  // Unavailable when the address cannot be bound (the reason, e.g. "address in use", included).
  Status Bind();
  // Serves on background threads; returns once the loop runs. Once, after Bind().
  Status Start(FrontCallbacks callbacks);
  // Stops accepting, lets requests in flight finish (bounded by write_timeout), closes every
  // connection, joins. Idempotent.
  void Stop();

  // The bound port; 0 before Bind().
  int port() const { return port_; }
  FrontStats stats() const;

 private:
  struct Connection;
  using Clock = std::chrono::steady_clock;

  void Loop();
  void WorkerLoop();
  void Accept();
  void OnEvent(Connection& c, uint32_t events);
  void ReadInput(Connection& c);
  void ProcessInput(Connection& c);
  void Dispatch(Connection& c);
  void Refuse(Connection& c, int status);
  void TakeBackFinished();
  // Waits on the socket for what Connection::SendPending could not write, then AfterWrite.
  void WriteRest(Connection& c);
  void AfterWrite(Connection& c);
  void StartLinger(Connection& c);
  void SweepDeadlines(Clock::time_point now);
  void Arm(Connection& c, uint32_t events);
  void Close(Connection& c);
  bool EvictOne();
  std::string Serialize(const Connection& c, const Response& r, bool keep_alive) const;

  FrontOptions options_;
  FrontCallbacks callbacks_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: workers hand connections back, Stop() asks the loop to end
  int port_ = 0;
  bool bound_ = false;
  bool started_ = false;
  std::thread loop_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};

  // Loop thread only.
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;

  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::deque<Connection*> work_;  // complete requests waiting for a worker
  bool workers_exit_ = false;

  std::mutex done_mu_;
  std::vector<Connection*> done_;  // answered, back to the loop

  std::atomic<uint64_t> accepted_{0}, open_{0}, refused_{0}, timed_out_{0}, evicted_{0};
};

}  // namespace madoguchi::http_front

#endif  // MADOGUCHI_ADAPTERS_HTTP_FRONT_SERVER_H_
