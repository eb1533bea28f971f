#include "ws_conn.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wind::bench {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kClose = 0x8;
constexpr std::uint8_t kPing = 0x9;
constexpr std::uint8_t kPong = 0xA;

}  // namespace

WsConn::~WsConn() {
  if (fd_ >= 0) ::close(fd_);
}

int WsConn::start(const sockaddr_in& address, std::string_view hostHeader) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return -1;
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 &&
      errno != EINPROGRESS) {
    close();
    return -1;
  }
  maskSeed_ = 0x9e3779b9U * static_cast<std::uint32_t>(index_ + 1);
  request_ = "GET /ws HTTP/1.1\r\nHost: ";
  request_ += hostHeader;
  request_ +=
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  return fd_;
}

bool WsConn::onConnected() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) return false;
  state_ = State::upgrading;
  out_ = request_;
  outSent_ = 0;
  return flush();
}

void WsConn::queueFrame(std::uint8_t opcode, std::string_view payload) {
  const std::size_t size = payload.size();
  char header[14];
  std::size_t used = 0;
  header[used++] = static_cast<char>(0x80 | opcode);
  if (size < 126) {
    header[used++] = static_cast<char>(0x80 | size);
  } else if (size <= 0xFFFF) {
    header[used++] = static_cast<char>(0x80 | 126);
    header[used++] = static_cast<char>(size >> 8);
    header[used++] = static_cast<char>(size & 0xFF);
  } else {
    header[used++] = static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) header[used++] = static_cast<char>(size >> shift);
  }
  // Masking is mandatory for client frames (RFC 6455 5.3); a cheap LCG varies the key.
  maskSeed_ = maskSeed_ * 1664525U + 1013904223U;
  char mask[4];
  std::memcpy(mask, &maskSeed_, 4);
  std::memcpy(header + used, mask, 4);
  used += 4;
  const std::size_t start = out_.size();
  out_.append(header, used);
  out_.append(payload);
  char* body = out_.data() + start + used;
  for (std::size_t i = 0; i < size; ++i) body[i] ^= mask[i & 3];
  if (!dirty_) {
    dirty_ = true;
    dirtyList_.push_back(this);
  }
}

void WsConn::sendText(std::string_view text) {
  if (state_ == State::open) queueFrame(kText, text);
}

bool WsConn::flush() {
  if (state_ == State::connecting || fd_ < 0) return true;
  while (outSent_ < out_.size()) {
    const ssize_t n = ::send(fd_, out_.data() + outSent_, out_.size() - outSent_, MSG_NOSIGNAL);
    if (n > 0) {
      outSent_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  out_.clear();
  outSent_ = 0;
  return true;
}

bool WsConn::readAvailable(bool untilWouldBlock) {
  if (state_ == State::connecting) {
    if (!onConnected()) return false;
  }
  if (paused_) return true;
  for (;;) {
    if (in_.size() - inUsed_ < kReadChunk) in_.resize(inUsed_ + kReadChunk);
    const ssize_t n = ::recv(fd_, in_.data() + inUsed_, in_.size() - inUsed_, 0);
    if (n > 0) {
      inUsed_ += static_cast<std::size_t>(n);
      const bool ok = state_ == State::upgrading ? parseUpgrade() : parseFrames();
      if (!ok) return false;
      if (paused_) return true;
      if (static_cast<std::size_t>(n) < kReadChunk && !untilWouldBlock) return true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

bool WsConn::parseUpgrade() {
  const std::string_view head(in_.data(), inUsed_);
  const auto end = head.find("\r\n\r\n");
  if (end == std::string_view::npos) return true;
  if (head.substr(0, 13).find(" 101") == std::string_view::npos) return false;
  const std::size_t rest = inUsed_ - (end + 4);
  std::memmove(in_.data(), in_.data() + end + 4, rest);
  inUsed_ = rest;
  state_ = State::open;
  listener_->onOpen(*this);
  return parseFrames();
}

bool WsConn::parseFrames() {
  std::size_t pos = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(in_.data());
  while (state_ == State::open && inUsed_ - pos >= 2) {
    const bool fin = (data[pos] & 0x80) != 0;
    const std::uint8_t opcode = data[pos] & 0x0F;
    std::uint64_t length = data[pos + 1] & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
      if (inUsed_ - pos < 4) break;
      length = (std::uint64_t{data[pos + 2]} << 8) | data[pos + 3];
      header = 4;
    } else if (length == 127) {
      if (inUsed_ - pos < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | data[pos + 2 + i];
      header = 10;
    }
    if (inUsed_ - pos < header + length) break;
    const std::string_view payload(in_.data() + pos + header, length);
    pos += header + length;
    if (opcode == kClose) {
      closeCode_ = payload.size() >= 2 ? (static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1])
                                       : 1005;
      return false;
    }
    if (opcode == kPing) {
      queueFrame(kPong, payload);
      continue;
    }
    if (opcode == kText || opcode == 0) {
      if (fin && fragments_.empty()) {
        listener_->onText(*this, payload);
      } else {
        fragments_.append(payload);
        if (fin) {
          const std::string whole = std::move(fragments_);
          fragments_.clear();
          listener_->onText(*this, whole);
        }
      }
    }
  }
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, inUsed_ - pos);
    inUsed_ -= pos;
  }
  return true;
}

void WsConn::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (state_ != State::closed) {
    state_ = State::closed;
    listener_->onClosed(*this);
  }
}

}  // namespace wind::bench
