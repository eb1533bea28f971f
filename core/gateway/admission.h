#pragma once
// Who may open a WebSocket, beyond the handshake itself (SECURITY.md):
//  - AddressSlots caps the open WebSockets per client IP address
//    (server.max_connections_per_address). A slot is taken on an HTTP
//    thread at upgrade time and given back by the event loop when the
//    connection ends (or is never adopted), like the server.max_connections
//    reservation.
//  - originAllowed() is the cross-site check (websocket.allowed_origins):
//    browsers always send Origin, so a page on another site cannot open a
//    socket with the user's cookies or token unless configured.

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace wind::gateway {

// Counts per address; thread-safe.
class AddressSlots {
 public:
  explicit AddressSlots(std::size_t perAddress) noexcept : perAddress_(perAddress) {}
  // Takes a slot for `address` unless it already holds the maximum.
  bool tryAcquire(const std::string& address);
  void release(const std::string& address) noexcept;
  std::size_t held(const std::string& address) const;

 private:
  mutable std::mutex mutex_;
  std::size_t perAddress_;
  std::unordered_map<std::string, std::size_t> held_;
};

// The address part of a peer "ip:port" or "[v6]:port".
std::string hostOf(const std::string& peer);

// True when a handshake with `origin` (empty: no Origin header) may proceed.
// No Origin (a native client) is allowed; otherwise it must equal one of
// `allowed` or, when `allowed` is empty, the request's own origin: the Host
// header under http:// or https://, or the origin of `publicUrl`.
bool originAllowed(std::string_view origin, std::string_view host, std::string_view publicUrl,
                   const std::vector<std::string>& allowed);

}  // namespace wind::gateway
