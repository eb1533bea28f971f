#pragma once
// Friendships known to exist, so that sdk::Friends::areFriends (asked by chat
// on every message under dm_policy friends) needs no storage read for a pair
// seen within `ttl`. Only positive answers are kept. On this node, this
// plugin is the only writer of friendships and calls forget() after every
// removal commits; a lookup that read storage before a removal and tries to
// remember the pair after it is refused by the generation check, so a
// removed friendship is never resurrected. A removal on another node of a
// cluster (same database, its own cache) is seen here within `ttl`.
// Bounded: cleared when full. Thread-safe (one mutex, held only for a hash
// lookup).

#include <cstddef>
#include <cstdint>
#include <mutex>

#include "common/expiring_keys.h"
#include "wind/sdk/ids.h"

namespace wind::plugins::mutual_users {

class FriendCache {
 public:
  using Clock = ExpiringClock;
  static constexpr std::size_t kMaxPairs = 1 << 16;

  explicit FriendCache(Clock::duration ttl) : pairs_(ttl, kMaxPairs) {}

  // A token for remember(): take it BEFORE reading storage.
  std::uint64_t generation() const {
    const std::lock_guard lock(mutex_);
    return generation_;
  }
  // True when a and b were remembered as friends less than ttl before `now`.
  bool contains(sdk::UserId a, sdk::UserId b, Clock::time_point now) const {
    const std::lock_guard lock(mutex_);
    return pairs_.contains(key(a, b), now);
  }
  // Records a friendship read from storage at `now`, unless a removal
  // happened since `generation` was taken.
  void remember(sdk::UserId a, sdk::UserId b, std::uint64_t generation, Clock::time_point now) {
    const std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    pairs_.remember(key(a, b), now);
  }
  // After a removal of the friendship of a and b committed.
  void forget(sdk::UserId a, sdk::UserId b) {
    const std::lock_guard lock(mutex_);
    ++generation_;
    pairs_.forget(key(a, b));
  }

 private:
  struct Key {
    std::uint64_t low;
    std::uint64_t high;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return std::hash<std::uint64_t>{}(k.low * 0x9E3779B97F4A7C15ULL ^ k.high);
    }
  };
  static Key key(sdk::UserId a, sdk::UserId b) noexcept {
    const std::uint64_t x = sdk::value(a);
    const std::uint64_t y = sdk::value(b);
    return x < y ? Key{x, y} : Key{y, x};
  }

  mutable std::mutex mutex_;
  ExpiringKeys<Key, KeyHash> pairs_;
  std::uint64_t generation_ = 0;
};

}  // namespace wind::plugins::mutual_users
