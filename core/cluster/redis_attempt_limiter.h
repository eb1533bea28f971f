#pragma once
// Login attempt counts shared by the nodes of a cluster: one Redis counter
// per key and window (SET NX PX + INCR), so auth.login_attempts_per_minute
// holds per address and per email whichever node a client reaches. Called on
// HTTP threads: one short round trip under a mutex (logins are rare next to
// frames). When Redis cannot be reached it counts in this process instead
// (the limit then holds per node) and tries Redis again after a pause, so a
// Redis outage never slows a login by more than one connect timeout.

#include <Poco/Logger.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "auth/attempt_limiter.h"
#include "auth/rate_limiter.h"

namespace Poco::Redis {
class Client;
}

namespace wind::cluster {

class RedisAttemptLimiter final : public auth::AttemptLimiter {
 public:
  // `clock` and `logger` outlive this. Connects lazily.
  RedisAttemptLimiter(std::string address, unsigned limit, std::chrono::seconds window,
                      const ids::Clock& clock, Poco::Logger& logger);
  ~RedisAttemptLimiter() override;

  std::optional<std::chrono::seconds> blockedFor(const std::string& key) override;
  void record(const std::string& key) override;
  void setLimit(unsigned limit) noexcept override;

 private:
  // The connected client, or nullptr while Redis is taken for unreachable. mutex_ held.
  Poco::Redis::Client* client();
  void lost(const std::exception& error);  // mutex_ held

  const std::string address_;
  const std::chrono::seconds window_;
  Poco::Logger& logger_;
  std::atomic<unsigned> limit_;
  auth::SlidingWindowLimiter local_;  // counts too, so an outage starts from the recent past
  std::mutex mutex_;
  std::unique_ptr<Poco::Redis::Client> client_;
  std::chrono::steady_clock::time_point retryAt_{};
};

}  // namespace wind::cluster
