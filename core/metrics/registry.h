#pragma once
// A small metrics registry: named counters with labels, rendered in the
// Prometheus text exposition format (version 0.0.4) for GET /metrics.
//
// One Registry is made by main and passed by reference to whoever counts;
// it outlives them. Every method is thread-safe. Counters are never removed,
// so a Counter& stays valid for the registry's lifetime.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace wind::metrics {

// Label name → value. A std::map keeps the labels in one canonical order, so
// the same set given in any order names the same series.
using Labels = std::map<std::string, std::string>;

// A monotonically increasing 64-bit counter. Lock-free.
class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Registry {
 public:
  // The counter `name` with `labels`, created on first use. The same name and
  // labels return the same Counter. The help text of a name is the one given
  // first. Throws std::invalid_argument when `name` is not a Prometheus metric
  // name ([a-zA-Z_:][a-zA-Z0-9_:]*) or a label name is not [a-zA-Z_][a-zA-Z0-9_]*
  // or starts with "__" (reserved by Prometheus).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});

  // Every counter, grouped by name in name order, one "# HELP" and "# TYPE"
  // line per name, series in label order.
  std::string renderPrometheus() const;

 private:
  struct Family {
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> series;
  };

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// True when `name` is a valid Prometheus metric name.
bool isValidMetricName(std::string_view name) noexcept;

}  // namespace wind::metrics
