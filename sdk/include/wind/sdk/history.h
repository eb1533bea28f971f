#pragma once
// The chat history service: offered by the plugin that stores DM messages
// (chat) and read by the plugin that answers `load` (PROTOCOL.md §3.5), so
// that no plugin reads another's tables. Also the wire form of a message.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wind/sdk/ids.h"
#include "wind/sdk/json.h"
#include "wind/sdk/time.h"
#include "wind/sdk/visibility.h"

namespace wind::sdk {

// One stored, not deleted DM message.
struct HistoryEntry {
  MessageId id{};
  UserId author{};
  std::string content;
  std::int64_t createdAt = 0;            // UTC µs since the epoch
  std::optional<std::int64_t> editedAt;  // set once the message was edited
};

// Implemented by a plugin, registered with Host::provideHistory() during
// create(). Owned by that plugin; the server stops handing it out before the
// plugin is destroyed. Called from worker threads, concurrently.
class WIND_SDK_VISIBLE History {
 public:
  virtual ~History() = default;
  // The up-to-`count` newest messages between `a` and `b` (either order)
  // created strictly before `beforeMicros`, OLDEST FIRST. nullopt when the
  // storage failed (the caller answers 5000).
  virtual std::optional<std::vector<HistoryEntry>> before(UserId a, UserId b,
                                                          std::int64_t beforeMicros,
                                                          int count) const noexcept = 0;
};

// The payload of a `chat` frame (PROTOCOL.md §3.4) for `entry` in `room`:
// {"type":kind,"id":…,"user_id":…,"chat_id":…,"content":…,"created_at":…}
// plus "edited_at" when the entry was edited. `kind` is "send" or "edit".
inline std::string toChatPayload(std::string_view kind, const HistoryEntry& entry, RoomId room) {
  std::string out;
  // Room for the fixed text, three ids, two times and a few escapes: one allocation.
  out.reserve(192 + kind.size() + entry.content.size() + entry.content.size() / 8);
  out += "{\"type\":";
  json::appendQuoted(out, kind);
  out += ",\"id\":\"";
  appendTo(out, entry.id);
  out += "\",\"user_id\":\"";
  appendTo(out, entry.author);
  out += "\",\"chat_id\":\"";
  appendTo(out, room);
  out += "\",\"content\":";
  json::appendQuoted(out, entry.content);
  out += ",\"created_at\":\"";
  time::appendMicros(out, entry.createdAt);
  out += '"';
  if (entry.editedAt) {
    out += ",\"edited_at\":\"";
    time::appendMicros(out, *entry.editedAt);
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace wind::sdk
