#pragma once
// A small metrics registry: named counters, gauges and histograms with
// labels, rendered in the Prometheus text exposition format (version 0.0.4)
// for GET /metrics.
//
// One Registry is made by main and passed by reference to whoever counts;
// it outlives them. Every method is thread-safe. Series are never removed,
// so a Counter&, Gauge& or Histogram& stays valid for the registry's lifetime.
// A name has one type: asking for it as another type throws.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

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

// A value that goes up and down (open connections, queue bytes). Lock-free.
class Gauge {
 public:
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t n) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending), plus
// their count and sum. observe() is lock-free: one relaxed increment per
// bucket hit, the sum kept in integer millionths of the unit.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double value) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    std::uint64_t count = 0;
    double sum = 0;
  };
  Snapshot snapshot() const;
  const std::vector<double>& bounds() const noexcept { return bounds_; }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<std::int64_t> sumMicros_{0};
};

// Bucket bounds for latencies in seconds: 100 us .. 10 s.
std::vector<double> latencyBuckets();
// Bucket bounds for sizes and counts: 1, 2, 4, .. 4096.
std::vector<double> sizeBuckets();

class Registry {
 public:
  // The counter `name` with `labels`, created on first use. The same name and
  // labels return the same Counter. The help text of a name is the one given
  // first. Throws std::invalid_argument when `name` is not a Prometheus metric
  // name ([a-zA-Z_:][a-zA-Z0-9_:]*) or a label name is not [a-zA-Z_][a-zA-Z0-9_]*
  // or starts with "__" (reserved by Prometheus).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});

  // The gauge `name` with `labels`, created on first use; same rules.
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});

  // A gauge whose value is read by calling `read` at render time (for values
  // another component already keeps: open connections, spool size). `read`
  // runs under the registry's lock on the thread rendering /metrics; it must
  // be cheap, thread-safe, and outlive the registry. A second call for the
  // same name and labels replaces the function.
  void gaugeFunction(std::string_view name, std::string_view help, const Labels& labels,
                     std::function<std::int64_t()> read);

  // The histogram `name` with `labels`, created on first use with `bounds`
  // (later calls' bounds are ignored); same naming rules.
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       const std::vector<double>& bounds = latencyBuckets());

  // Every series, grouped by name in name order, one "# HELP" and "# TYPE"
  // line per name, series in label order; histograms as _bucket{le=..},
  // _sum and _count.
  std::string renderPrometheus() const;

 private:
  enum class Kind { counter, gauge, histogram };
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<std::int64_t()> read;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    std::string help;
    Kind kind = Kind::counter;
    std::map<Labels, Series> series;
  };

  // The series slot, creating the family; checks names and the family's kind. Locked by caller.
  Series& slot(std::string_view name, std::string_view help, const Labels& labels, Kind kind);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// True when `name` is a valid Prometheus metric name.
bool isValidMetricName(std::string_view name) noexcept;

}  // namespace wind::metrics
