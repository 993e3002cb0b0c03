#include "http_front/server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include "http_front/request_reader.h"

namespace madoguchi::http_front {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
// After a refusal or the last response the connection is half-closed and drained for a moment,
// so the client reads the answer instead of a reset; a client that keeps sending is cut off.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr size_t kMaxLingerBytes = 1024 * 1024;
constexpr std::chrono::milliseconds kSweepInterval{100};
constexpr uint64_t kListenerTag = ~uint64_t{0};
constexpr uint64_t kWakeTag = ~uint64_t{0} - 1;

std::string ErrnoText(int err) { return std::strerror(err); }

std::string PeerAddress(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof(text));
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof(text));
  }
  return text;
}

// Header values come from handlers, some from what a client sent; a line break in one would
// split the response.
std::string WithoutLineBreaks(const std::string& value) {
  std::string out = value;
  std::erase_if(out, [](char c) { return c == '\r' || c == '\n'; });
  return out;
}

void RaiseFileLimit(size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

struct Front::Connection {
  enum class State { kReading, kBusy, kWriting, kLingering };

  explicit Connection(const ParserLimits& limits) : reader(limits) {}

  // Sends what is left of `out` without blocking. False: the connection is broken.
  bool SendPending() {
    const ssize_t n =
        send(fd, out.data() + out_pos, out.size() - out_pos, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) out_pos += static_cast<size_t>(n);
    return n >= 0 || errno == EAGAIN || errno == EINTR;
  }

  int fd = -1;
  std::string remote_addr;
  State state = State::kReading;
  std::string in;  // received, not yet consumed
  RequestReader reader;
  std::string out;  // to send
  size_t out_pos = 0;
  bool close_after_write = false;
  size_t served = 0;
  size_t lingered = 0;
  Clock::time_point since;  // when the current request (or idle spell) began
  Clock::time_point deadline;
};

Front::Front(FrontOptions options) : options_(std::move(options)) {}

Front::~Front() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
  if (epoll_fd_ >= 0) close(epoll_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

FrontStats Front::stats() const {
  return {accepted_.load(), open_.load(), refused_.load(), timed_out_.load(), evicted_.load()};
}

Status Front::Bind() {
  if (bound_) return Status(StatusCode::kFailedPrecondition, "Bind may be called once");
  bound_ = true;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options_.port);
  const std::string where = options_.host + ":" + port;
  const int gai = getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found);
  if (gai != 0) return Unavailable("cannot listen on " + where + ": " + gai_strerror(gai));
  int last_errno = 0;
  for (addrinfo* a = found; a != nullptr && listen_fd_ < 0; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    // Not SO_REUSEPORT: a second service on the same port must fail to start, not share it.
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      last_errno = errno;
      close(fd);
      continue;
    }
    listen_fd_ = fd;
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0)
    return Unavailable("cannot listen on " + where + ": " + ErrnoText(last_errno));
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                            : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  RaiseFileLimit(options_.max_connections + 256);
  return Status::Ok();
}

Status Front::Start(FrontCallbacks callbacks) {
  if (listen_fd_ < 0) return Status(StatusCode::kFailedPrecondition, "Start needs Bind first");
  if (started_) return Status(StatusCode::kFailedPrecondition, "Start may be called once");
  callbacks_ = std::move(callbacks);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return Unavailable("cannot start: " + ErrnoText(errno));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  started_ = true;
  const int threads = std::max(1, options_.worker_threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  loop_ = std::thread([this] { Loop(); });
  return Status::Ok();
}

void Front::Stop() {
  if (!loop_.joinable()) return;
  stopping_ = true;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof(one));
  loop_.join();
  // Closed now, not at destruction: a client connecting after Stop() is refused at once
  // instead of waiting in a backlog nobody reads.
  close(listen_fd_);
  listen_fd_ = -1;
  {
    std::lock_guard<std::mutex> lock(work_mu_);
    workers_exit_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void Front::Loop() {
  std::vector<epoll_event> events(256);
  Clock::time_point last_sweep = Clock::now();
  std::optional<Clock::time_point> stop_deadline;
  for (;;) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(kSweepInterval.count()));
    for (int i = 0; i < n; ++i) {
      const uint64_t tag = events[i].data.u64;
      if (tag == kListenerTag) {
        if (!stopping_) Accept();
      } else if (tag == kWakeTag) {
        uint64_t count;
        [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof(count));
        TakeBackFinished();
      } else {
        auto it = connections_.find(static_cast<int>(tag));
        if (it != connections_.end()) OnEvent(*it->second, events[i].events);
      }
    }
    const Clock::time_point now = Clock::now();
    if (now - last_sweep >= kSweepInterval) {
      SweepDeadlines(now);
      last_sweep = now;
    }
    if (stopping_) {
      if (!stop_deadline) {
        stop_deadline = now + options_.write_timeout;
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
      }
      TakeBackFinished();
      // Idle and half-read connections end now; answers in flight may finish.
      std::vector<Connection*> waiting;
      for (auto& [fd, c] : connections_) {
        if (c->state == Connection::State::kReading || c->state == Connection::State::kLingering) {
          waiting.push_back(c.get());
        }
      }
      for (Connection* c : waiting) Close(*c);
      bool busy = false;
      for (auto& [fd, c] : connections_) busy |= c->state == Connection::State::kBusy;
      if (connections_.empty() || (!busy && now >= *stop_deadline)) break;
    }
  }
  std::vector<Connection*> rest;
  for (auto& [fd, c] : connections_) rest.push_back(c.get());
  for (Connection* c : rest) Close(*c);
}

