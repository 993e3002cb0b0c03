// Counters and histograms in Prometheus' text exposition format, for /metrics.
//
// Metrics are registered once (at start-up) and then updated from any thread without locks on
// the hot path: each series is a set of atomics. Labels are fixed at registration (route and
// status are few and known), so an update is an index, never a map lookup.
// Thread safety: Register* before serving; Inc/Observe/Render from any thread at any time.
#ifndef MADOGUCHI_OPS_METRICS_H_
#define MADOGUCHI_OPS_METRICS_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace madoguchi::ops {

class Counter {
 public:
  void Inc(double by = 1);
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf; and the sum.
  std::vector<uint64_t> Cumulative() const;
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<double> sum_{0};
};

// Owns every metric; Render() writes them all.
class Registry {
 public:
  // name: metric name; labels: {"route", "/api/v1/ask"}… in a fixed order. The same name and
  // labels return the same series.
  Counter& GetCounter(const std::string& name, const std::string& help,
                      const std::vector<std::pair<std::string, std::string>>& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const std::vector<std::pair<std::string, std::string>>& labels,
                          const std::vector<double>& bounds);
  // A value read when rendering (inbox depth, up).
  void AddGauge(const std::string& name, const std::string& help, std::function<double()> read);

  std::string Render() const;

  // Seconds buckets suited to request latency: 0.5 ms … 5 s.
  static std::vector<double> LatencyBuckets();

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered labels
    std::map<std::string, std::unique_ptr<Histogram>> histograms;  // by rendered labels
    std::function<double()> gauge;
  };
  mutable std::mutex mu_;  // guards registration and rendering, not updates
  std::map<std::string, Family> families_;
};

}  // namespace madoguchi::ops

#endif  // MADOGUCHI_OPS_METRICS_H_
