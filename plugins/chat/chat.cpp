#include "chat.h"

#include <chrono>
#include <stdexcept>

#include "text.h"
#include "wind/sdk/errors.h"

namespace wind::plugins::chat {

namespace {

using sdk::ErrorCode;
using sdk::RequestError;

constexpr std::int64_t kDefaultMaxLength = 4000;
// How long a found peer is trusted without asking the users table again.
constexpr auto kKnownUserTtl = std::chrono::seconds(1);

std::int64_t maxLengthOf(const sdk::Settings& settings) {
  const std::int64_t value =
      settings.has("max_length") ? settings.integer("max_length") : kDefaultMaxLength;
  if (value < 1) throw std::invalid_argument("chat: max_length must be at least 1");
  return value;
}

DmPolicy policyOf(const sdk::Settings& settings) {
  const std::string value = settings.has("dm_policy") ? settings.string("dm_policy") : "friends";
  if (value == "friends") return DmPolicy::friends;
  if (value == "anyone") return DmPolicy::anyone;
  throw std::invalid_argument("chat: dm_policy must be friends or anyone");
}

// The room of a DM (PROTOCOL.md §1): a decimal id below 2^63, never 0.
sdk::RoomId roomOf(const Payload& payload) {
  auto id = sdk::parseId(payload.requiredString("chat_id"));
  if (!id) throw RequestError(ErrorCode::invalidRequest, "\"chat_id\" must be a decimal id");
  if (*id == 0)
    throw RequestError(ErrorCode::invalidRequest, "a chat with yourself does not exist");
  return sdk::RoomId{*id};
}

}  // namespace

const sdk::PluginInfo& info() noexcept {
  static const sdk::PluginInfo kInfo{
      "0.1.0",
      {{"chat", sdk::Execution::eventLoopWhenStorageIsLocal, false, true}},
      {{"max_length",
        sdk::SettingType::integer,
        "4000",
        "longest message, in characters (code points)",
        {},
        1,
        INT64_MAX,
        true},
       {"dm_policy",
        sdk::SettingType::string,
        "friends",
        "who may send a direct message: friends or anyone",
        {"friends", "anyone"}}},
      MessageStore::migrations()};
  return kInfo;
}

Chat::Chat(const sdk::Settings& settings, sdk::Host& host)
    : host_(host),
      store_(host.storage()),
      maxLength_(maxLengthOf(settings)),
      policy_(policyOf(settings)),
      sent_(host.counter("messages_sent")),
      edited_(host.counter("messages_edited")),
      sendWrite_(host.histogram("send_write")),
      knownUsers_(kKnownUserTtl) {
  host_.provideHistory(*this);
}

void Chat::onFrame(const sdk::Request& request, sdk::Reply& reply) {
  const Payload payload(request.payload);
  const std::string type = payload.requiredString("type");
  if (type == "send") {
    send(payload, request, reply);
  } else if (type == "edit") {
    edit(payload, request, reply);
  } else {
    throw RequestError(ErrorCode::invalidRequest, "unknown chat sub-type");
  }
}

void Chat::send(const Payload& payload, const sdk::Request& request, sdk::Reply& reply) {
  const sdk::RoomId room = roomOf(payload);
  std::string content = payload.requiredString("content");
  if (isBlank(content)) return;  // ignored by the protocol: nothing stored, nothing sent
  checkLength(content);
  const sdk::UserId peer = sdk::peerOf(room, request.user);
  requirePeer(peer);
  if (policy_ == DmPolicy::friends) {
    const sdk::Friends* friends = host_.friends();
    if (!friends || !friends->areFriends(request.user, peer)) {
      throw RequestError(ErrorCode::forbidden, "you can only message friends");
    }
  }
  sdk::HistoryEntry message{
      sdk::MessageId{host_.nextId()}, request.user, std::move(content), host_.nowMicros(), {}};
  // Stored before delivered: nothing goes out until the commit returned.
  // The handler does not wait for it; the answer continues on the storage
  // writer's thread. The connection's next chat frames start meanwhile
  // (the type is pipelined): their units commit after this one, and an edit
  // re-checks the message inside its unit (updateAsync), so nothing here
  // depends on an answer still deferred.
  Delivery delivery{sdk::toChatPayload("send", message, room), request.user, request.connection,
                    peer};
  const sdk::DeferredReply answer = reply.defer();
  const auto writeStart = std::chrono::steady_clock::now();
  store_.insertAsync(
      std::move(message), sdk::orderedPair(request.user, peer),
      [this, answer, delivery = std::move(delivery), writeStart](sdk::WriteResult result) {
        if (!result.ok()) {
          answer.fail("storing a chat message failed: " + result.error.message);
          return;
        }
        sendWrite_.observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - writeStart).count());
        sent_.add();
        answer.send("chat", delivery.payload);
        answer.finish();
        fanOut(delivery);
      });
}