void Front::Accept() {
  for (;;) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // EMFILE and friends: the connection stays in the backlog; evicting makes room.
      if (errno == EMFILE || errno == ENFILE) EvictOne();
      return;
    }
    if (connections_.size() >= options_.max_connections && !EvictOne()) {
      close(fd);
      continue;
    }
    // Answers go out in more than one segment only rarely, but then Nagle's algorithm and the
    // peer's delayed ACK would add 40 ms.
    const int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
    auto c = std::make_unique<Connection>(options_.limits);
    c->fd = fd;
    c->remote_addr = PeerAddress(addr);
    c->since = Clock::now();
    c->deadline = c->since + options_.keep_alive_timeout;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.u64 = static_cast<uint64_t>(fd);
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      close(fd);
      continue;
    }
    connections_[fd] = std::move(c);
    ++accepted_;
    ++open_;
  }
}

bool Front::EvictOne() {
  Connection* oldest = nullptr;
  for (auto& [fd, c] : connections_) {
    if (c->state == Connection::State::kBusy) continue;
    if (oldest == nullptr || c->since < oldest->since) oldest = c.get();
  }
  if (oldest == nullptr) return false;
  ++evicted_;
  Close(*oldest);
  return true;
}

void Front::Arm(Connection& c, uint32_t events) {
  epoll_event ev{};
  ev.events = events | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.u64 = static_cast<uint64_t>(c.fd);
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void Front::Close(Connection& c) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  --open_;
  connections_.erase(c.fd);  // destroys c
}

void Front::OnEvent(Connection& c, uint32_t events) {
  switch (c.state) {
    case Connection::State::kBusy:
      return;  // a stale event; the worker owns it
    case Connection::State::kReading:
      ReadInput(c);
      return;
    case Connection::State::kWriting: {
      if (events & (EPOLLERR | EPOLLHUP)) {
        Close(c);
        return;
      }
      if (!c.SendPending()) {
        Close(c);
        return;
      }
      if (c.out_pos < c.out.size()) {
        Arm(c, EPOLLOUT);
      } else {
        AfterWrite(c);
      }
      return;
    }
    case Connection::State::kLingering: {
      char buf[16 * 1024];
      for (;;) {
        const ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
          Close(c);
          return;
        }
        if (n < 0) break;
        c.lingered += static_cast<size_t>(n);
        if (c.lingered > kMaxLingerBytes) {
          Close(c);
          return;
        }
      }
      Arm(c, EPOLLIN);
      return;
    }
  }
}

void Front::ReadInput(Connection& c) {
  char buf[kReadChunk];
  const ssize_t n = recv(c.fd, buf, sizeof(buf), 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    Close(c);  // the client left; a complete request would already be with a worker
    return;
  }
  if (n > 0) c.in.append(buf, static_cast<size_t>(n));
  ProcessInput(c);
  if (c.state == Connection::State::kReading) Arm(c, EPOLLIN);
}

void Front::ProcessInput(Connection& c) {
  const bool was_started = c.reader.started();
  const RequestReader::Progress progress = c.reader.Advance(c.in);
  if (!was_started && c.reader.started()) {
    c.since = Clock::now();
    c.deadline = c.since + options_.request_timeout;
  }
  if (c.reader.TakeContinue()) {
    static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
    // Tiny, into an empty socket buffer: it does not block. Should it not go out, the client
    // sends its body after its own wait anyway.
    [[maybe_unused]] ssize_t n = send(c.fd, kContinue, sizeof(kContinue) - 1, MSG_NOSIGNAL);
  }
  switch (progress) {
    case RequestReader::Progress::kNeedMore:
      return;
    case RequestReader::Progress::kRefused:
      Refuse(c, c.reader.error().status);
      return;
    case RequestReader::Progress::kComplete:
      c.reader.request().remote_addr = c.remote_addr;
      Dispatch(c);
      return;
  }
}

