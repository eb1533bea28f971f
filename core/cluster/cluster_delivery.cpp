#include "cluster/cluster_delivery.h"

namespace wind::cluster {

ClusterDelivery::ClusterDelivery(session::SessionRegistry& registry, Bus& bus) noexcept
    : registry_(registry), bus_(bus) {
  registry_.setPresenceListener(*this);
}

void ClusterDelivery::sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept {
  // A connection id names a connection of this node (the one a request came in on).
  registry_.sendToConnection(connection, std::move(frame));
}

void ClusterDelivery::sendToUser(sdk::UserId user, std::string frame,
                                 std::optional<sdk::ConnectionId> except) noexcept {
  // `except` is the sender's own connection, which is on this node.
  bus_.sendToUser(user, frame);
  registry_.sendToUser(user, std::move(frame), except);
}

void ClusterDelivery::tokenRevoked(std::string_view tokenHash) noexcept {
  registry_.tokenRevoked(tokenHash);
  bus_.revokeToken(tokenHash);
}

void ClusterDelivery::deliverToUser(sdk::UserId user, std::string frame) noexcept {
  registry_.sendToUser(user, std::move(frame), std::nullopt);
}

}  // namespace wind::cluster
