#include "ops/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace madoguchi::ops {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(MetricsTest, CountersRenderWithLabels) {
  Registry r;
  r.GetCounter("http_requests_total", "Requests.", {{"route", "/api/v1/ask"}, {"status", "200"}})
      .Inc();
  r.GetCounter("http_requests_total", "Requests.", {{"route", "/api/v1/ask"}, {"status", "200"}})
      .Inc(2);
  std::string out = r.Render();
  EXPECT_TRUE(Has(out, "# TYPE http_requests_total counter")) << out;
  EXPECT_TRUE(Has(out, "http_requests_total{route=\"/api/v1/ask\",status=\"200\"} 3")) << out;
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry r;
  Histogram& h = r.GetHistogram("latency_seconds", "Latency.", {{"route", "/x"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(3);
  std::string out = r.Render();
  EXPECT_TRUE(Has(out, "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1")) << out;
  EXPECT_TRUE(Has(out, "latency_seconds_bucket{route=\"/x\",le=\"1\"} 2")) << out;
  EXPECT_TRUE(Has(out, "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3")) << out;
  EXPECT_TRUE(Has(out, "latency_seconds_count{route=\"/x\"} 3")) << out;
}

TEST(MetricsTest, GaugeIsReadWhenRendering) {
  Registry r;
  int depth = 4;
  r.AddGauge("inbox_depth", "Pending events.", [&] { return depth; });
  EXPECT_TRUE(Has(r.Render(), "inbox_depth 4"));
  depth = 7;
  EXPECT_TRUE(Has(r.Render(), "inbox_depth 7"));
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  Registry r;
  Counter& c = r.GetCounter("n", "N.");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.Inc();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.Value(), 40000);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Registry r;
  r.GetCounter("c", "C.", {{"route", "a\"b\\c"}}).Inc();
  EXPECT_TRUE(Has(r.Render(), "c{route=\"a\\\"b\\\\c\"} 1")) << r.Render();
}

}  // namespace
}  // namespace madoguchi::ops