void Front::Dispatch(Connection& c) {
  c.state = Connection::State::kBusy;
  {
    std::lock_guard<std::mutex> lock(work_mu_);
    work_.push_back(&c);
  }
  work_cv_.notify_one();
}

void Front::WorkerLoop() {
  for (;;) {
    Connection* c;
    {
      std::unique_lock<std::mutex> lock(work_mu_);
      work_cv_.wait(lock, [this] { return workers_exit_ || !work_.empty(); });
      if (work_.empty()) return;
      c = work_.front();
      work_.pop_front();
    }
    Response response;
    try {
      callbacks_.handle(c->reader.request(), response);
    } catch (...) {
      // Handlers do not throw; this keeps a bug from ending the process.
      response = Response{};
      response.status = 500;
      if (callbacks_.refuse) callbacks_.refuse(c->reader.request(), response);
    }
    ++c->served;
    const bool keep_alive = c->reader.framing().keep_alive && !stopping_ &&
                            c->served < options_.max_requests_per_connection;
    c->out = Serialize(*c, response, keep_alive);
    c->out_pos = 0;
    c->close_after_write = !keep_alive;
    // Most answers fit the socket's buffer: written here, with no trip through the loop. A
    // broken connection shows when the loop writes the rest.
    c->SendPending();
    bool wake;
    {
      std::lock_guard<std::mutex> lock(done_mu_);
      // Under load the loop takes many back per wake-up; one write is enough for them all.
      wake = done_.empty();
      done_.push_back(c);
    }
    if (wake) {
      const uint64_t one = 1;
      [[maybe_unused]] ssize_t w = write(wake_fd_, &one, sizeof(one));
    }
  }
}

void Front::TakeBackFinished() {
  std::vector<Connection*> finished;
  {
    std::lock_guard<std::mutex> lock(done_mu_);
    finished.swap(done_);
  }
  for (Connection* c : finished) WriteRest(*c);
}

void Front::WriteRest(Connection& c) {
  if (c.out_pos < c.out.size()) {
    c.state = Connection::State::kWriting;
    c.deadline = Clock::now() + options_.write_timeout;
    Arm(c, EPOLLOUT);
  } else {
    AfterWrite(c);
  }
}

void Front::AfterWrite(Connection& c) {
  c.out.clear();
  c.out_pos = 0;
  if (c.close_after_write) {
    StartLinger(c);
    return;
  }
  c.state = Connection::State::kReading;
  c.reader.Reset();
  c.since = Clock::now();
  c.deadline = c.since + options_.keep_alive_timeout;
  ProcessInput(c);  // a pipelined request may be waiting already
  if (c.state == Connection::State::kReading) Arm(c, EPOLLIN);
}

void Front::StartLinger(Connection& c) {
  shutdown(c.fd, SHUT_WR);
  c.state = Connection::State::kLingering;
  c.in.clear();
  c.deadline = Clock::now() + kLingerTime;
  Arm(c, EPOLLIN);
}

void Front::Refuse(Connection& c, int status) {
  ++refused_;
  Response response;
  response.status = status;
  if (callbacks_.refuse) callbacks_.refuse(c.reader.request(), response);
  c.out = Serialize(c, response, false);
  c.out_pos = 0;
  c.close_after_write = true;
  c.SendPending();
  WriteRest(c);
}

void Front::SweepDeadlines(Clock::time_point now) {
  std::vector<Connection*> expired;
  for (auto& [fd, c] : connections_) {
    if (c->state != Connection::State::kBusy && now >= c->deadline) expired.push_back(c.get());
  }
  for (Connection* c : expired) {
    if (c->state == Connection::State::kReading && c->reader.started()) {
      ++timed_out_;
      Refuse(*c, 408);
    } else {
      Close(*c);
    }
  }
}

std::string Front::Serialize(const Connection& c, const Response& r, bool keep_alive) const {
  std::string out;
  out.reserve(r.body.size() + 256);
  out += "HTTP/1.1 ";
  out += std::to_string(r.status);
  out += ' ';
  out += ReasonPhrase(r.status);
  out += "\r\n";
  for (const auto& [name, value] : r.headers) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Connection") ||
        EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;
    }
    out += WithoutLineBreaks(name);
    out += ": ";
    out += WithoutLineBreaks(value);
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(r.body.size());
  out += "\r\n";
  if (!keep_alive) {
    out += "Connection: close\r\n";
  } else if (c.reader.request().version == "HTTP/1.0") {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (c.reader.request().method != "HEAD") out += r.body;
  return out;
}

}  // namespace madoguchi::http_front
