#pragma once
// Users recently found by Host::findUser, so that a burst of messages to the
// same peer does not read the users table for every one. An entry is
// trusted for `ttl` only: an account that disappears stops being
// messageable at most that much later. Bounded: cleared when full.
// Thread-safe (one mutex, held only for a hash lookup).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "wind/sdk/ids.h"

namespace wind::plugins::chat {

class KnownUsers {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMaxUsers = 1 << 16;

  explicit KnownUsers(Clock::duration ttl) : ttl_(ttl) {}

  // True when `user` was found less than ttl before `now`.
  bool contains(sdk::UserId user, Clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    auto it = seen_.find(sdk::value(user));
    return it != seen_.end() && now - it->second < ttl_;
  }
  // `user` was found at `now`.
  void remember(sdk::UserId user, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (seen_.size() >= kMaxUsers) seen_.clear();
    seen_[sdk::value(user)] = now;
  }

 private:
  const Clock::duration ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Clock::time_point> seen_;
};

}  // namespace wind::plugins::chat
