#include "mutual_users.h"

#include <algorithm>
#include <stdexcept>

#include "common/payload.h"
#include "wind/sdk/errors.h"
#include "wind/sdk/json.h"
#include "wind/sdk/user.h"

namespace wind::plugins::mutual_users {

namespace {

using sdk::ErrorCode;
using sdk::RequestError;

// A state change that raced with another one is re-read and retried; more
// than a few rounds means something is wrong with storage, not a race.
constexpr int kAttempts = 4;
constexpr std::int64_t kDefaultRequestsPerMinute = 30;

[[noreturn]] void keptChanging() {
  throw std::runtime_error("friendship state kept changing; giving up");
}

std::string event(std::string_view action, const sdk::User& user, bool byMe) {
  std::string out = "{\"type\":";
  sdk::json::appendQuoted(out, action);
  out += ",\"user\":" + sdk::toJson(user);
  if (byMe) out += ",\"by_me\":true";
  out += '}';
  return out;
}

}  // namespace

const sdk::PluginInfo& info() noexcept {
  static const sdk::PluginInfo kInfo{
      "0.1.0",
      {{"mutual_users"}},
      {{"requests_per_minute",
        sdk::SettingType::integer,
        "120",
        "friend requests one user may send per minute; more get error 4029",
        {},
        1,
        1'000'000}},
      FriendshipStore::migrations()};
  return kInfo;
}

namespace {
// How long a friendship read from storage is trusted; bounds how late a
// removal made on another node of a cluster is seen here.
constexpr auto kFriendCacheTtl = std::chrono::seconds(1);
}  // namespace

MutualUsers::MutualUsers(const sdk::Settings& settings, sdk::Host& host)
    : host_(host),
      store_(host.storage()),
      friendCache_(kFriendCacheTtl),
      requestsPerMinute_(settings.has("requests_per_minute")
                             ? settings.integer("requests_per_minute")
                             : kDefaultRequestsPerMinute) {
  host_.provideFriends(*this);
}

std::optional<std::int64_t> MutualUsers::requestBlockedFor(sdk::UserId me) {
  constexpr std::int64_t kMinute = 60'000'000;
  const std::int64_t now = host_.nowMicros();
  std::lock_guard lock(requestTimesMutex_);
  // Forget users with nothing in the window once the map grows, so it stays small.
  if (requestTimes_.size() > 1024) {
    std::erase_if(requestTimes_, [now](const auto& entry) {
      return entry.second.empty() || entry.second.back() <= now - kMinute;
    });
  }
  auto& times = requestTimes_[sdk::value(me)];
  while (!times.empty() && times.front() <= now - kMinute) times.pop_front();
  if (static_cast<std::int64_t>(times.size()) >= requestsPerMinute_) {
    // Until the oldest request leaves the window, in whole ms (at least 1).
    return std::max<std::int64_t>(1, (times.front() + kMinute - now + 999) / 1000);
  }
  times.push_back(now);
  return std::nullopt;
}

void MutualUsers::onFrame(const sdk::Request& request, sdk::Reply& reply) {
  Payload payload(request.payload);
  const std::string action = payload.requiredString("type");
  if (action != "request" && action != "response" && action != "remove" && action != "delete") {
    throw RequestError(ErrorCode::invalidRequest, "unknown mutual_users action");
  }
  const sdk::User target = resolveTarget(payload, request.user);
  const auto meUser = host_.findUser(request.user);
  if (!meUser) throw std::runtime_error("the acting user does not exist");

  std::string_view announced;
  if (action == "request") {
    if (auto retryMs = requestBlockedFor(request.user)) {
      // Sent by hand: PROTOCOL.md §3.7 adds retry_after_ms to a 4029 payload.
      reply.send(
          "error",
          R"({"code":4029,"reason":"too many friend requests; slow down","retry_after_ms":)" +
              std::to_string(*retryMs) + "}");
      return;
    }
    announced = askOrAccept(request.user, target.id);
  } else if (action == "response") {
    announced = respond(request.user, target.id);
  } else if (action == "remove") {
    announced = remove(request.user, target.id);
  } else {
    announced = unfriend(request.user, target.id);
  }
  announce(announced, request, *meUser, target, reply);
}

sdk::User MutualUsers::resolveTarget(const Payload& payload, sdk::UserId me) const {
  std::optional<sdk::User> user;
  if (auto idText = payload.optionalString("id")) {
    auto id = sdk::parseId(*idText);
    if (!id) throw RequestError(ErrorCode::invalidRequest, "\"id\" must be a decimal user id");
    if (sdk::UserId{*id} == me) throw RequestError(ErrorCode::invalidRequest, "that is you");
    user = host_.findUser(sdk::UserId{*id});
  } else if (auto name = payload.optionalString("name")) {
    user = host_.findUserByName(*name);
    if (user && user->id == me) throw RequestError(ErrorCode::invalidRequest, "that is you");
  } else {
    throw RequestError(ErrorCode::invalidRequest, "\"id\" or \"name\" is missing");
  }
  if (!user) throw RequestError(ErrorCode::notFound, "unknown user");
  return *user;
}

std::string_view MutualUsers::askOrAccept(sdk::UserId me, sdk::UserId target) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    switch (store_.relation(me, target)) {
      case Relation::friends:
        throw RequestError(ErrorCode::conflict, "already friends");
      case Relation::iRequested:
        throw RequestError(ErrorCode::conflict, "already requested");
      case Relation::theyRequested:
        if (store_.acceptRequest(me, target, host_.nowMicros())) return "response";
        break;
      case Relation::none:
        if (store_.insertRequest(me, target, host_.nowMicros())) return "request";
        break;
    }
  }
  keptChanging();
}

