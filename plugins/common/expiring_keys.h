#pragma once
// Keys remembered with the time they were last confirmed, trusted for `ttl`
// after that: the shape of the plugins' small read-through caches (chat's
// KnownUsers, mutual_users' FriendCache). Bounded: cleared when full, so a
// flood of distinct keys costs one re-read each, never unbounded memory.
// NOT thread-safe: the owning cache holds its own mutex around every call,
// so that it can combine a call with its own state (e.g. a generation)
// under one lock. Header-only; no allocation beyond the hash map's own.

#include <chrono>
#include <cstddef>
#include <functional>
#include <unordered_map>

namespace wind::plugins {

// The clock of every ExpiringKeys (monotonic: a wall-clock jump neither
// expires nor revives entries).
using ExpiringClock = std::chrono::steady_clock;

template <class Key, class Hash = std::hash<Key>>
class ExpiringKeys {
 public:
  using Clock = ExpiringClock;

  ExpiringKeys(Clock::duration ttl, std::size_t maxKeys) : ttl_(ttl), maxKeys_(maxKeys) {}

  // True when `key` was remembered less than ttl before `now`.
  bool contains(const Key& key, Clock::time_point now) const {
    auto it = seen_.find(key);
    return it != seen_.end() && now - it->second < ttl_;
  }
  // `key` was confirmed at `now`.
  void remember(const Key& key, Clock::time_point now) {
    if (seen_.size() >= maxKeys_) seen_.clear();
    seen_[key] = now;
  }
  void forget(const Key& key) { seen_.erase(key); }

 private:
  const Clock::duration ttl_;
  const std::size_t maxKeys_;
  std::unordered_map<Key, Clock::time_point, Hash> seen_;
};

}  // namespace wind::plugins
