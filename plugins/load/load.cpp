#include "load.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "datetime.h"
#include "wind/sdk/errors.h"
#include "wind/sdk/history.h"
#include "wind/sdk/user.h"

namespace wind::plugins::load {

namespace {

using sdk::ErrorCode;
using sdk::RequestError;

std::int64_t maxCountOf(const sdk::Settings& settings) {
  const std::int64_t value = settings.has("max_count") ? settings.integer("max_count") : 100;
  if (value < 1 || value > Load::kMaxMaxCount) {
    throw std::invalid_argument("load: max_count must be 1…" + std::to_string(Load::kMaxMaxCount));
  }
  return value;
}

std::string endMarker(sdk::RoomId room, std::size_t count) {
  return "{\"type\":\"chat\",\"load_id\":\"" + sdk::toString(room) +
         "\",\"count\":" + std::to_string(count) + "}";
}

}  // namespace

const sdk::PluginInfo& info() noexcept {
  static const sdk::PluginInfo kInfo{"0.1.0",
                                     {{"load"}},
                                     {{"max_count",
                                       sdk::SettingType::integer,
                                       "100",
                                       "most messages one history load returns",
                                       {},
                                       1,
                                       Load::kMaxMaxCount}},
                                     {}};
  return kInfo;
}

Load::Load(const sdk::Settings& settings, sdk::Host& host)
    : host_(host), maxCount_(maxCountOf(settings)) {}

void Load::onFrame(const sdk::Request& request, sdk::Reply& reply) {
  const Payload payload(request.payload);
  const std::string type = payload.requiredString("type");
  if (type == "chat") {
    loadChat(payload, request, reply);
  } else if (type == "mutual_users") {
    loadFriends(request, reply);
  } else {
    throw RequestError(ErrorCode::invalidRequest, "unknown load sub-type");
  }
}

void Load::loadChat(const Payload& payload, const sdk::Request& request, sdk::Reply& reply) {
  const auto id = sdk::parseId(payload.requiredString("load_id"));
  if (!id) throw RequestError(ErrorCode::invalidRequest, "\"load_id\" must be a decimal id");
  if (*id == 0)
    throw RequestError(ErrorCode::invalidRequest, "a chat with yourself does not exist");
  const sdk::RoomId room{*id};
  const std::int64_t before = beforeOf(payload);
  const int count = countOf(payload);
  const sdk::UserId peer = sdk::peerOf(room, request.user);
  if (!host_.findUser(peer)) throw RequestError(ErrorCode::notFound, "unknown chat");

  // Without a history provider (chat not loaded) there is simply no history.
  std::vector<sdk::HistoryEntry> entries;
  if (const sdk::History* history = host_.history()) {
    auto page = history->before(request.user, peer, before, count);
    if (!page) throw std::runtime_error("reading chat history failed");
    entries = std::move(*page);
  }
  for (const auto& entry : entries) reply.send("chat", sdk::toChatPayload("send", entry, room));
  reply.send("load", endMarker(room, entries.size()));
}

void Load::loadFriends(const sdk::Request& request, sdk::Reply& reply) {
  std::vector<sdk::UserId> ids;
  if (const sdk::Friends* friends = host_.friends()) {
    auto list = friends->friendsOf(request.user);
    if (!list) throw std::runtime_error("reading the friend list failed");
    ids = std::move(*list);
  }
  std::string out = "[";
  for (sdk::UserId id : ids) {
    auto user = host_.findUser(id);
    if (!user) continue;  // deactivated accounts drop out of the list
    if (out.size() > 1) out += ',';
    out += sdk::toJson(*user);
  }
  out += ']';
  reply.send("mutual_users", out);
}

std::int64_t Load::beforeOf(const Payload& payload) {
  if (!payload.has("datetime")) return host_.nowMicros();
  const auto text = payload.optionalString("datetime");
  const auto micros = parseLoadDatetime(*text);
  if (!micros)
    throw RequestError(ErrorCode::invalidRequest,
                       "\"datetime\" must be YYYY-MM-DD HH:MM:SS.ffffff");
  return *micros;
}

int Load::countOf(const Payload& payload) const {
  const std::int64_t requested = payload.optionalInteger("count").value_or(kDefaultCount);
  return static_cast<int>(std::clamp<std::int64_t>(requested, 1, maxCount_));
}

}  // namespace wind::plugins::load
