// A fake LINE Messaging API for tests: a real httplib server on 127.0.0.1 (random port) that
// records every request (path, headers, body, arrival time) and answers from a script: per
// path prefix, a queue of canned answers (500, 429 with Retry-After, 400 invalid reply token …);
// when a queue is empty it answers 200 like LINE does.
//
// Thread safety: every method may be called while the server's threads record requests.
#ifndef MADOGUCHI_TESTS_LINE_FAKE_LINE_API_H_
#define MADOGUCHI_TESTS_LINE_FAKE_LINE_API_H_

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace madoguchi::line::testing {

class FakeLineApi {
 public:
  struct Request {
    std::string path;
    httplib::Headers headers;
    std::string body;
    std::chrono::steady_clock::time_point at;

    std::string Header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
    nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  };
  struct Answer {
    int status = 200;
    std::string body = "{}";
    std::string retry_after;  // sent as Retry-After when not empty
  };

  static Answer InvalidReplyToken() { return {400, R"({"message":"Invalid reply token"})", ""}; }
  static Answer ServerError() { return {500, R"({"message":"Internal server error"})", ""}; }
  static Answer TooManyRequests(const std::string& retry_after = "") {
    return {429, R"({"message":"The API rate limit has been exceeded. Try again later."})",
            retry_after};
  }

  FakeLineApi() {
    server_.Post(R"(/v2/bot/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      Answer answer = Record(req);
      res.status = answer.status;
      if (!answer.retry_after.empty()) res.set_header("Retry-After", answer.retry_after);
      res.set_content(answer.body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeLineApi() {
    server_.stop();
    thread_.join();
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next answers to requests whose path starts with `path_prefix`, in order.
  void Script(const std::string& path_prefix, std::vector<Answer> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    for (Answer& a : answers) script_[path_prefix].push_back(std::move(a));
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<Request> requests_to(const std::string& path) const {
    std::vector<Request> out;
    for (auto& r : requests()) {
      if (r.path == path) out.push_back(r);
    }
    return out;
  }
  // Waits until at least `n` requests arrived; false on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  Answer Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({req.path, req.headers, req.body, std::chrono::steady_clock::now()});
    cv_.notify_all();
    for (auto& [prefix, queue] : script_) {
      if (req.path.rfind(prefix, 0) == 0 && !queue.empty()) {
        Answer a = queue.front();
        queue.pop_front();
        return a;
      }
    }
    if (req.path.find("/linkToken") != std::string::npos) {
      return {200, R"({"linkToken":"NMZTNuVrPTqlr2IF8Bnymkb7rXfYv5EY"})", ""};
    }
    return {200, R"({"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]})", ""};
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> requests_;                     // guarded by mu_
  std::map<std::string, std::deque<Answer>> script_;  // guarded by mu_
};

}  // namespace madoguchi::line::testing

#endif  // MADOGUCHI_TESTS_LINE_FAKE_LINE_API_H_
