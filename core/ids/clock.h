#pragma once
// Wall-clock time, injectable so tests can step it (forwards and backwards).

#include <chrono>
#include <cstdint>

namespace wind::ids {

class Clock {
 public:
  virtual ~Clock() = default;
  // UTC microseconds since the Unix epoch.
  virtual std::int64_t nowMicros() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t nowMicros() const noexcept override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }
};

}  // namespace wind::ids
