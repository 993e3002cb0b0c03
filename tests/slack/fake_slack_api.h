// A fake Slack Web API for tests: a real httplib server on 127.0.0.1 (random port) that records
// every request (path, headers, body) and answers from a script: per method path, a queue of
// canned answers (500, 429 with Retry-After, {"ok":false,"error":"channel_not_found"} …); when
// the queue is empty it answers like Slack: 200 {"ok":true,"channel":…,"ts":…}.
//
// Thread safety: every method may be called while the server's threads record requests.
#ifndef MADOGUCHI_TESTS_SLACK_FAKE_SLACK_API_H_
#define MADOGUCHI_TESTS_SLACK_FAKE_SLACK_API_H_

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

namespace madoguchi::slack::testing {

class FakeSlackApi {
 public:
  struct Request {
    std::string path;
    httplib::Headers headers;
    std::string body;

    std::string Header(const std::string& name) const {
      auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
    nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  };
  struct Answer {
    int status = 200;
    std::string body;         // empty: Slack's success answer for the request
    std::string retry_after;  // sent as Retry-After when not empty
  };

  static Answer ServerError() { return {500, "<html>Internal Server Error</html>", ""}; }
  static Answer TooManyRequests(const std::string& retry_after) {
    return {429, R"({"ok":false,"error":"ratelimited"})", retry_after};
  }
  static Answer LogicalError(const std::string& error) {
    return {200, R"({"ok":false,"error":")" + error + R"("})", ""};
  }

  FakeSlackApi() {
    server_.Post(R"(/api/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      Answer answer = Record(req);
      res.status = answer.status;
      if (!answer.retry_after.empty()) res.set_header("Retry-After", answer.retry_after);
      res.set_content(answer.body, "application/json; charset=utf-8");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeSlackApi() {
    server_.stop();
    thread_.join();
  }

  // What a SlackApp's api_base_url should be: the fake serves under /api like slack.com.
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/api"; }

  // The next answers to requests for `path` ("/api/chat.postMessage"), in order.
  void Script(const std::string& path, std::vector<Answer> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    for (Answer& a : answers) script_[path].push_back(std::move(a));
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // Waits until at least `n` requests arrived; false on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  Answer Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({req.path, req.headers, req.body});
    cv_.notify_all();
    auto queue = script_.find(req.path);
    if (queue != script_.end() && !queue->second.empty()) {
      Answer a = queue->second.front();
      queue->second.pop_front();
      return a;
    }
    nlohmann::json in = nlohmann::json::parse(req.body, nullptr, false);
    std::string channel = in.is_object() && in.contains("channel") && in["channel"].is_string()
                              ? in["channel"].get<std::string>()
                              : "";
    ++ts_;
    nlohmann::json out = {
        {"ok", true}, {"channel", channel}, {"ts", "1700000000." + std::to_string(100000 + ts_)}};
    return {200, out.dump(), ""};
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> requests_;                     // guarded by mu_
  std::map<std::string, std::deque<Answer>> script_;  // guarded by mu_
  int ts_ = 0;                                        // guarded by mu_
};

}  // namespace madoguchi::slack::testing

#endif  // MADOGUCHI_TESTS_SLACK_FAKE_SLACK_API_H_
