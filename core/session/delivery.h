#pragma once
// Delivery of server-built frames to live connections (ARCHITECTURE.md §2
// step 5). Implemented by the gateway; used by the plugin host's Host.

#include <optional>
#include <string>

#include "wind/sdk/ids.h"

namespace wind::session {

class Delivery {
 public:
  virtual ~Delivery() = default;
  // `frame` is a complete JSON text frame. Thread-safe; never blocks: the
  // frame is queued to the owning event loop. Unknown or closed connections
  // are ignored.
  virtual void sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept = 0;
  // Every authenticated connection of `user`, except `except`.
  virtual void sendToUser(sdk::UserId user, std::string frame,
                          std::optional<sdk::ConnectionId> except) noexcept = 0;
};

}  // namespace wind::session
