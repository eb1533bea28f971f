#pragma once
// One reactor thread with its own epoll set, owning its connections.
//
// Any thread may call adopt(), post(), send() and beginShutdown(): they push
// onto the loop's inbox (a mutex-guarded vector the loop swaps out) and write
// the loop's eventfd only when the inbox goes from empty to non-empty. Each
// iteration the loop runs the whole inbox in FIFO order first, then socket
// events, then expired timers, then flushes every connection that queued
// output (one send() each), then tears down the connections that ended.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gateway/admission.h"
#include "gateway/link.h"

namespace Poco {
class Logger;
}

namespace wind::gateway {

class Connection;
class EventLoop;

// Holds back, on the calling thread, the wake-ups that post(), send() and
// adopt() owe to event loops until this scope ends; then each loop is woken
// once. Nested scopes wake at the end of the outermost. For a thread that
// posts a burst (the storage writer after a commit): without it each post
// woke a loop that shares the poster's core, which then ran that one task
// and slept again, two context switches per chat message. The loops posted
// to must outlive the scope.
class WakeBatch {
 public:
  WakeBatch() noexcept;
  ~WakeBatch();
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;

 private:
  friend class EventLoop;
  void defer(EventLoop& loop);  // notes the loop once

  WakeBatch* outer_;
  std::vector<EventLoop*> loops_;
};

// The loop's clock; std::chrono::steady_clock::now unless a test injects one.
using SteadyClock = std::function<SteadyTime()>;
using Work = std::function<void(Link&, ConnectionHandler&)>;

struct LoopSettings {
  std::size_t maxMessageBytes = 65536;
  std::size_t outboundQueueBytes = 1048576;
  // How long a closing connection may take to finish the close handshake.
  std::chrono::milliseconds closeTimeout{2000};
  // How long shutdown waits for the close frames to be written.
  std::chrono::milliseconds shutdownGrace{2000};
  // Per-address slots taken by the Gateway before adopt(); given back here
  // whenever a connection ends or a socket is never adopted. Null: none.
  AddressSlots* addressSlots = nullptr;
  // Bytes waiting in the buffers of connections whose socket would block
  // (updated only when a write blocks or drains, off the hot path), for the
  // wind_outbound_backlog_bytes gauge. Null: not counted.
  std::atomic<std::int64_t>* backlogBytes = nullptr;
  // Told the code of every close the server starts (the session's, protocol
  // errors, slow readers, shutdown), not the echo of a client's close. Loop
  // thread. Empty: not counted.
  std::function<void(std::uint16_t code)> serverClosed;
};

// Connection ids: bits 0–7 the loop index, 8–31 the loop's slot, 32–62 a
// per-loop serial (never reused while the process lives, never 0).
std::uint8_t loopIndexOf(sdk::ConnectionId id) noexcept;

class EventLoop {
 public:
  static constexpr unsigned kMaxLoops = 256;

  // `live` counts connections across all loops (reserved by the caller
  // before adopt(), released here when a connection ends).
  EventLoop(std::uint8_t index, const LoopSettings& settings, SessionFactory& sessions,
            Poco::Logger& logger, SteadyClock clock, std::atomic<std::size_t>& live);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void start();
  // Any thread. Takes ownership of `fd` (non-blocking, handshake done)
  // unless it throws; `pending` holds bytes already read past the handshake.
  void adopt(int fd, std::string peer, std::string pending);
  void post(sdk::ConnectionId id, Work work);
  void send(sdk::ConnectionId id, std::string frame);
  // Any thread: closes every connection with 1001 and ends the thread once
  // they are gone or shutdownGrace has passed. join() waits for it.
  void beginShutdown();
  void join();
  // Connections owned or about to be adopted (for placement).
  std::size_t load() const noexcept { return load_.load(std::memory_order_relaxed); }

  // Loop thread, for Connection.
  const LoopSettings& settings() const noexcept { return settings_; }
  SteadyTime now() const { return clock_(); }
  Poco::Logger& logger() const noexcept { return logger_; }
  void requestFlush(Connection& connection);
  void armTimer(Connection& connection, SteadyTime when);
  // The close-handshake timeout runs on the real steady clock, so a test's
  // frozen clock cannot keep closing sockets open.
  void armCloseTimer(Connection& connection);
  bool setWriteInterest(Connection& connection, bool enabled);
  // Once per connection (Connection::doom()).
  void requestTeardown(Connection& connection);

 private:
  struct Task {
    enum class Kind : std::uint8_t { adopt, work, text, shutdown };
    Kind kind = Kind::work;
    sdk::ConnectionId id{};
    Work work;
    std::string text;  // the frame (text) or the pending bytes (adopt)
    std::string peer;
    int fd = -1;
  };
  struct Timer {
    SteadyTime when;
    sdk::ConnectionId id;
    bool operator>(const Timer& other) const noexcept { return when > other.when; }
  };

  friend class WakeBatch;

  void run();
  void enqueue(Task task);
  void wake() noexcept;
  int pollTimeoutMs();
  void runInbox();
  void runTask(Task& task);
  void adoptNow(Task& task);
  void startShutdown();
  void dispatch(std::uint64_t key, std::uint32_t events);
  void runTimers();
  void runCloseTimers();
  int closeTimeoutMs() const;
  void flushRequested();
  void teardownDoomed();
  void teardown(Connection& connection) noexcept;
  void closeAll() noexcept;
  Connection* find(sdk::ConnectionId id) const noexcept;
  // Gives back the reservation of a connection from `peer` ("ip:port").
  void releaseReservation(const std::string& peer) noexcept;

  const std::uint8_t index_;
  const LoopSettings settings_;
  SessionFactory& sessions_;
  Poco::Logger& logger_;
  SteadyClock clock_;
  std::atomic<std::size_t>& live_;
  std::atomic<std::size_t> load_{0};
  int epoll_ = -1;
  int wake_ = -1;
  std::thread thread_;

  std::mutex inboxMutex_;
  std::vector<Task> inbox_;  // guarded by inboxMutex_
  std::vector<Task> running_;

  // Loop thread only.
  std::vector<std::unique_ptr<Connection>> slots_;
  std::vector<std::uint32_t> freeSlots_;
  std::uint32_t serial_ = 0;
  std::vector<Timer> timers_;       // min-heap on clock_; stale entries skipped lazily
  std::vector<Timer> closeTimers_;  // min-heap on steady_clock
  std::vector<Connection*> toFlush_;
  std::vector<Connection*> doomed_;
  std::unique_ptr<char[]> readBuffer_;
  bool shuttingDown_ = false;
  std::chrono::steady_clock::time_point shutdownDeadline_{};
};

}  // namespace wind::gateway
