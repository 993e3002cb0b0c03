// The durable inbox's enqueue, which a LINE or Slack webhook waits for before answering 200:
// each call returns only once its event is on disk (fsync), and calls that arrive together
// share one commit. Run with several threads to see the group commit at work.
//
//   ./build/release/bench/madoguchi_inbox_bench
//
// Reports per-call percentiles (p50_us, p99_us, max_us) as counters: the target is a tail
// latency. The file lives in $TMPDIR (default /tmp); put it on the disk the service will use.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite_inbox.h"

namespace {

using madoguchi::store::NewInboxEvent;
using madoguchi::store::SqliteInbox;

std::unique_ptr<SqliteInbox> shared_inbox;
std::filesystem::path shared_dir;
std::atomic<long> next_id{0};
std::mutex micros_mu;
std::vector<double> all_micros;

void BM_Enqueue(benchmark::State& state) {
  if (state.thread_index() == 0) {
    shared_dir = std::filesystem::temp_directory_path() /
                 ("madoguchi-inbox-bench-" + std::to_string(::getpid()));
    std::filesystem::remove_all(shared_dir);
    std::filesystem::create_directories(shared_dir);
    auto inbox = SqliteInbox::Open((shared_dir / "inbox.db").string());
    if (!inbox.ok()) {
      state.SkipWithError(inbox.status().ToString().c_str());
      return;
    }
    shared_inbox = std::move(inbox).value();
    all_micros.clear();
  }
  // A LINE text event's size.
  const std::string payload(600, 'x');
  std::vector<double> micros;
  for (auto _ : state) {
    NewInboxEvent e;
    e.channel = "line";
    const long n = next_id.fetch_add(1);
    e.event_id = "01BENCH" + std::to_string(n);
    e.ordering_key = "line:bench:U" + std::to_string(n % 5000);
    e.payload = payload;
    auto t0 = std::chrono::steady_clock::now();
    auto r = shared_inbox->Enqueue(e);
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      break;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  {
    std::lock_guard<std::mutex> lock(micros_mu);
    all_micros.insert(all_micros.end(), micros.begin(), micros.end());
  }
}

// Percentiles over every thread's calls, printed once all threads of a run are done.
class PercentileReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> copy = runs;
    std::lock_guard<std::mutex> lock(micros_mu);
    if (!all_micros.empty()) {
      std::sort(all_micros.begin(), all_micros.end());
      auto at = [&](double q) {
        return all_micros[static_cast<size_t>(q * (all_micros.size() - 1))];
      };
      for (Run& r : copy) {
        r.counters["p50_us"] = at(0.50);
        r.counters["p99_us"] = at(0.99);
        r.counters["max_us"] = all_micros.back();
      }
      all_micros.clear();
    }
    shared_inbox.reset();
    std::filesystem::remove_all(shared_dir);
    ConsoleReporter::ReportRuns(copy);
  }
};

BENCHMARK(BM_Enqueue)->Threads(1)->Threads(8)->Threads(32)->UseRealTime()->MinTime(3);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  PercentileReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
