#pragma once
// The single-threaded epoll loop that owns every WsConn of a scenario.
// Writes are batched: a frame queued during an iteration goes out in one
// send() per connection at the end of that iteration.
#include <netinet/in.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ws_conn.h"

namespace wind::bench {

class Loop final {
 public:
  // url: http://HOST:PORT (only numeric IPv4 hosts, as the benchmark runs on 127.0.0.1),
  // or several such URLs separated by commas (the nodes of a cluster):
  // connection i then goes to the (i mod n)-th.
  explicit Loop(const std::string& url);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Creates a connection; connects are paced so at most maxPendingOpens are in handshake.
  WsConn& add(Listener& listener);
  // Runs until done() returns true or the deadline (monotonic ns) passes; returns done().
  // tick() runs once per iteration (scenarios send scheduled frames from it);
  // nextWakeNs() tells the loop when tick needs to run next (0: no timer).
  bool runUntil(const std::function<bool()>& done, std::int64_t deadlineNs,
                const std::function<void()>& tick = {},
                const std::function<std::int64_t()>& nextWakeNs = {});
  std::vector<std::unique_ptr<WsConn>>& conns() { return conns_; }
  int closedCount() const { return closed_; }
  int failedCount() const { return failed_; }
  // Re-reads a connection that was paused and is resumed (edge-triggered epoll).
  void resume(WsConn& conn);

  int maxPendingOpens = 256;

 private:
  void startQueued();
  void handle(WsConn& conn, std::uint32_t events);
  void flushDirty();
  void drop(WsConn& conn);
  void markOpened() {
    if (pendingOpens_ > 0) --pendingOpens_;
  }

  int epoll_ = -1;
  struct Target {
    sockaddr_in address{};
    std::string hostHeader;
  };
  std::vector<Target> targets_;
  std::vector<std::unique_ptr<WsConn>> conns_;
  std::vector<WsConn*> dirty_;
  std::size_t nextToStart_ = 0;
  int pendingOpens_ = 0;
  int closed_ = 0;
  int failed_ = 0;
};

}  // namespace wind::bench
