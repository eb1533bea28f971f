#pragma once
// Latency samples (ns) and their percentiles; sorted once when reported.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace wind::bench {

class Samples final {
 public:
  void reserve(std::size_t n) { values_.reserve(n); }
  void add(std::int64_t ns) { values_.push_back(ns); }
  std::size_t count() const { return values_.size(); }
  // Percentile in milliseconds (p in 0..100); 0 when empty.
  double ms(double p) {
    if (values_.empty()) return 0;
    if (!sorted_) {
      std::sort(values_.begin(), values_.end());
      sorted_ = true;
    }
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values_.size() - 1) + 0.5);
    return static_cast<double>(values_[std::min(rank, values_.size() - 1)]) / 1e6;
  }
  double maxMs() { return ms(100); }

 private:
  std::vector<std::int64_t> values_;
  bool sorted_ = false;
};

}  // namespace wind::bench
