// A fake LINE Messaging API for tests: a real httplib server on 127.0.0.1 (random port) that
// records every request (path, headers, body, arrival time) and answers from a script: per
// path prefix, a queue of canned answers (500, 429 with Retry-After, 400 invalid reply token …);
// when a queue is empty it answers 200 like LINE does.
//
// Optionally (EmulateDedupe) it dedupes as LINE does: a reply token works once, and a push
// repeating an X-Line-Retry-Key that LINE accepted is answered 409 without being sent again.
// delivered() is what members would have seen. Hold() makes answers late: a request is taken
// (and delivered) on arrival, and answered only after Release(), as when LINE is slow to answer
// or the caller dies before the answer comes; Answer::taken loses an answer.
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
#include <set>
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
    // LINE took the request although the answer says otherwise: the answer was lost on its way
    // back (a gateway's 502). Counts as delivered, and uses up a reply token or retry key.
    bool taken = false;
  };

  static Answer InvalidReplyToken() { return {400, R"({"message":"Invalid reply token"})", ""}; }
  static Answer ServerError() { return {500, R"({"message":"Internal server error"})", ""}; }
  static Answer LostAnswer() { return {502, R"({"message":"Bad gateway"})", "", true}; }
  static Answer TooManyRequests(const std::string& retry_after = "") {
    return {429, R"({"message":"The API rate limit has been exceeded. Try again later."})",
            retry_after};
  }

  FakeLineApi() {
    server_.Post(R"(/v2/bot/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      Answer answer = Record(req);
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return !held_ || req.path.rfind(held_prefix_, 0) != 0; });
      }
      res.status = answer.status;
      if (!answer.retry_after.empty()) res.set_header("Retry-After", answer.retry_after);
      res.set_content(answer.body, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeLineApi() {
    Release();
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
  // LINE's dedupe of reply tokens and retry keys (see the top). Default: off.
  void EmulateDedupe(bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    dedupe_ = on;
  }
  // Holds the answers to requests whose path starts with `path_prefix` (all of them by default)
  // from now until Release(); requests are still taken as they arrive.
  void Hold(const std::string& path_prefix = "") {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = true;
    held_prefix_ = path_prefix;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  // The replies and pushes LINE took and would have shown the member: answered 2xx (or held),
  // and, with EmulateDedupe, not a reused reply token nor a repeated retry key.
  std::vector<Request> delivered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  bool WaitForDelivered(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return delivered_.size() >= n; });
  }

  // Waits until at least `n` requests arrived; false on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  Answer Record(const httplib::Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    Request request{req.path, req.headers, req.body, std::chrono::steady_clock::now()};
    requests_.push_back(request);
    cv_.notify_all();
    for (auto& [prefix, queue] : script_) {
      if (req.path.rfind(prefix, 0) == 0 && !queue.empty()) {
        Answer a = queue.front();
        queue.pop_front();
        if (a.status / 100 == 2 || a.taken) Take(request);
        return a;
      }
    }
    if (req.path.find("/linkToken") != std::string::npos) {
      return {200, R"({"linkToken":"NMZTNuVrPTqlr2IF8Bnymkb7rXfYv5EY"})", ""};
    }
    if (dedupe_ && req.path == "/v2/bot/message/reply" &&
        used_reply_tokens_.count(ReplyToken(request)) > 0) {
      return InvalidReplyToken();
    }
    if (dedupe_ && req.path == "/v2/bot/message/push" &&
        accepted_retry_keys_.count(request.Header("X-Line-Retry-Key")) > 0) {
      return {409, R"({"message":"The retry key is already accepted"})", ""};
    }
    Take(request);
    return {200, R"({"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]})", ""};
  }
  static std::string ReplyToken(const Request& request) {
    const nlohmann::json body = request.Json();
    return body.is_object() && body.contains("replyToken") && body["replyToken"].is_string()
               ? body["replyToken"].get<std::string>()
               : std::string();
  }
  // LINE accepted a message: it reaches the member, and its token or retry key is used up.
  void Take(const Request& request) {  // mu_ held
    if (request.path == "/v2/bot/message/reply") {
      used_reply_tokens_.insert(ReplyToken(request));
    } else if (request.path == "/v2/bot/message/push") {
      const std::string key = request.Header("X-Line-Retry-Key");
      if (!key.empty()) accepted_retry_keys_.insert(key);
    } else {
      return;
    }
    delivered_.push_back(request);
    cv_.notify_all();
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Request> requests_;                     // guarded by mu_
  std::map<std::string, std::deque<Answer>> script_;  // guarded by mu_
  bool dedupe_ = false;                               // guarded by mu_
  bool held_ = false;                                 // guarded by mu_
  std::string held_prefix_;                           // guarded by mu_
  std::set<std::string> used_reply_tokens_;           // guarded by mu_
  std::set<std::string> accepted_retry_keys_;         // guarded by mu_
  std::vector<Request> delivered_;                    // guarded by mu_
};

}  // namespace madoguchi::line::testing

#endif  // MADOGUCHI_TESTS_LINE_FAKE_LINE_API_H_
