#pragma once
// Counts attempts per key (client address, email) within a window; what
// Accounts asks before and after a login. SlidingWindowLimiter keeps the
// counts in this process; with a cluster bus they live in Redis so that the
// limit holds across nodes (cluster::RedisAttemptLimiter). Thread-safe.

#include <chrono>
#include <optional>
#include <string>

namespace wind::auth {

class AttemptLimiter {
 public:
  virtual ~AttemptLimiter() = default;
  // When `key` already used up its attempts: how long until it may try again
  // (whole seconds, at least 1). Else nullopt.
  virtual std::optional<std::chrono::seconds> blockedFor(const std::string& key) = 0;
  // Counts one attempt for `key` now.
  virtual void record(const std::string& key) = 0;
  // A new limit for the following checks (configuration reload); 0 = off.
  virtual void setLimit(unsigned limit) noexcept = 0;
};

}  // namespace wind::auth
