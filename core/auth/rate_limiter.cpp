#include "auth/rate_limiter.h"

namespace wind::auth {

SlidingWindowLimiter::SlidingWindowLimiter(unsigned limit, std::chrono::seconds window,
                                           const ids::Clock& clock, std::size_t maxKeys)
    : limit_(limit),
      windowMicros_(std::chrono::duration_cast<std::chrono::microseconds>(window).count()),
      clock_(clock),
      maxKeys_(maxKeys) {}

void SlidingWindowLimiter::expire(std::deque<std::int64_t>& events, std::int64_t now) const {
  while (!events.empty() && events.front() <= now - windowMicros_) events.pop_front();
}

void SlidingWindowLimiter::sweep(std::int64_t now) {
  for (auto it = events_.begin(); it != events_.end();) {
    expire(it->second, now);
    it = it->second.empty() ? events_.erase(it) : std::next(it);
  }
  if (events_.size() >= maxKeys_) events_.clear();
}

std::optional<std::chrono::seconds> SlidingWindowLimiter::blockedFor(const std::string& key) {
  const unsigned limit = limit_.load(std::memory_order_relaxed);
  if (limit == 0) return std::nullopt;  // 0 turns the limit off
  const auto now = clock_.nowMicros();
  std::lock_guard lock(mutex_);
  const auto it = events_.find(key);
  if (it == events_.end()) return std::nullopt;
  expire(it->second, now);
  if (it->second.size() < limit) return std::nullopt;
  // The (size - limit + 1)-th oldest event must leave before one more fits.
  const auto gate = it->second[it->second.size() - limit];
  const auto waitMicros = gate + windowMicros_ - now;
  const auto seconds = (waitMicros + 999999) / 1000000;
  return std::chrono::seconds{seconds < 1 ? 1 : seconds};
}

void SlidingWindowLimiter::record(const std::string& key) {
  const unsigned limit = limit_.load(std::memory_order_relaxed);
  if (limit == 0) return;
  const auto now = clock_.nowMicros();
  std::lock_guard lock(mutex_);
  if (events_.size() >= maxKeys_ && !events_.contains(key)) sweep(now);
  auto& events = events_[key];
  expire(events, now);
  events.push_back(now);
  // Only the newest `limit` events can ever matter.
  while (events.size() > limit) events.pop_front();
}

}  // namespace wind::auth
