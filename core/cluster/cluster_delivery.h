#pragma once
// Delivery across the cluster: what the core sends to "every connection of a
// user" (plugins' events) or to "every connection of a token" (logout,
// account disable) goes to this node's connections through the session
// registry and to the other nodes through the bus; what other nodes send
// arrives through the Inbox and goes to this node's connections only. So
// every connection gets each event once. With LocalBus this is the registry
// plus one no-op call.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "cluster/bus.h"
#include "session/delivery.h"
#include "session/presence.h"
#include "session/session_registry.h"

namespace wind::cluster {

class ClusterDelivery final : public session::Delivery,
                              public auth::RevocationListener,
                              public session::PresenceListener,
                              public Inbox {
 public:
  // Both outlive this. Startup, main thread: registers itself as the
  // registry's presence listener.
  ClusterDelivery(session::SessionRegistry& registry, Bus& bus) noexcept;

  // Delivery: any thread, never blocks.
  void sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept override;
  void sendToUser(sdk::UserId user, std::string frame,
                  std::optional<sdk::ConnectionId> except) noexcept override;

  // RevocationListener: this node's connections now, the others' through the bus.
  void tokenRevoked(std::string_view tokenHash) noexcept override;

  // PresenceListener (registry shard lock held): forwarded to the bus.
  void userOnline(sdk::UserId user) noexcept override { bus_.userOnline(user); }
  void userOffline(sdk::UserId user) noexcept override { bus_.userOffline(user); }

  // Inbox: what other nodes sent.
  void deliverToUser(sdk::UserId user, std::string frame) noexcept override;
  void revokeToken(std::string_view tokenHash) noexcept override {
    registry_.tokenRevoked(tokenHash);
  }
  std::vector<sdk::UserId> localUsers() const override { return registry_.users(); }

 private:
  session::SessionRegistry& registry_;
  Bus& bus_;
};

}  // namespace wind::cluster
