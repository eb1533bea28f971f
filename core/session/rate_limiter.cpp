#include "session/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace wind::session {

TokenBucket::TokenBucket(unsigned perSecond, unsigned burst, gateway::SteadyTime now) noexcept
    : perSecond_(perSecond), burst_(std::max(1u, burst)), tokens_(burst_), last_(now) {}

void TokenBucket::refill(gateway::SteadyTime now) noexcept {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * perSecond_);
  last_ = now;
}

bool TokenBucket::tryTake(gateway::SteadyTime now) noexcept {
  if (perSecond_ == 0) return true;
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::milliseconds TokenBucket::retryAfter(gateway::SteadyTime now) noexcept {
  if (perSecond_ == 0) return std::chrono::milliseconds(0);
  refill(now);
  const double missing = std::max(0.0, 1.0 - tokens_);
  const auto ms = static_cast<long long>(std::ceil(missing / perSecond_ * 1000.0));
  return std::chrono::milliseconds(std::max(1LL, ms));
}

bool RefusalWindow::record(gateway::SteadyTime now) {
  auto fresh = times_.begin();
  while (fresh != times_.end() && now - *fresh >= kWindow) ++fresh;
  times_.erase(times_.begin(), fresh);
  times_.push_back(now);
  if (times_.size() > kMaxRefusals + 1) times_.erase(times_.begin());
  return times_.size() > kMaxRefusals;
}

}  // namespace wind::session
