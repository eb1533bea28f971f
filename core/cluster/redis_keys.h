#pragma once
// The Redis key layout of the bus (docs/cluster.md) and the commands built on
// it. Pure functions; any thread.
//   wind:node:<id>   string: the lease on a node id, valued by the holder's
//                    random instance id, expiring after cluster.ttl
//   wind:user:<id>   sorted set: node ids holding connections of the user,
//                    each scored by the epoch millisecond it expires at
//   channel wind:node:<id>  frames for the users of that node
//   channel wind:all        token revocations, for every node

#include <Poco/Redis/Array.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace wind::cluster::keys {

std::string nodeKey(unsigned node);
std::string userKey(std::uint64_t user);
std::string nodeChannel(unsigned node);
inline constexpr const char* kAllChannel = "wind:all";

// Takes or keeps the lease: 1 when `instance` holds wind:node:<node> for
// `ttl` afterwards, 0 when another instance holds it.
Poco::Redis::Array takeLease(unsigned node, const std::string& instance,
                             std::chrono::milliseconds ttl);
// Deletes the lease if `instance` still holds it.
Poco::Redis::Array releaseLease(unsigned node, const std::string& instance);

// This node holds `user` until `expiresAtMs`; the key itself lives `keyTtl`
// past the last refresh so a set left by dead nodes disappears.
Poco::Redis::Array addPresence(std::uint64_t user, unsigned node, std::int64_t expiresAtMs);
Poco::Redis::Array expirePresenceKey(std::uint64_t user, std::chrono::milliseconds keyTtl);
Poco::Redis::Array removePresence(std::uint64_t user, unsigned node);
// Members that have not expired at `nowMs`: an array of node ids.
Poco::Redis::Array livePresence(std::uint64_t user, std::int64_t nowMs);
Poco::Redis::Array publish(const std::string& channel, const std::string& message);

// "redis://host:port" -> "host:port"; "" when `url` is not of that form.
std::string addressOf(const std::string& url);

}  // namespace wind::cluster::keys
