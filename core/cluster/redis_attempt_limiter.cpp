#include "cluster/redis_attempt_limiter.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Timespan.h>

#include <algorithm>

namespace wind::cluster {
namespace {

constexpr Poco::Timespan::TimeDiff kTimeoutMicros = 500'000;
constexpr std::chrono::seconds kRetryAfterFailure{5};

std::string counterKey(const std::string& key) { return "wind:login:" + key; }

Poco::Redis::Array command(std::initializer_list<std::string> words) {
  Poco::Redis::Array array;
  for (const auto& word : words) array.add(word);
  return array;
}

}  // namespace

RedisAttemptLimiter::RedisAttemptLimiter(std::string address, unsigned limit,
                                         std::chrono::seconds window, const ids::Clock& clock,
                                         Poco::Logger& logger)
    : address_(std::move(address)),
      window_(window),
      logger_(logger),
      limit_(limit),
      local_(limit, window, clock) {}

RedisAttemptLimiter::~RedisAttemptLimiter() = default;

void RedisAttemptLimiter::setLimit(unsigned limit) noexcept {
  limit_.store(limit, std::memory_order_relaxed);
  local_.setLimit(limit);
}

Poco::Redis::Client* RedisAttemptLimiter::client() {
  if (client_) return client_.get();
  if (std::chrono::steady_clock::now() < retryAt_) return nullptr;
  auto fresh = std::make_unique<Poco::Redis::Client>();
  fresh->connect(address_, Poco::Timespan(kTimeoutMicros));
  fresh->setReceiveTimeout(Poco::Timespan(kTimeoutMicros));
  client_ = std::move(fresh);
  return client_.get();
}

void RedisAttemptLimiter::lost(const std::exception& error) {
  if (client_ || std::chrono::steady_clock::now() >= retryAt_) {
    logger_.warning(
        std::string("login limits: Redis unreachable, counting on this node for now: ") +
        error.what());
  }
  client_.reset();
  retryAt_ = std::chrono::steady_clock::now() + kRetryAfterFailure;
}

std::optional<std::chrono::seconds> RedisAttemptLimiter::blockedFor(const std::string& key) {
  const unsigned limit = limit_.load(std::memory_order_relaxed);
  if (limit == 0) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    try {
      if (Poco::Redis::Client* redis = client()) {
        redis->execute<void>(command({"GET", counterKey(key)}));
        redis->execute<void>(command({"PTTL", counterKey(key)}));
        redis->flush();
        Poco::Redis::BulkString count;
        Poco::Int64 ttl = 0;
        redis->readReply(count);
        redis->readReply(ttl);
        if (count.isNull() || std::stoull(count.value()) < limit) return std::nullopt;
        return std::chrono::seconds(std::max<Poco::Int64>(1, (ttl + 999) / 1000));
      }
    } catch (const std::exception& error) {
      lost(error);
    }
  }
  return local_.blockedFor(key);
}

void RedisAttemptLimiter::record(const std::string& key) {
  local_.record(key);
  std::lock_guard lock(mutex_);
  try {
    if (Poco::Redis::Client* redis = client()) {
      // The window starts at the first attempt; INCR keeps the expiry.
      const auto windowMs = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
      redis->execute<void>(
          command({"SET", counterKey(key), "0", "PX", std::to_string(windowMs), "NX"}));
      redis->execute<void>(command({"INCR", counterKey(key)}));
      redis->flush();
      redis->readReply();
      redis->readReply();
    }
  } catch (const std::exception& error) {
    lost(error);
  }
}

}  // namespace wind::cluster
