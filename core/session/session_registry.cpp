#include "session/session_registry.h"

#include <algorithm>
#include <boost/container/small_vector.hpp>

namespace wind::session {

bool SessionRegistry::add(sdk::ConnectionId connection, sdk::UserId user, std::string tokenHash) {
  Shard& shard = shardOf(user);
  std::lock_guard lock(shard.mutex);
  // Checked under the shard lock, and tokenRevoked() remembers the hash
  // before it scans the shards: either this sees the hash or the scan sees
  // the entry.
  if (recentlyRevoked(tokenHash)) return false;
  auto& entries = shard.byUser[sdk::value(user)];
  for (Entry& entry : entries) {
    if (entry.connection == connection) {
      entry.tokenHash = std::move(tokenHash);
      return true;
    }
  }
  entries.push_back(Entry{connection, std::move(tokenHash)});
  count_.fetch_add(1, std::memory_order_relaxed);
  if (entries.size() == 1 && presence_ != nullptr) presence_->userOnline(user);
  return true;
}

bool SessionRegistry::recentlyRevoked(std::string_view tokenHash) const {
  std::lock_guard lock(revokedMutex_);
  return revoked_.contains(std::string(tokenHash));
}

void SessionRegistry::rememberRevoked(std::string_view tokenHash) {
  std::lock_guard lock(revokedMutex_);
  if (!revoked_.emplace(tokenHash).second) return;
  revokedOrder_.emplace_back(tokenHash);
  if (revokedOrder_.size() > kRememberedRevocations) {
    revoked_.erase(revokedOrder_.front());
    revokedOrder_.pop_front();
  }
}

void SessionRegistry::remove(sdk::ConnectionId connection, sdk::UserId user) {
  Shard& shard = shardOf(user);
  std::lock_guard lock(shard.mutex);
  auto it = shard.byUser.find(sdk::value(user));
  if (it == shard.byUser.end()) return;
  auto& entries = it->second;
  const auto removed =
      std::erase_if(entries, [&](const Entry& e) { return e.connection == connection; });
  count_.fetch_sub(removed, std::memory_order_relaxed);
  if (entries.empty()) {
    shard.byUser.erase(it);
    if (presence_ != nullptr) presence_->userOffline(user);
  }
}

std::vector<sdk::UserId> SessionRegistry::users() const {
  std::vector<sdk::UserId> out;
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [user, entries] : shard.byUser) out.push_back(sdk::UserId{user});
  }
  return out;
}

template <typename Out>
void SessionRegistry::collectConnections(sdk::UserId user, Out& out) const {
  const Shard& shard = shardOf(user);
  std::lock_guard lock(shard.mutex);
  auto it = shard.byUser.find(sdk::value(user));
  if (it == shard.byUser.end()) return;
  out.reserve(it->second.size());
  for (const Entry& entry : it->second) out.push_back(entry.connection);
}

std::vector<sdk::ConnectionId> SessionRegistry::connectionsOf(sdk::UserId user) const {
  std::vector<sdk::ConnectionId> out;
  collectConnections(user, out);
  return out;
}

void SessionRegistry::sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept {
  if (wire_ != nullptr) wire_->frameOut(frame);
  transport_.send(connection, std::move(frame));
}

void SessionRegistry::sendToUser(sdk::UserId user, std::string frame,
                                 std::optional<sdk::ConnectionId> except) noexcept {
  try {
    // On the stack for the usual handful of devices: this runs for every chat message.
    boost::container::small_vector<sdk::ConnectionId, 4> targets;
    collectConnections(user, targets);
    if (except) targets.erase(std::remove(targets.begin(), targets.end(), *except), targets.end());
    // The lock is released: Transport::send only queues, but a shard lock
    // held across it would still serialize unrelated senders.
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (wire_ != nullptr) wire_->frameOut(frame);
      if (i + 1 == targets.size()) {
        transport_.send(targets[i], std::move(frame));
      } else {
        transport_.send(targets[i], frame);
      }
    }
  } catch (...) {
    // Out of memory while copying: the event is lost for these connections.
  }
}

void SessionRegistry::tokenRevoked(std::string_view tokenHash) noexcept {
  try {
    rememberRevoked(tokenHash);
    std::vector<sdk::ConnectionId> closing;
    for (Shard& shard : shards_) {
      std::lock_guard lock(shard.mutex);
      for (auto it = shard.byUser.begin(); it != shard.byUser.end();) {
        auto& entries = it->second;
        for (const Entry& entry : entries) {
          if (entry.tokenHash == tokenHash) closing.push_back(entry.connection);
        }
        const auto removed =
            std::erase_if(entries, [&](const Entry& e) { return e.tokenHash == tokenHash; });
        count_.fetch_sub(removed, std::memory_order_relaxed);
        if (!entries.empty()) {
          ++it;
          continue;
        }
        if (presence_ != nullptr) presence_->userOffline(sdk::UserId{it->first});
        it = shard.byUser.erase(it);
      }
    }
    for (sdk::ConnectionId connection : closing) {
      transport_.post(connection, [](gateway::Link& link, gateway::ConnectionHandler&) {
        link.close(4002, "Token revoked.");
      });
    }
  } catch (...) {
    // Out of memory: the connections stay until their next failed check.
  }
}

}  // namespace wind::session
