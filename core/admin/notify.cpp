#include "admin/notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace wind::admin {

SystemdNotifier::SystemdNotifier(std::optional<std::string> notifySocket,
                                 std::optional<std::string> watchdogUsec) {
  if (notifySocket && (notifySocket->starts_with('/') || notifySocket->starts_with('@'))) {
    socket_ = *notifySocket;
  }
  if (watchdogUsec) {
    try {
      const long long usec = std::stoll(*watchdogUsec);
      if (usec > 0) watchdog_ = std::chrono::microseconds(usec / 2);
    } catch (const std::exception&) {
      // A malformed WATCHDOG_USEC means no watchdog, as in libsystemd.
    }
  }
}

bool SystemdNotifier::notify(const std::string& state) const noexcept {
  if (socket_.empty()) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof(address.sun_path)) return false;
  std::memcpy(address.sun_path, socket_.data(), socket_.size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // abstract namespace
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  ::close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

}  // namespace wind::admin