void Chat::fanOut(const Delivery& delivery) noexcept {
  host_.sendToUser(delivery.author, "chat", delivery.payload, delivery.connection);
  host_.sendToUser(delivery.peer, "chat", delivery.payload);
}

void Chat::edit(const Payload& payload, const sdk::Request& request, sdk::Reply& reply) {
  const sdk::RoomId room = roomOf(payload);
  const auto id = sdk::parseId(payload.requiredString("id"));
  if (!id) throw RequestError(ErrorCode::invalidRequest, "\"id\" must be a decimal id");
  const std::string content = payload.requiredString("content");
  const bool remove = isBlank(content);
  if (!remove) checkLength(content);
  const sdk::UserId peer = sdk::peerOf(room, request.user);
  requirePeer(peer);

  auto stored = store_.find(sdk::MessageId{*id}, sdk::orderedPair(request.user, peer));
  if (!stored || stored->deleted) throw RequestError(ErrorCode::notFound, "unknown message");
  if (stored->entry.author != request.user)
    throw RequestError(ErrorCode::forbidden, "only the author may edit");
  sdk::HistoryEntry message = stored->entry;
  message.content = remove ? std::string() : content;
  message.editedAt = host_.nowMicros();
  // Like send: delivered only once the update committed, without waiting for it here.
  Delivery delivery{sdk::toChatPayload("edit", message, room), request.user, request.connection,
                    peer};
  const sdk::DeferredReply answer = reply.defer();
  store_.updateAsync(message.id, request.user, message.content, remove, *message.editedAt,
                     [this, answer, delivery = std::move(delivery)](sdk::WriteResult result) {
                       if (!result.ok()) {
                         answer.fail("editing a chat message failed: " + result.error.message);
                         return;
                       }
                       if (result.changes.empty() || result.changes.front() == 0) {
                         answer.error(ErrorCode::notFound,
                                      "unknown message");  // deleted since we read it
                         answer.finish();
                         return;
                       }
                       edited_.add();
                       answer.send("chat", delivery.payload);
                       answer.finish();
                       fanOut(delivery);
                     });
}

void Chat::checkLength(const std::string& content) const {
  const std::int64_t maxLength = maxLength_.load(std::memory_order_relaxed);
  if (static_cast<std::int64_t>(codePointCount(content)) > maxLength) {
    throw RequestError(ErrorCode::tooLarge,
                       "message longer than " + std::to_string(maxLength) + " characters");
  }
}

sdk::Status Chat::reconfigure(const sdk::Settings& settings) noexcept {
  try {
    maxLength_.store(maxLengthOf(settings), std::memory_order_relaxed);
    return sdk::Status::success();
  } catch (const std::exception& e) {
    return sdk::Status::failure(e.what());
  }
}

void Chat::requirePeer(sdk::UserId peer) {
  const auto now = KnownUsers::Clock::now();
  if (knownUsers_.contains(peer, now)) return;
  if (!host_.findUser(peer)) throw RequestError(ErrorCode::notFound, "unknown chat");
  knownUsers_.remember(peer, now);
}

std::optional<std::vector<sdk::HistoryEntry>> Chat::before(sdk::UserId a, sdk::UserId b,
                                                           std::int64_t beforeMicros,
                                                           int count) const noexcept {
  try {
    return store_.before(sdk::orderedPair(a, b), beforeMicros, count);
  } catch (const std::exception& e) {
    host_.log(sdk::LogLevel::error, e.what());
    return std::nullopt;
  }
}

}  // namespace wind::plugins::chat
