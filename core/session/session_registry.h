#pragma once
// Which connections are authenticated as which user, with which token
// (PROTOCOL.md §3.1 rule 5 fan-out; logout closes the token's connections).
// Thread-safe: entries are kept in shards keyed by user id, each behind its
// own mutex, so sends for different users rarely contend. Frames go out
// through gateway::Transport, which queues them to the owning event loop;
// nothing here blocks or holds a lock while sending.

#include <array>
#include <atomic>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "auth/identity.h"
#include "gateway/link.h"
#include "session/delivery.h"
#include "session/presence.h"
#include "session/wire_metrics.h"

namespace wind::session {

class SessionRegistry final : public Delivery, public auth::RevocationListener {
 public:
  // `transport` must outlive the registry.
  explicit SessionRegistry(gateway::Transport& transport) noexcept : transport_(transport) {}

  // A connection authenticated (or authenticated again: same user, maybe
  // another token). Any thread; in practice the connection's loop. Returns
  // false, adding nothing, when `tokenHash` was revoked recently (the last
  // kRememberedRevocations): a logout that raced the token check on a
  // worker must still win.
  bool add(sdk::ConnectionId connection, sdk::UserId user, std::string tokenHash);
  // The connection is gone or no longer authenticated. Idempotent.
  void remove(sdk::ConnectionId connection, sdk::UserId user);

  // Startup only, before serving: count frames sent and closes made here. `wire` outlives this.
  void setWireMetrics(WireMetrics& wire) noexcept { wire_ = &wire; }
  // Startup only, before serving: told of each user's first and last connection here. Outlives
  // this.
  void setPresenceListener(PresenceListener& listener) noexcept { presence_ = &listener; }

  // Every user with an authenticated connection here. Any thread.
  std::vector<sdk::UserId> users() const;

  // The authenticated connections of `user`, in the order they authenticated.
  std::vector<sdk::ConnectionId> connectionsOf(sdk::UserId user) const;
  std::size_t authenticatedCount() const noexcept { return count_.load(std::memory_order_relaxed); }

  // Delivery. Any thread; never blocks on I/O.
  void sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept override;
  void sendToUser(sdk::UserId user, std::string frame,
                  std::optional<sdk::ConnectionId> except) noexcept override;

  // RevocationListener: forgets every connection authenticated with
  // `tokenHash` at once (no more fan-out to it) and closes each one with
  // 4002 "Token revoked." on its loop.
  void tokenRevoked(std::string_view tokenHash) noexcept override;

 private:
  struct Entry {
    sdk::ConnectionId connection;
    std::string tokenHash;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, std::vector<Entry>> byUser;
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kRememberedRevocations = 4096;

  bool recentlyRevoked(std::string_view tokenHash) const;
  // Appends the authenticated connections of `user` to `out` (a vector-like container).
  template <typename Out>
  void collectConnections(sdk::UserId user, Out& out) const;
  void rememberRevoked(std::string_view tokenHash);

  Shard& shardOf(sdk::UserId user) noexcept { return shards_[sdk::value(user) % kShards]; }
  const Shard& shardOf(sdk::UserId user) const noexcept {
    return shards_[sdk::value(user) % kShards];
  }

  gateway::Transport& transport_;
  WireMetrics* wire_ = nullptr;
  PresenceListener* presence_ = nullptr;
  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> count_{0};
  mutable std::mutex revokedMutex_;
  std::unordered_set<std::string> revoked_;
  std::deque<std::string> revokedOrder_;  // oldest first, to bound revoked_
};

}  // namespace wind::session
