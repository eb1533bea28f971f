#include "friendship_store.h"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

namespace wind::plugins::mutual_users {

namespace {

sdk::Value idValue(sdk::UserId id) { return static_cast<std::int64_t>(sdk::value(id)); }

constexpr const char* kSchema = R"sql(
CREATE TABLE mutual_users_requests (
  from_id INTEGER NOT NULL,
  to_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)
);
CREATE INDEX mutual_users_requests_to ON mutual_users_requests (to_id, created_at);
CREATE TABLE mutual_users_friends (
  low_id INTEGER NOT NULL,
  high_id INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (low_id, high_id),
  CHECK (low_id < high_id)
);
CREATE INDEX mutual_users_friends_high ON mutual_users_friends (high_id, created_at);
)sql";

}  // namespace

std::vector<sdk::Migration> FriendshipStore::migrations() { return {{1, kSchema}}; }

Relation FriendshipStore::relation(sdk::UserId me, sdk::UserId other) const {
  const auto pair = sdk::orderedPair(me, other);
  const std::vector<sdk::Value> params{idValue(pair.low), idValue(pair.high), idValue(me),
                                       idValue(other),    idValue(other),     idValue(me)};
  auto result = storage_.query(
      "SELECT 1 FROM mutual_users_friends WHERE low_id = ? AND high_id = ? "
      "UNION ALL SELECT 2 FROM mutual_users_requests WHERE from_id = ? AND to_id = ? "
      "UNION ALL SELECT 3 FROM mutual_users_requests WHERE from_id = ? AND to_id = ?",
      params);
  if (!result.ok()) throw std::runtime_error("reading friendship failed: " + result.error.message);
  std::int64_t best = 0;
  for (const auto& row : result.rows) {
    const auto kind = sdk::integerAt(row, 0);
    if (best == 0 || kind < best) best = kind;
  }
  switch (best) {
    case 1:
      return Relation::friends;
    case 2:
      return Relation::iRequested;
    case 3:
      return Relation::theyRequested;
    default:
      return Relation::none;
  }
}

bool FriendshipStore::insertRequest(sdk::UserId me, sdk::UserId other, std::int64_t nowMicros) {
  const auto pair = sdk::orderedPair(me, other);
  auto changes = write(
      {{"INSERT INTO mutual_users_requests (from_id, to_id, created_at) SELECT ?, ?, ? "
        "WHERE NOT EXISTS (SELECT 1 FROM mutual_users_requests WHERE from_id = ? AND to_id = ?) "
        "AND NOT EXISTS (SELECT 1 FROM mutual_users_friends WHERE low_id = ? AND high_id = ?)",
        {idValue(me), idValue(other), nowMicros, idValue(other), idValue(me), idValue(pair.low),
         idValue(pair.high)}}});
  return changes && changes->at(0) == 1;
}

bool FriendshipStore::acceptRequest(sdk::UserId me, sdk::UserId requester, std::int64_t nowMicros) {
  const auto pair = sdk::orderedPair(me, requester);
  // The guarded insert comes first, and the delete only runs once the
  // friendship exists: when the request vanished the whole unit is a no-op
  // (and an existing friendship makes the insert a constraint violation).
  auto changes =
      write({{"INSERT INTO mutual_users_friends (low_id, high_id, created_at) SELECT ?, ?, ? "
              "WHERE EXISTS (SELECT 1 FROM mutual_users_requests WHERE from_id = ? AND to_id = ?)",
              {idValue(pair.low), idValue(pair.high), nowMicros, idValue(requester), idValue(me)}},
             {"DELETE FROM mutual_users_requests WHERE ((from_id = ? AND to_id = ?) "
              "OR (from_id = ? AND to_id = ?)) "
              "AND EXISTS (SELECT 1 FROM mutual_users_friends WHERE low_id = ? AND high_id = ?)",
              {idValue(requester), idValue(me), idValue(me), idValue(requester), idValue(pair.low),
               idValue(pair.high)}}});
  return changes && changes->at(0) == 1;
}

bool FriendshipStore::deleteRequests(sdk::UserId me, sdk::UserId other) {
  auto changes =
      write({{"DELETE FROM mutual_users_requests WHERE (from_id = ? AND to_id = ?) "
              "OR (from_id = ? AND to_id = ?)",
              {idValue(me), idValue(other), idValue(other), idValue(me)}}});
  return changes && changes->at(0) > 0;
}

bool FriendshipStore::deleteFriendship(sdk::UserId me, sdk::UserId other) {
  const auto pair = sdk::orderedPair(me, other);
  auto changes = write({{"DELETE FROM mutual_users_friends WHERE low_id = ? AND high_id = ?",
                         {idValue(pair.low), idValue(pair.high)}}});
  return changes && changes->at(0) > 0;
}

std::vector<sdk::UserId> FriendshipStore::requestersOf(sdk::UserId user) const {
  return ids(
      "SELECT from_id FROM mutual_users_requests WHERE to_id = ? ORDER BY created_at, from_id",
      {idValue(user)});
}

std::vector<sdk::UserId> FriendshipStore::requestedBy(sdk::UserId user) const {
  return ids("SELECT to_id FROM mutual_users_requests WHERE from_id = ? ORDER BY created_at, to_id",
             {idValue(user)});
}

std::vector<sdk::UserId> FriendshipStore::friendsOf(sdk::UserId user) const {
  return ids(
      "SELECT other_id FROM ("
      "SELECT high_id AS other_id, created_at FROM mutual_users_friends WHERE low_id = ? "
      "UNION ALL SELECT low_id AS other_id, created_at FROM mutual_users_friends WHERE high_id = ?"
      ") AS f ORDER BY created_at, other_id",
      {idValue(user), idValue(user)});
}

std::vector<sdk::UserId> FriendshipStore::ids(const char* sql,
                                              std::vector<sdk::Value> params) const {
  auto result = storage_.query(sql, params);
  if (!result.ok()) throw std::runtime_error("reading friendships failed: " + result.error.message);
  std::vector<sdk::UserId> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows)
    out.push_back(sdk::UserId{static_cast<std::uint64_t>(sdk::integerAt(row, 0))});
  return out;
}

std::optional<std::vector<std::int64_t>> FriendshipStore::write(std::vector<sdk::Statement> unit) {
  auto result = storage_.write(unit);
  if (result.error.kind == sdk::StorageError::Kind::constraint) return std::nullopt;
  if (!result.ok()) throw std::runtime_error("writing friendships failed: " + result.error.message);
  return std::move(result.changes);
}

}  // namespace wind::plugins::mutual_users
