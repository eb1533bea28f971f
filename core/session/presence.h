#pragma once
// Told when a user gains its first or loses its last authenticated
// connection on this node (the cluster bus keeps presence from it).

#include "wind/sdk/ids.h"

namespace wind::session {

class PresenceListener {
 public:
  virtual ~PresenceListener() = default;
  // Called with the registry's shard lock held, so calls for one user come
  // in the order the changes happened: must only queue, never block or call
  // back into the registry.
  virtual void userOnline(sdk::UserId user) noexcept = 0;
  virtual void userOffline(sdk::UserId user) noexcept = 0;
};

}  // namespace wind::session
