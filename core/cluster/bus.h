#pragma once
// The bus between the nodes of a cluster (docs/cluster.md): which nodes hold
// connections of which user, and frames for users connected elsewhere.
// Single node (no cluster.bus): LocalBus, where every call does nothing.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wind/sdk/ids.h"

namespace wind::cluster {

// What the bus hands back to this node. Implemented by ClusterDelivery.
class Inbox {
 public:
  virtual ~Inbox() = default;
  // Another node sent `frame` to `user`: deliver it to this node's connections
  // of the user only. The bus's subscriber thread; must not block.
  virtual void deliverToUser(sdk::UserId user, std::string frame) noexcept = 0;
  // Another node revoked a token: close this node's connections using it. Subscriber thread.
  virtual void revokeToken(std::string_view tokenHash) noexcept = 0;
  // The users with connections on this node, to refresh presence. Publisher thread.
  virtual std::vector<sdk::UserId> localUsers() const = 0;
};

class Bus {
 public:
  virtual ~Bus() = default;
  // Startup, main thread, before serving: takes the node id (throws
  // ClusterError when another live node holds it) and starts the bus's
  // threads. `inbox` outlives stop().
  virtual void start(Inbox& inbox) = 0;
  // Shutdown, main thread, after the gateway stopped: flushes what is
  // queued (bounded in time), releases the node id, joins the threads.
  virtual void stop() noexcept = 0;

  // The first connection of `user` on this node opened / the last closed.
  // Any thread (with a registry lock held): only queues.
  virtual void userOnline(sdk::UserId user) noexcept = 0;
  virtual void userOffline(sdk::UserId user) noexcept = 0;
  // `frame` for `user`'s connections on every OTHER node that holds some.
  // Any thread; only queues. Frames queued by one thread leave in order.
  virtual void sendToUser(sdk::UserId user, const std::string& frame) noexcept = 0;
  // `tokenHash` was revoked here: every other node closes its connections using it.
  virtual void revokeToken(std::string_view tokenHash) noexcept = 0;
};

class ClusterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One node, no bus: nothing leaves this process.
class LocalBus final : public Bus {
 public:
  void start(Inbox&) override {}
  void stop() noexcept override {}
  void userOnline(sdk::UserId) noexcept override {}
  void userOffline(sdk::UserId) noexcept override {}
  void sendToUser(sdk::UserId, const std::string&) noexcept override {}
  void revokeToken(std::string_view) noexcept override {}
};

}  // namespace wind::cluster
