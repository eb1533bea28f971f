#pragma once
// One upgraded WebSocket on its event loop: the Link the session layer sees,
// the codec's event sink, and the capped outbound buffer.
//
// Owned by its EventLoop; every member runs on that loop's thread.
//
// Close sequence: once a close frame is queued (ours or the echo of the
// peer's) nothing more is delivered to the handler. When the close frame has
// been written the write side is shut down and the socket is drained until
// the peer closes too (so unread input never turns into a reset that would
// swallow the close frame), or until the close timeout (real steady time,
// counted from queueing the close frame; a slow reader whose close frame
// never drains is reset then, so the kernel does not keep sending what
// it had already accepted). Then the loop tears the connection down
// and calls ConnectionHandler::onClosed().

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/codec.h"
#include "gateway/link.h"

namespace wind::gateway {

class EventLoop;

class Connection final : public Link, private CodecEvents {
 public:
  Connection(EventLoop& loop, sdk::ConnectionId id, int fd, std::string peer);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Link (loop thread).
  sdk::ConnectionId id() const noexcept override { return id_; }
  const std::string& peer() const noexcept override { return peer_; }
  bool sendText(std::string_view frame) noexcept override;
  void close(std::uint16_t code, std::string_view reason) noexcept override;
  void setDeadline(SteadyTime deadline) noexcept override;
  SteadyTime now() const noexcept override;

  // Called by the loop.
  void open(SessionFactory& sessions);
  // Bytes the client sent right after the handshake (read by Poco's HTTP
  // session before the socket was detached).
  void receive(char* data, std::size_t size);
  // The socket is readable: reads once into `buffer` (the loop's scratch).
  void onReadable(char* buffer, std::size_t capacity);
  // Writes the queued bytes; arms or disarms write interest.
  void flush();
  // A heap entry armed for `when` has expired.
  void onTimer(SteadyTime when);
  // False for heap entries superseded by an earlier deadline.
  bool timerCurrent(SteadyTime when) const noexcept { return timerArmed_ && when == armedAt_; }
  // Runs work posted through Transport, unless the connection is closing.
  void runWork(const std::function<void(Link&, ConnectionHandler&)>& work);
  // Ends the connection without a close frame (teardown this iteration).
  void drop() noexcept { doom(); }
  // Like drop(), but resets the TCP connection: bytes still in the kernel's
  // send buffer are discarded instead of trickling out to a peer that has
  // stopped reading.
  void abort() noexcept;
  // Final: tells the handler and releases it. The loop destroys the object.
  void finish() noexcept;

  int fd() const noexcept { return fd_; }
  bool doomed() const noexcept { return doomed_; }
  bool flushRequested() const noexcept { return flushRequested_; }
  std::size_t queuedBytes() const noexcept { return out_.size() - outOffset_; }
  // Moves this connection's share of the backlog gauge to `bytes`.
  void countBacklog(std::size_t bytes) noexcept;

 private:
  void onText(std::string_view message) override;
  void onBinary(std::string_view message) override;
  void onPing(std::string_view payload) override;
  void onPong(std::string_view payload) override;
  void onClose(std::uint16_t code, std::string_view reason) override;
  void onProtocolError(std::uint16_t code, std::string_view reason) override;

  bool queueFrame(Opcode opcode, std::string_view payload) noexcept;
  // A close the server starts: counted through LoopSettings::serverClosed.
  void closeByServer(std::uint16_t code, std::string_view reason) noexcept;
  void queueClose(std::uint16_t code, std::string_view reason) noexcept;
  void overflow() noexcept;
  void requestFlush() noexcept;
  void armTimer(SteadyTime when) noexcept;
  void afterCloseWritten() noexcept;
  void drain(char* buffer, std::size_t capacity);
  void doom() noexcept;
  void deliverFailure(const char* what) noexcept;

  EventLoop& loop_;
  sdk::ConnectionId id_;
  int fd_;
  std::string peer_;
  Codec codec_;
  std::unique_ptr<ConnectionHandler> handler_;
  std::string out_;
  std::size_t outOffset_ = 0;
  std::size_t countedBacklog_ = 0;  // this connection's share of LoopSettings::backlogBytes
  // The deadline lives here; the loop's heap holds at most one current entry
  // per connection (armedAt_), re-armed on expiry when the deadline moved
  // later, so resetting a deadline per message does not grow the heap.
  SteadyTime deadline_{};
  SteadyTime armedAt_{};
  bool hasDeadline_ = false;
  bool timerArmed_ = false;
  bool deliver_ = true;       // messages still go to the handler
  bool closeQueued_ = false;  // our close frame (or echo) is in out_
  bool draining_ = false;     // close written, write side shut, reading until EOF
  bool flushRequested_ = false;
  bool writeArmed_ = false;  // EPOLLOUT registered
  bool doomed_ = false;      // teardown at the end of the loop iteration
};

}  // namespace wind::gateway
