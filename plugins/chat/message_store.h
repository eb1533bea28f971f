#pragma once
// The chat plugin's table and every SQL on it.
//
// Messages are keyed by the ordered user pair (low, high) of their DM, never
// by the XOR room id (XOR collides). Deleted messages stay as rows with empty
// content so their ids are never reused or resurrected.
// Thread-safe (stateless over Storage). Failed reads throw std::runtime_error;
// writes report through their completion.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "wind/sdk/history.h"
#include "wind/sdk/ids.h"
#include "wind/sdk/storage.h"

namespace wind::plugins::chat {

struct StoredMessage {
  sdk::HistoryEntry entry;
  bool deleted = false;
};

class MessageStore {
 public:
  explicit MessageStore(sdk::Storage& storage) : storage_(storage) {}

  static std::vector<sdk::Migration> migrations();

  // Stores `message`. Returns at once; `done` runs on the storage's writer thread once the
  // message is durably stored (or storing it failed): see sdk::Storage::writeAsync.
  void insertAsync(sdk::HistoryEntry message, sdk::UserPair pair,
                   std::function<void(sdk::WriteResult)> done);
  // The message `id` if it belongs to `pair`.
  std::optional<StoredMessage> find(sdk::MessageId id, sdk::UserPair pair) const;
  // Replaces the content of a live message by `author` (deleting it when
  // `deleted`). Returns at once; `done` gets the WriteResult on the writer
  // thread; changes[0] == 0 when no such live message exists any more.
  void updateAsync(sdk::MessageId id, sdk::UserId author, const std::string& content, bool deleted,
                   std::int64_t editedAtMicros, std::function<void(sdk::WriteResult)> done);
  // Up to `count` newest live messages of `pair` created before `beforeMicros`, oldest first.
  std::vector<sdk::HistoryEntry> before(sdk::UserPair pair, std::int64_t beforeMicros,
                                        int count) const;

 private:
  sdk::Storage& storage_;
};

}  // namespace wind::plugins::chat