std::string_view MutualUsers::respond(sdk::UserId me, sdk::UserId target) {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    switch (store_.relation(me, target)) {
      case Relation::friends:
        throw RequestError(ErrorCode::conflict, "already friends");
      case Relation::theyRequested:
        if (store_.acceptRequest(me, target, host_.nowMicros())) return "response";
        break;
      default:
        throw RequestError(ErrorCode::notFound, "no request to accept");
    }
  }
  keptChanging();
}

std::string_view MutualUsers::remove(sdk::UserId me, sdk::UserId target) {
  if (!store_.deleteRequests(me, target))
    throw RequestError(ErrorCode::notFound, "no request to withdraw or decline");
  return "remove";
}

std::string_view MutualUsers::unfriend(sdk::UserId me, sdk::UserId target) {
  bool removed = false;
  try {
    removed = store_.deleteFriendship(me, target);
  } catch (...) {
    friendCache_.forget(me, target);  // whatever happened, read storage next time
    throw;
  }
  // Committed (or not there): chat's next check must read storage again.
  friendCache_.forget(me, target);
  if (!removed) throw RequestError(ErrorCode::notFound, "not friends");
  return "delete";
}

void MutualUsers::announce(std::string_view action, const sdk::Request& request,
                           const sdk::User& me, const sdk::User& target, sdk::Reply& reply) {
  reply.send("ok", "null");
  host_.sendToUser(target.id, "mutual_users", event(action, me, false));
  host_.sendToUser(me.id, "mutual_users", event(action, target, true), request.connection);
}

void MutualUsers::onAuth(sdk::UserId user, sdk::AuthSnapshot& snapshot) {
  snapshot.add("mutual_requests", userArray(store_.requestersOf(user)));
  snapshot.add("mutual_users", userArray(store_.friendsOf(user)));
  snapshot.add("outgoing_requests", userArray(store_.requestedBy(user)));
}

std::string MutualUsers::userArray(const std::vector<sdk::UserId>& ids) const {
  std::string out = "[";
  for (sdk::UserId id : ids) {
    // Deactivated accounts are not found any more: they drop out of lists.
    auto user = host_.findUser(id);
    if (!user) continue;
    if (out.size() > 1) out += ',';
    out += sdk::toJson(*user);
  }
  out += ']';
  return out;
}

bool MutualUsers::areFriends(sdk::UserId a, sdk::UserId b) const noexcept {
  if (a == b) return false;
  try {
    const auto now = FriendCache::Clock::now();
    if (friendCache_.contains(a, b, now)) return true;
    const std::uint64_t generation = friendCache_.generation();
    const bool friends = store_.relation(a, b) == Relation::friends;
    if (friends) friendCache_.remember(a, b, generation, now);
    return friends;
  } catch (const std::exception& e) {
    host_.log(sdk::LogLevel::error, e.what());
    return false;
  }
}

std::optional<std::vector<sdk::UserId>> MutualUsers::friendsOf(sdk::UserId user) const noexcept {
  try {
    return store_.friendsOf(user);
  } catch (const std::exception& e) {
    host_.log(sdk::LogLevel::error, e.what());
    return std::nullopt;
  }
}

}  // namespace wind::plugins::mutual_users
