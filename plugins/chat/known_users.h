#pragma once
// Users recently found by Host::findUser, so that a burst of messages to the
// same peer does not read the users table for every one. An entry is
// trusted for `ttl` only: an account that disappears stops being
// messageable at most that much later. Bounded: cleared when full.
// Thread-safe (one mutex, held only for a hash lookup).

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "common/expiring_keys.h"
#include "wind/sdk/ids.h"

namespace wind::plugins::chat {

class KnownUsers {
 public:
  using Clock = ExpiringClock;
  static constexpr std::size_t kMaxUsers = 1 << 16;

  explicit KnownUsers(Clock::duration ttl) : seen_(ttl, kMaxUsers) {}

  // True when `user` was found less than ttl before `now`.
  bool contains(sdk::UserId user, Clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    return seen_.contains(sdk::value(user), now);
  }
  // `user` was found at `now`.
  void remember(sdk::UserId user, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    seen_.remember(sdk::value(user), now);
  }

 private:
  mutable std::mutex mutex_;
  ExpiringKeys<std::uint64_t> seen_;
};

}  // namespace wind::plugins::chat
