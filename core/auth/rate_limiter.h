#pragma once
// A sliding-window counter per key (client address, email): at most `limit`
// events within any `window` (a limit of 0 turns it off). Thread-safe. Memory is bounded: past
// `maxKeys` keys, expired ones are swept, and if that is not enough the limiter forgets everything
// (it fails open rather than growing without bound).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/attempt_limiter.h"
#include "ids/clock.h"

namespace wind::auth {

class SlidingWindowLimiter final : public AttemptLimiter {
 public:
  // `clock` must outlive this.
  SlidingWindowLimiter(unsigned limit, std::chrono::seconds window, const ids::Clock& clock,
                       std::size_t maxKeys = 100000);

  // When `key` already has `limit` events in the window: how long until the
  // oldest leaves it, in whole seconds rounded up (at least 1). Else nullopt.
  std::optional<std::chrono::seconds> blockedFor(const std::string& key) override;

  // Counts one event for `key` now.
  void record(const std::string& key) override;
  // A new limit for the following checks (configuration reload). Any thread.
  void setLimit(unsigned limit) noexcept override {
    limit_.store(limit, std::memory_order_relaxed);
  }

 private:
  void expire(std::deque<std::int64_t>& events, std::int64_t now) const;
  void sweep(std::int64_t now);

  std::atomic<unsigned> limit_;
  const std::int64_t windowMicros_;
  const ids::Clock& clock_;
  const std::size_t maxKeys_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::deque<std::int64_t>> events_;
};

}  // namespace wind::auth
