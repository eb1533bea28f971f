#pragma once
// Per-connection frame limits of PROTOCOL.md §3.1 rule 6: a token bucket
// (websocket.frames_per_second, refilled continuously, holding at most
// websocket.frames_burst) and the window that turns more than 20 refusals
// within 10 s into close 1008. Time is passed in (Link::now()), so tests
// drive it. One connection, loop thread only.

#include <chrono>
#include <cstddef>
#include <vector>

#include "gateway/link.h"

namespace wind::session {

class TokenBucket {
 public:
  // Starts full. A rate of 0 means unlimited.
  TokenBucket(unsigned perSecond, unsigned burst, gateway::SteadyTime now) noexcept;

  // Takes one token when there is one.
  bool tryTake(gateway::SteadyTime now) noexcept;
  // How long until the next token, rounded up to whole milliseconds (≥ 1).
  std::chrono::milliseconds retryAfter(gateway::SteadyTime now) noexcept;

 private:
  void refill(gateway::SteadyTime now) noexcept;

  double perSecond_;
  double burst_;
  double tokens_;
  gateway::SteadyTime last_;
};

class RefusalWindow {
 public:
  static constexpr std::size_t kMaxRefusals = 20;
  static constexpr std::chrono::seconds kWindow{10};

  // Records one refusal; true when more than kMaxRefusals fell within the
  // last kWindow (this one included).
  bool record(gateway::SteadyTime now);

 private:
  // At most kMaxRefusals + 1, oldest first; a vector because an empty one
  // allocates nothing (an empty deque holds ~600 bytes on every connection).
  std::vector<gateway::SteadyTime> times_;
};

}  // namespace wind::session
