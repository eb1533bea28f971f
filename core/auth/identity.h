#pragma once
// What the WebSocket side needs from accounts: token checks, user lookups and
// news of revoked tokens. Implemented in core/auth; consumed by core/session
// and by the plugin host (Host::findUser).

#include <optional>
#include <string>
#include <string_view>

#include "wind/sdk/ids.h"
#include "wind/sdk/user.h"

namespace wind::auth {

struct Identity {
  sdk::UserId user{};
  std::string tokenHash;  // SHA-256 hex of the token: what logout revokes
};

class TokenAuthenticator {
 public:
  virtual ~TokenAuthenticator() = default;
  // The identity behind a valid, unexpired, unrevoked token of an active
  // account; nullopt otherwise. Blocks (storage); call from a worker thread.
  virtual std::optional<Identity> authenticate(std::string_view token) noexcept = 0;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // Active (verified) accounts only. Names match without regard to case.
  // Block on storage; call from worker threads. Thread-safe.
  virtual std::optional<sdk::User> findUser(sdk::UserId id) noexcept = 0;
  virtual std::optional<sdk::User> findUserByName(std::string_view name) noexcept = 0;
};

// Told by accounts when a token is revoked (logout); the gateway closes every
// connection authenticated with it (close 4002 "Token revoked."). Called on
// the HTTP thread that handled the logout; must not block.
class RevocationListener {
 public:
  virtual ~RevocationListener() = default;
  virtual void tokenRevoked(std::string_view tokenHash) noexcept = 0;
};

}  // namespace wind::auth
