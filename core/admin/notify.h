#pragma once
// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path,
// or an abstract socket when it starts with '@'). A no-op when the variable
// is unset, so the server behaves the same outside systemd.

#include <chrono>
#include <optional>
#include <string>

namespace wind::admin {

class SystemdNotifier {
 public:
  // The values of NOTIFY_SOCKET and WATCHDOG_USEC, when set.
  SystemdNotifier(std::optional<std::string> notifySocket, std::optional<std::string> watchdogUsec);

  bool enabled() const noexcept { return !socket_.empty(); }
  // Sends `state` ("READY=1", "STOPPING=1", "WATCHDOG=1", "RELOADING=1").
  // Any thread; returns false when it could not be sent (never throws).
  bool notify(const std::string& state) const noexcept;
  // Half of WATCHDOG_USEC (how often to send WATCHDOG=1), when the unit sets one.
  std::optional<std::chrono::microseconds> watchdogInterval() const noexcept { return watchdog_; }

 private:
  std::string socket_;
  std::optional<std::chrono::microseconds> watchdog_;
};

}  // namespace wind::admin
