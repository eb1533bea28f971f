#pragma once
// The friendship tables of the mutual_users plugin and every SQL on them.
//
// Pending requests live in mutual_users_requests (from → to), friendships in
// mutual_users_friends under the ordered pair (low, high). Every change is
// one storage write() unit whose statements are guarded by the state they
// expect, so two users acting at once can never end up with both a request
// and a friendship, or with two crossed requests: a unit whose guard no
// longer holds changes nothing and the caller re-reads the state.
// Thread-safe (stateless over Storage). Storage failures throw std::runtime_error.

#include <cstdint>
#include <optional>
#include <vector>

#include "wind/sdk/ids.h"
#include "wind/sdk/storage.h"

namespace wind::plugins::mutual_users {

enum class Relation { none, friends, iRequested, theyRequested };

class FriendshipStore {
 public:
  explicit FriendshipStore(sdk::Storage& storage) : storage_(storage) {}

  static std::vector<sdk::Migration> migrations();

  Relation relation(sdk::UserId me, sdk::UserId other) const;

  // Creates the request me → other unless other already asked me, we are
  // friends, or I already asked: then false (nothing changed).
  bool insertRequest(sdk::UserId me, sdk::UserId other, std::int64_t nowMicros);
  // Turns requester's pending request to me into a friendship; false when
  // there was no such request (or we already are friends).
  bool acceptRequest(sdk::UserId me, sdk::UserId requester, std::int64_t nowMicros);
  // Deletes pending requests in either direction; false when there were none.
  bool deleteRequests(sdk::UserId me, sdk::UserId other);
  // Ends the friendship; false when there was none.
  bool deleteFriendship(sdk::UserId me, sdk::UserId other);

  // Oldest first.
  std::vector<sdk::UserId> requestersOf(sdk::UserId user) const;
  std::vector<sdk::UserId> requestedBy(sdk::UserId user) const;
  std::vector<sdk::UserId> friendsOf(sdk::UserId user) const;

 private:
  std::vector<sdk::UserId> ids(const char* sql, std::vector<sdk::Value> params) const;
  // Runs one unit: the changes per statement, or nullopt on a constraint violation.
  std::optional<std::vector<std::int64_t>> write(std::vector<sdk::Statement> unit);

  sdk::Storage& storage_;
};

}  // namespace wind::plugins::mutual_users
