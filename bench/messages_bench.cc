// Latency of POST /api/v1/messages over loopback with the embedded default (`madoguchi serve`
// with no config: bundled knowledge base, SQLite conversation store, in-process points core
// seeded with the demo members), measured from the client: HTTP, JSON, the conversation with
// its store reads and writes, retrieval, rules.
//
//   ./build/release/bench/madoguchi_messages_bench
//
// Reports per-call percentiles (p50_us, p99_us, max_us) as counters, like ask_bench.
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "cli/service.h"

namespace {

using nlohmann::json;

void ReportPercentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[static_cast<size_t>(q * (micros.size() - 1))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
}

// The service as `madoguchi serve` runs it without a config, over a fresh temp data directory.
struct Bench {
  std::filesystem::path dir;
  std::unique_ptr<madoguchi::cli::Service> service;
  static constexpr char kLinkedUser[] = "bench-linked";
  std::vector<std::pair<std::string, std::string>> questions;  // program, text
  bool linked = false;
  std::string error;

  Bench() {
    dir = std::filesystem::temp_directory_path() /
          ("madoguchi-messages-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    madoguchi::cli::ServiceOptions o;
    o.config = madoguchi::cli::DefaultServeConfig();
    o.config.listen = "127.0.0.1:0";
    o.config.data_dir = (dir / "data").string();
    // Thousands of messages a second from 200 members would be refused by the per-user limit
    // (30 a minute): measured here is the answer, not the 429.
    o.config.rate_limit.per_minute = 1e9;
    o.config.rate_limit.burst = 1e9;
    auto started = madoguchi::cli::Service::Start(o);
    if (!started.ok()) {
      error = started.status().ToString();
      return;
    }
    service = std::move(started).value();
    // Members' questions: every bundled entry's alternates, plus some about nothing covered.
    const auto engine = service->helpdesk().engine();  // held while its entries are read
    for (const auto& [id, p] : engine->knowledge_base().programs) {
      for (const auto& e : p.entries) {
        for (const auto& a : e.alternates) questions.emplace_back(id, a);
      }
      questions.emplace_back(id, "明日の天気を教えてください");
    }
    std::shuffle(questions.begin(), questions.end(), std::mt19937(7));
    linked = LinkDemoMember();
  }

  // Links kLinkedUser to the demo member K1001 as a member would: the bot's link, the page.
  bool LinkDemoMember() {
    httplib::Client client("127.0.0.1", service->port());
    json ask = {{"channel_user", kLinkedUser}, {"program", "kagawa"}, {"text", "アカウント連携"}};
    auto res = client.Post("/api/v1/messages", ask.dump(), "application/json");
    const json turn = res ? json::parse(res->body, nullptr, /*allow_exceptions=*/false) : json();
    if (!turn.is_object() || !turn.contains("messages") || turn["messages"].empty() ||
        turn["messages"].back()["links"].empty()) {
      error = "no link URL in " + (res ? res->body : std::string("(no answer)"));
      return false;
    }
    const std::string url = turn["messages"].back()["links"][0].value("url", "");
    httplib::Params form = {{"token", url.substr(url.find("token=") + 6)},
                            {"member_id", "K1001"},
                            {"birth_date", "1980-06-15"},
                            {"auth_code", "DEMO-K1001"}};
    auto page = client.Post("/link", form);
    if (!page || page->status != 200) {
      error = "linking the demo member failed";
      return false;
    }
    return true;
  }
  ~Bench() {
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Bench& TheBench() {
  static Bench bench;
  return bench;
}

std::unique_ptr<httplib::Client> Connect(const Bench& b) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", b.service->port());
  client->set_keep_alive(true);
  // As browsers and curl do; without it the request's second write waits for a delayed ACK.
  client->set_tcp_nodelay(true);
  client->set_read_timeout(30, 0);
  return client;
}

// Bundled questions from 200 members in turn, each with their own conversation state.
void BM_MessagesBundled(benchmark::State& state) {
  Bench& b = TheBench();
  if (!b.service) {
    state.SkipWithError(b.error.c_str());
    return;
  }
  auto client = Connect(b);
  std::vector<double> micros;
  size_t i = 0;
  for (auto _ : state) {
    const auto& [program, text] = b.questions[i % b.questions.size()];
    json body = {
        {"channel_user", "bench-" + std::to_string(i % 200)}, {"program", program}, {"text", text}};
    ++i;
    const std::string payload = body.dump();
    auto t0 = std::chrono::steady_clock::now();
    auto res = client->Post("/api/v1/messages", payload, "application/json");
    auto t1 = std::chrono::steady_clock::now();
    if (!res || res->status != 200) {
      state.SkipWithError("a request failed");
      return;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  ReportPercentiles(state, micros);
  state.counters["questions"] = static_cast<double>(b.questions.size());
}
BENCHMARK(BM_MessagesBundled)->Unit(benchmark::kMicrosecond);

// A linked demo member asking for their balance: the live path through the points core.
void BM_MessagesLinkedBalance(benchmark::State& state) {
  Bench& b = TheBench();
  if (!b.service || !b.linked) {
    state.SkipWithError(b.error.c_str());
    return;
  }
  auto client = Connect(b);
  const std::string user = Bench::kLinkedUser;
  const std::string payload =
      json{{"channel_user", user}, {"program", "kagawa"}, {"text", "ポイント残高を教えて"}}.dump();
  std::vector<double> micros;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = client->Post("/api/v1/messages", payload, "application/json");
    auto t1 = std::chrono::steady_clock::now();
    if (!r || r->status != 200) {
      state.SkipWithError("a request failed");
      return;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  ReportPercentiles(state, micros);
}
BENCHMARK(BM_MessagesLinkedBalance)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
