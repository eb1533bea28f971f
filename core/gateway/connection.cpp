#include "gateway/connection.h"

#include <Poco/Logger.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <exception>

#include "gateway/event_loop.h"

namespace wind::gateway {
namespace {

constexpr std::string_view kOverflowReason = "Outbound queue full.";
// An outbound buffer grown past this is released once empty, so a burst
// does not pin memory on an otherwise idle connection.
constexpr std::size_t kKeptOutCapacity = 64 * 1024;

}  // namespace

Connection::Connection(EventLoop& loop, sdk::ConnectionId id, int fd, std::string peer)
    : loop_(loop),
      id_(id),
      fd_(fd),
      peer_(std::move(peer)),
      codec_(loop.settings().maxMessageBytes) {}

Connection::~Connection() {
  countBacklog(0);
  ::close(fd_);
}

void Connection::countBacklog(std::size_t bytes) noexcept {
  if (loop_.settings().backlogBytes == nullptr || bytes == countedBacklog_) return;
  loop_.settings().backlogBytes->fetch_add(
      static_cast<std::int64_t>(bytes) - static_cast<std::int64_t>(countedBacklog_),
      std::memory_order_relaxed);
  countedBacklog_ = bytes;
}

SteadyTime Connection::now() const noexcept { return loop_.now(); }

void Connection::open(SessionFactory& sessions) {
  try {
    handler_ = sessions.open(*this);
  } catch (const std::exception& error) {
    loop_.logger().error("gateway: session open failed for %s: %s", peer_,
                         std::string(error.what()));
  }
  if (!handler_) closeByServer(close_code::internalError, "Internal error.");
}

void Connection::receive(char* data, std::size_t size) {
  if (!codec_.stopped()) codec_.feed(data, size, *this);
}

void Connection::onReadable(char* buffer, std::size_t capacity) {
  if (draining_ || codec_.stopped()) {
    drain(buffer, capacity);
    return;
  }
  const ssize_t got = ::recv(fd_, buffer, capacity, 0);
  if (got > 0) {
    codec_.feed(buffer, static_cast<std::size_t>(got), *this);
  } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    doom();
  }
}

void Connection::drain(char* buffer, std::size_t capacity) {
  // Input after the close is discarded; only the peer's EOF matters now.
  const ssize_t got = ::recv(fd_, buffer, capacity, 0);
  if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) doom();
}

bool Connection::sendText(std::string_view frame) noexcept {
  if (closeQueued_ || doomed_) return false;
  return queueFrame(Opcode::text, frame);
}

void Connection::close(std::uint16_t code, std::string_view reason) noexcept {
  closeByServer(code, reason);
}

void Connection::setDeadline(SteadyTime deadline) noexcept {
  if (closeQueued_ || doomed_) return;
  deadline_ = deadline;
  hasDeadline_ = true;
  if (!timerArmed_ || deadline < armedAt_) armTimer(deadline);
}

void Connection::armTimer(SteadyTime when) noexcept {
  timerArmed_ = true;
  armedAt_ = when;
  loop_.armTimer(*this, when);
}

void Connection::runWork(const std::function<void(Link&, ConnectionHandler&)>& work) {
  if (!deliver_ || !handler_) return;
  try {
    work(*this, *handler_);
  } catch (const std::exception& error) {
    loop_.logger().error("gateway: posted work failed on %s: %s", peer_, std::string(error.what()));
  }
}

void Connection::onTimer(SteadyTime when) {
  if (!timerCurrent(when)) return;
  timerArmed_ = false;
  if (!hasDeadline_) return;
  if (deadline_ > loop_.now()) {
    armTimer(deadline_);  // moved later since this entry was armed
    return;
  }
  hasDeadline_ = false;
  if (deliver_ && handler_) {
    try {
      handler_->onDeadline();
    } catch (const std::exception& error) {
      deliverFailure(error.what());
    }
  }
}

void Connection::onText(std::string_view message) {
  if (!deliver_) return;
  try {
    handler_->onText(message);
  } catch (const std::exception& error) {
    deliverFailure(error.what());
  }
}

void Connection::onBinary(std::string_view) {
  if (!deliver_) return;
  try {
    handler_->onBinary();
  } catch (const std::exception& error) {
    deliverFailure(error.what());
  }
}

void Connection::onPing(std::string_view payload) {
  if (!closeQueued_) queueFrame(Opcode::pong, payload);
}

