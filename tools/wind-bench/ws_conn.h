#pragma once
// One client WebSocket over a non-blocking TCP socket: connect, HTTP upgrade,
// masked client frames out, unmasked server frames in. Owned by a Loop and
// driven only from the Loop's thread; no locks anywhere in wind-bench.
#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wind::bench {

class WsConn;

// What a scenario does with its connections. Called on the Loop's thread.
class Listener {
 public:
  virtual ~Listener() = default;
  virtual void onOpen(WsConn& conn) = 0;
  virtual void onText(WsConn& conn, std::string_view text) = 0;
  virtual void onClosed(WsConn& /*conn*/) {}
};

class WsConn final {
 public:
  enum class State { connecting, upgrading, open, closed };

  // dirtyList: the Loop's list of connections with bytes to write this iteration.
  WsConn(int index, Listener& listener, std::vector<WsConn*>& dirtyList)
      : index_(index), listener_(&listener), dirtyList_(dirtyList) {}
  ~WsConn();
  WsConn(const WsConn&) = delete;
  WsConn& operator=(const WsConn&) = delete;

  // Starts a non-blocking connect; returns the fd (or -1 on failure).
  int start(const sockaddr_in& address, std::string_view hostHeader);
  // Queues one masked text frame; the Loop writes queued bytes once per iteration.
  void sendText(std::string_view text);
  // Writes what is queued; returns false when the socket failed.
  bool flush();
  // Reads and dispatches every complete frame; returns false when the socket
  // closed. Stops at a short read unless `untilWouldBlock` (then only at
  // EAGAIN, which also surfaces an end that is already pending).
  bool readAvailable(bool untilWouldBlock = false);
  void close();

  // Slow-reader support: a paused connection leaves its bytes in the kernel.
  void pauseReading(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }

  int index() const { return index_; }
  int fd() const { return fd_; }
  State state() const { return state_; }
  bool hasPendingWrite() const { return outSent_ < out_.size(); }
  void clearDirty() { dirty_ = false; }
  int closeCode() const { return closeCode_; }
  void setListener(Listener& listener) { listener_ = &listener; }

  // Scenario-owned per-connection fields (no map lookups on the hot path).
  std::uint64_t userId = 0;
  std::uint64_t roomId = 0;
  int peer = -1;
  int inFlight = 0;
  std::int64_t mark = 0;
  std::string cursor;

 private:
  bool onConnected();
  bool parseUpgrade();
  bool parseFrames();
  void queueFrame(std::uint8_t opcode, std::string_view payload);

  int index_;
  Listener* listener_;
  std::vector<WsConn*>& dirtyList_;
  int fd_ = -1;
  State state_ = State::connecting;
  bool paused_ = false;
  bool dirty_ = false;
  int closeCode_ = 0;
  std::uint32_t maskSeed_ = 0;
  std::string out_;
  std::size_t outSent_ = 0;
  std::string in_;
  std::size_t inUsed_ = 0;
  std::string fragments_;
  std::string request_;
};

}  // namespace wind::bench
