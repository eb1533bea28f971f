#pragma once
// The DM load shared by `dm`, `login-storm` and `slow-reader`: P friend pairs
// on 2P connections (connection i is user i; its peer is i^1). Each message's
// content carries its sender and scheduled send time, so the peer's receipt
// yields latency without any lookup.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "session.h"
#include "stats.h"

namespace wind::bench {

class DmLoad final : public AuthedListener {
 public:
  DmLoad(const std::vector<User>& users, Loop& loop, int pairs);

  // Connects and authenticates every connection; false on failure.
  bool connect(double timeoutSeconds);
  // Open loop: `rate` messages/s in total for `seconds`, round robin over senders.
  // Latency = receipt at the peer - scheduled send time (no coordinated omission).
  // `extra` runs once per loop iteration (the slow-reader flood).
  void runOpen(double rate, double seconds, Samples& samples,
               const std::function<void()>& extra = {});
  // Closed loop: each connection keeps `window` messages in flight (a message
  // leaves the window when its sender's own copy arrives); returns messages/s.
  double runClosed(int window, double seconds, Samples& samples);
  // Sends one message from connection `from` stamped with `scheduledNs`.
  void send(WsConn& from, std::int64_t scheduledNs);
  // Waits up to `seconds` for measured messages still in flight.
  void drain(double seconds);

  std::uint64_t sentMeasured = 0;
  std::uint64_t receivedMeasured = 0;
  std::uint64_t errors = 0;
  // A pair excluded from the scheduled load (the slow-reader scenario drives it).
  int excludedPair = -1;

 protected:
  void onReady(WsConn& conn) override;
  void onFrame(WsConn& conn, std::string_view text) override;

 private:
  Loop& loop_;
  int pairs_;
  bool closedLoop_ = false;
  std::int64_t measureFrom_ = 0;
  std::int64_t measureTo_ = 0;
  Samples* samples_ = nullptr;
  std::uint64_t seq_ = 0;
  std::string frame_;
};

}  // namespace wind::bench
