#pragma once
// Friendships known to exist, so that sdk::Friends::areFriends (asked by chat
// on every message under dm_policy friends) needs no storage read once a
// pair was seen. Only positive answers are kept; this plugin is the only
// writer of friendships, and it calls forget() after every removal commits.
// A lookup that read storage before a removal and tries to remember the
// pair after it is refused by the generation check, so a removed
// friendship is never resurrected. Bounded: cleared when full.
// Thread-safe (one mutex; held only for a hash lookup).

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_set>

#include "wind/sdk/ids.h"

namespace wind::plugins::mutual_users {

class FriendCache {
 public:
  static constexpr std::size_t kMaxPairs = 1 << 16;

  // A token for remember(): take it BEFORE reading storage.
  std::uint64_t generation() const {
    const std::lock_guard lock(mutex_);
    return generation_;
  }
  bool contains(sdk::UserId a, sdk::UserId b) const {
    const std::lock_guard lock(mutex_);
    return pairs_.contains(key(a, b));
  }
  // Records a friendship read from storage, unless a removal happened since
  // `generation` was taken.
  void remember(sdk::UserId a, sdk::UserId b, std::uint64_t generation) {
    const std::lock_guard lock(mutex_);
    if (generation != generation_) return;
    if (pairs_.size() >= kMaxPairs) pairs_.clear();
    pairs_.insert(key(a, b));
  }
  // After a removal of the friendship of a and b committed.
  void forget(sdk::UserId a, sdk::UserId b) {
    const std::lock_guard lock(mutex_);
    ++generation_;
    pairs_.erase(key(a, b));
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
  std::unordered_set<Key, KeyHash> pairs_;
  std::uint64_t generation_ = 0;
};

}  // namespace wind::plugins::mutual_users