void Connection::onPong(std::string_view) {}

void Connection::onClose(std::uint16_t code, std::string_view) {
  // Echo the peer's code; a close without a code is answered without one.
  queueClose(code, {});
}

void Connection::onProtocolError(std::uint16_t code, std::string_view reason) {
  loop_.logger().debug("gateway: %s broke the protocol (%hu): %s", peer_, code,
                       std::string(reason));
  closeByServer(code, reason);
}

void Connection::deliverFailure(const char* what) noexcept {
  loop_.logger().error("gateway: session handler failed on %s: %s", peer_, std::string(what));
  closeByServer(close_code::internalError, "Internal error.");
}

bool Connection::queueFrame(Opcode opcode, std::string_view payload) noexcept {
  const std::size_t size = Codec::frameSize(payload.size());
  if (queuedBytes() + size > loop_.settings().outboundQueueBytes) {
    overflow();
    return false;
  }
  try {
    Codec::appendFrame(out_, opcode, payload);
  } catch (const std::bad_alloc&) {
    doom();
    return false;
  }
  requestFlush();
  return true;
}

void Connection::overflow() noexcept {
  loop_.logger().information("gateway: dropping slow reader %s (%z bytes queued)", peer_,
                             queuedBytes());
  closeByServer(close_code::policy, kOverflowReason);
}

void Connection::closeByServer(std::uint16_t code, std::string_view reason) noexcept {
  if (closeQueued_ || doomed_) return;
  if (loop_.settings().serverClosed) loop_.settings().serverClosed(code);
  queueClose(code, reason);
}

void Connection::queueClose(std::uint16_t code, std::string_view reason) noexcept {
  if (closeQueued_ || doomed_) return;
  closeQueued_ = true;
  deliver_ = false;
  codec_.halt();
  if (queuedBytes() + Codec::closeFrameSize(reason) > loop_.settings().outboundQueueBytes) {
    abort();  // not even the close frame fits: reset the TCP connection
    return;
  }
  try {
    Codec::appendClose(out_, code, reason);
  } catch (const std::bad_alloc&) {
    doom();
    return;
  }
  hasDeadline_ = false;  // the session's deadline no longer matters
  loop_.armCloseTimer(*this);
  requestFlush();
}

void Connection::requestFlush() noexcept {
  if (flushRequested_ || writeArmed_) return;  // EPOLLOUT will flush it anyway
  flushRequested_ = true;
  loop_.requestFlush(*this);
}

void Connection::flush() {
  flushRequested_ = false;
  while (queuedBytes() > 0) {
    const ssize_t sent = ::send(fd_, out_.data() + outOffset_, queuedBytes(), MSG_NOSIGNAL);
    if (sent > 0) {
      outOffset_ += static_cast<std::size_t>(sent);
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Keep the backlog at the front so the buffer never exceeds the cap by
      // the bytes already written.
      out_.erase(0, outOffset_);
      outOffset_ = 0;
      countBacklog(out_.size());
      if (!writeArmed_) {
        writeArmed_ = true;
        if (!loop_.setWriteInterest(*this, true)) doom();
      }
      return;
    }
    doom();
    return;
  }
  if (out_.capacity() > kKeptOutCapacity) {
    std::string().swap(out_);
  } else {
    out_.clear();
  }
  outOffset_ = 0;
  countBacklog(0);
  if (writeArmed_) {
    writeArmed_ = false;
    if (!loop_.setWriteInterest(*this, false)) doom();
  }
  if (closeQueued_ && !draining_) afterCloseWritten();
}

void Connection::afterCloseWritten() noexcept {
  draining_ = true;
  if (::shutdown(fd_, SHUT_WR) != 0) doom();
}

void Connection::doom() noexcept {
  if (doomed_) return;
  doomed_ = true;
  deliver_ = false;
  codec_.halt();
  loop_.requestTeardown(*this);
}

void Connection::abort() noexcept {
  const linger reset{.l_onoff = 1, .l_linger = 0};
  [[maybe_unused]] const int ignored =
      ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  doom();
}

void Connection::finish() noexcept {
  if (!handler_) return;
  try {
    handler_->onClosed();
  } catch (const std::exception& error) {
    loop_.logger().error("gateway: onClosed failed on %s: %s", peer_, std::string(error.what()));
  }
  handler_.reset();
}

}  // namespace wind::gateway
