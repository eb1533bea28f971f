#pragma once
// The mutual_users plugin: friend requests and friendships (PROTOCOL.md §3.6),
// the friend lists of the auth snapshot (§3.3), and the sdk::Friends service
// other plugins read (chat's dm_policy, load's friend list).
//
// Created once on the main thread; onFrame, onAuth and the Friends methods
// run on worker threads concurrently (areFriends also on chat's threads).
// State is in storage; the object keeps only caches (FriendCache, request
// times), each behind its own mutex.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/payload.h"
#include "friend_cache.h"
#include "friendship_store.h"
#include "wind/sdk/friends.h"
#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"

namespace wind::plugins::mutual_users {

const sdk::PluginInfo& info() noexcept;

class MutualUsers final : public sdk::PluginBase, public sdk::Friends {
 public:
  // Registers itself with host.provideFriends().
  MutualUsers(const sdk::Settings& settings, sdk::Host& host);

  bool areFriends(sdk::UserId a, sdk::UserId b) const noexcept override;
  std::optional<std::vector<sdk::UserId>> friendsOf(sdk::UserId user) const noexcept override;

 protected:
  void onFrame(const sdk::Request& request, sdk::Reply& reply) override;
  void onAuth(sdk::UserId user, sdk::AuthSnapshot& snapshot) override;

 private:
  sdk::User resolveTarget(const Payload& payload, sdk::UserId me) const;
  // Each returns the action the other user is told about.
  std::string_view askOrAccept(sdk::UserId me, sdk::UserId target);
  std::string_view respond(sdk::UserId me, sdk::UserId target);
  std::string_view remove(sdk::UserId me, sdk::UserId target);
  std::string_view unfriend(sdk::UserId me, sdk::UserId target);
  void announce(std::string_view action, const sdk::Request& request, const sdk::User& me,
                const sdk::User& target, sdk::Reply& reply);
  std::string userArray(const std::vector<sdk::UserId>& ids) const;

  // When `me` already sent requests_per_minute requests in the last minute:
  // the ms until one more is allowed. Otherwise counts this one and returns
  // nullopt. Any worker thread.
  std::optional<std::int64_t> requestBlockedFor(sdk::UserId me);

  sdk::Host& host_;
  mutable FriendshipStore store_;
  mutable FriendCache friendCache_;
  std::int64_t requestsPerMinute_;
  std::mutex requestTimesMutex_;
  std::unordered_map<std::uint64_t, std::deque<std::int64_t>> requestTimes_;  // µs, per user
};

}  // namespace wind::plugins::mutual_users
