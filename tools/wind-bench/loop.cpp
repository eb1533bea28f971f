#include "loop.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

#include "clock.h"

namespace wind::bench {
namespace {

constexpr int kMaxEvents = 512;

sockaddr_in parseUrl(const std::string& url, std::string& hostHeader) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) throw std::runtime_error("--url must start with http://");
  std::string rest = url.substr(prefix.size());
  if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--url needs a port");
  hostHeader = rest;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1))));
  if (::inet_pton(AF_INET, rest.substr(0, colon).c_str(), &address.sin_addr) != 1) {
    throw std::runtime_error("--url host must be a numeric IPv4 address");
  }
  return address;
}

}  // namespace

Loop::Loop(const std::string& url) : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  std::size_t at = 0;
  while (at <= url.size()) {
    const std::size_t end = std::min(url.find(',', at), url.size());
    Target target;
    target.address = parseUrl(url.substr(at, end - at), target.hostHeader);
    targets_.push_back(std::move(target));
    at = end + 1;
  }
}

Loop::~Loop() {
  conns_.clear();
  if (epoll_ >= 0) ::close(epoll_);
}

WsConn& Loop::add(Listener& listener) {
  conns_.push_back(std::make_unique<WsConn>(static_cast<int>(conns_.size()), listener, dirty_));
  return *conns_.back();
}

void Loop::startQueued() {
  while (nextToStart_ < conns_.size() && pendingOpens_ < maxPendingOpens) {
    const Target& target = targets_[nextToStart_ % targets_.size()];
    WsConn& conn = *conns_[nextToStart_++];
    const int fd = conn.start(target.address, target.hostHeader);
    if (fd < 0) {
      ++failed_;
      continue;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    event.data.ptr = &conn;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    ++pendingOpens_;
  }
}

void Loop::drop(WsConn& conn) {
  if (conn.state() != WsConn::State::open) {
    ++failed_;
    markOpened();
  }
  conn.close();
  ++closed_;
  conn.clearDirty();
}

void Loop::handle(WsConn& conn, std::uint32_t events) {
  if (conn.state() == WsConn::State::closed) return;
  const bool wasOpen = conn.state() == WsConn::State::open;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLRDHUP)) != 0 ||
      conn.state() == WsConn::State::connecting) {
    if (!conn.readAvailable()) {
      drop(conn);
      return;
    }
  }
  if (!wasOpen && conn.state() == WsConn::State::open) markOpened();
  if ((events & EPOLLOUT) != 0 && !conn.flush()) {
    drop(conn);
    return;
  }
}

void Loop::flushDirty() {
  // Listeners may queue on other connections while we flush; index, don't iterate.
  for (std::size_t i = 0; i < dirty_.size(); ++i) {
    WsConn& conn = *dirty_[i];
    conn.clearDirty();
    if (conn.state() != WsConn::State::closed && !conn.flush()) drop(conn);
  }
  dirty_.clear();
}

void Loop::resume(WsConn& conn) {
  conn.pauseReading(false);
  // The epoll registration is edge-triggered and a paused connection ignored
  // its events: an end (EOF, or the reset a server sends a reader it cut)
  // that arrived meanwhile raises no new event, so read until the socket
  // says it would block.
  if (conn.state() != WsConn::State::closed && !conn.readAvailable(true)) drop(conn);
}

bool Loop::runUntil(const std::function<bool()>& done, std::int64_t deadlineNs,
                    const std::function<void()>& tick,
                    const std::function<std::int64_t()>& nextWakeNs) {
  epoll_event events[kMaxEvents];
  for (;;) {
    startQueued();
    if (tick) tick();
    flushDirty();
    if (done()) return true;
    const std::int64_t now = nowNs();
    if (now >= deadlineNs) return false;
    std::int64_t wake = deadlineNs;
    if (nextWakeNs) {
      const std::int64_t next = nextWakeNs();
      if (next > 0 && next < wake) wake = next;
    }
    const std::int64_t waitNs = wake > now ? wake - now : 0;
    const timespec timeout{static_cast<time_t>(waitNs / 1'000'000'000),
                           static_cast<long>(waitNs % 1'000'000'000)};
    const int n = ::epoll_pwait2(epoll_, events, kMaxEvents, &timeout, nullptr);
    for (int i = 0; i < n; ++i) handle(*static_cast<WsConn*>(events[i].data.ptr), events[i].events);
  }
}

}  // namespace wind::bench
