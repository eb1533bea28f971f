#pragma once
#include <time.h>

#include <cstdint>

namespace wind::bench {

// Monotonic nanoseconds; every latency in wind-bench is a difference of two of these.
inline std::int64_t nowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace wind::bench
