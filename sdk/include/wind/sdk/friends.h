#pragma once
// The friendship service: offered by the plugin that owns friendships
// (mutual_users) and read by others (chat's dm_policy) through Host.

#include <optional>
#include <vector>

#include "wind/sdk/ids.h"
#include "wind/sdk/visibility.h"

namespace wind::sdk {

// Implemented by a plugin, registered with Host::provideFriends() during
// create(). Owned by that plugin; the server stops handing it out before the
// plugin is destroyed. Called from worker threads, concurrently.
class WIND_SDK_VISIBLE Friends {
 public:
  virtual ~Friends() = default;
  // True when `a` and `b` are friends (accepted, not pending).
  virtual bool areFriends(UserId a, UserId b) const noexcept = 0;
  // Every friend of `user`, oldest friendship first; nullopt when the
  // storage failed (the caller answers 5000).
  virtual std::optional<std::vector<UserId>> friendsOf(UserId user) const noexcept = 0;
};

}  // namespace wind::sdk
