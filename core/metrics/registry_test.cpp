#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>
#include <vector>

namespace wind::metrics {
namespace {

TEST(MetricsRegistry, EmptyRegistryRendersNothing) {
  Registry registry;
  EXPECT_EQ(registry.renderPrometheus(), "");
}

TEST(MetricsRegistry, SameNameAndLabelsReturnSameCounter) {
  Registry registry;
  Counter& a = registry.counter("wind_frames_total", "Frames.", {{"a", "1"}, {"b", "2"}});
  Counter& b = registry.counter("wind_frames_total", "ignored", {{"b", "2"}, {"a", "1"}});
  Counter& other = registry.counter("wind_frames_total", "Frames.", {{"a", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &other);
}

TEST(MetricsRegistry, RendersTextExpositionFormat) {
  Registry registry;
  registry.counter("wind_b_total", "Second.").add(3);
  Counter& plain = registry.counter("wind_a_total", "First.", {{"plugin", "chat"}});
  plain.add();
  plain.add(41);
  registry.counter("wind_a_total", "First.", {{"plugin", "auth"}});
  EXPECT_EQ(registry.renderPrometheus(),
            "# HELP wind_a_total First.\n"
            "# TYPE wind_a_total counter\n"
            "wind_a_total{plugin=\"auth\"} 0\n"
            "wind_a_total{plugin=\"chat\"} 42\n"
            "# HELP wind_b_total Second.\n"
            "# TYPE wind_b_total counter\n"
            "wind_b_total 3\n");
}

TEST(MetricsRegistry, EscapesHelpAndLabelValues) {
  Registry registry;
  registry.counter("x_total", "back\\slash\nnew \"quote\"", {{"l", "a\"b\\c\nd"}});
  EXPECT_EQ(registry.renderPrometheus(),
            "# HELP x_total back\\\\slash\\nnew \"quote\"\n"
            "# TYPE x_total counter\n"
            "x_total{l=\"a\\\"b\\\\c\\nd\"} 0\n");
}

TEST(MetricsRegistry, RejectsInvalidNames) {
  Registry registry;
  EXPECT_THROW(registry.counter("", "h"), std::invalid_argument);
  EXPECT_THROW(registry.counter("1abc", "h"), std::invalid_argument);
  EXPECT_THROW(registry.counter("a-b", "h"), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok", "h", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok", "h", {{"a:b", "v"}}), std::invalid_argument);
  EXPECT_NO_THROW(registry.counter("a:b_1", "h", {{"_x9", "v"}}));
  EXPECT_TRUE(isValidMetricName("wind_plugin_chat_sent_total"));
  EXPECT_FALSE(isValidMetricName("wind plugin"));
}

TEST(MetricsRegistry, ConcurrentIncrementsAreAllCounted) {
  Registry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < kPerThread; ++i) registry.counter("c_total", "h", {{"k", "v"}}).add();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry.counter("c_total", "h", {{"k", "v"}}).value(),
            static_cast<std::uint64_t>(kThreads) * kPerThread);
}

TEST(MetricsRegistry, GaugesGoUpAndDown) {
  Registry registry;
  Gauge& gauge = registry.gauge("wind_open", "Open.");
  gauge.add(5);
  gauge.add(-2);
  EXPECT_EQ(gauge.value(), 3);
  EXPECT_NE(registry.renderPrometheus().find("# TYPE wind_open gauge\nwind_open 3\n"),
            std::string::npos);
}

TEST(MetricsRegistry, GaugeFunctionsAreReadAtRenderTime) {
  Registry registry;
  std::int64_t value = 1;
  registry.gaugeFunction("wind_spool", "Spool.", {}, [&value] { return value; });
  value = 42;
  EXPECT_NE(registry.renderPrometheus().find("wind_spool 42\n"), std::string::npos);
}

TEST(MetricsRegistry, HistogramsRenderCumulativeBuckets) {
  Registry registry;
  Histogram& h =
      registry.histogram("wind_latency_seconds", "Latency.", {{"plugin", "chat"}}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const std::string text = registry.renderPrometheus();
  EXPECT_NE(text.find("# TYPE wind_latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("wind_latency_seconds_bucket{le=\"0.1\",plugin=\"chat\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("wind_latency_seconds_bucket{le=\"1\",plugin=\"chat\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("wind_latency_seconds_bucket{le=\"+Inf\",plugin=\"chat\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("wind_latency_seconds_sum{plugin=\"chat\"} 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("wind_latency_seconds_count{plugin=\"chat\"} 3\n"), std::string::npos);
}

TEST(MetricsRegistry, ANameKeepsItsType) {
  Registry registry;
  registry.counter("wind_x", "X.");
  EXPECT_THROW(registry.gauge("wind_x", "X."), std::invalid_argument);
  EXPECT_THROW(registry.histogram("wind_x", "X."), std::invalid_argument);
  EXPECT_THROW(registry.histogram("wind_y", "Y.", {{"le", "1"}}), std::invalid_argument);
}

}  // namespace
}  // namespace wind::metrics
