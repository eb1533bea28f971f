#include "cluster/redis_keys.h"

namespace wind::cluster::keys {
namespace {

// One round trip, atomic: a lease is renewed only by its holder, and taken
// only when free (after the holder's clean release or its expiry).
constexpr const char* kTakeLease = R"(local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0)";

constexpr const char* kReleaseLease = R"(if redis.call('GET', KEYS[1]) == ARGV[1] then
return redis.call('DEL', KEYS[1]) end
return 0)";

Poco::Redis::Array command(std::initializer_list<std::string> words) {
  Poco::Redis::Array array;
  for (const auto& word : words) array.add(word);
  return array;
}

}  // namespace

std::string nodeKey(unsigned node) { return "wind:node:" + std::to_string(node); }
std::string userKey(std::uint64_t user) { return "wind:user:" + std::to_string(user); }
std::string nodeChannel(unsigned node) { return "wind:node:" + std::to_string(node); }

Poco::Redis::Array takeLease(unsigned node, const std::string& instance,
                             std::chrono::milliseconds ttl) {
  return command({"EVAL", kTakeLease, "1", nodeKey(node), instance, std::to_string(ttl.count())});
}

Poco::Redis::Array releaseLease(unsigned node, const std::string& instance) {
  return command({"EVAL", kReleaseLease, "1", nodeKey(node), instance});
}

Poco::Redis::Array addPresence(std::uint64_t user, unsigned node, std::int64_t expiresAtMs) {
  return command({"ZADD", userKey(user), std::to_string(expiresAtMs), std::to_string(node)});
}

Poco::Redis::Array expirePresenceKey(std::uint64_t user, std::chrono::milliseconds keyTtl) {
  return command({"PEXPIRE", userKey(user), std::to_string(keyTtl.count())});
}

Poco::Redis::Array removePresence(std::uint64_t user, unsigned node) {
  return command({"ZREM", userKey(user), std::to_string(node)});
}

Poco::Redis::Array livePresence(std::uint64_t user, std::int64_t nowMs) {
  return command({"ZRANGEBYSCORE", userKey(user), std::to_string(nowMs), "+inf"});
}

Poco::Redis::Array publish(const std::string& channel, const std::string& message) {
  return command({"PUBLISH", channel, message});
}

std::string addressOf(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.size() <= kScheme.size() || url.compare(0, kScheme.size(), kScheme) != 0) return {};
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) return {};
  if (rest.find_first_of("/@?#") != std::string::npos) return {};
  for (char c : rest.substr(colon + 1)) {
    if (c < '0' || c > '9') return {};
  }
  return rest;
}

}  // namespace wind::cluster::keys
