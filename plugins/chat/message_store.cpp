#include "message_store.h"

#include <algorithm>
#include <stdexcept>

namespace wind::plugins::chat {

namespace {

template <typename Id>
sdk::Value idValue(Id id) {
  return static_cast<std::int64_t>(sdk::value(id));
}

constexpr const char* kSchema = R"sql(
CREATE TABLE chat_messages (
  id INTEGER PRIMARY KEY,
  low_id INTEGER NOT NULL,
  high_id INTEGER NOT NULL,
  author_id INTEGER NOT NULL,
  content TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  edited_at INTEGER,
  deleted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX chat_messages_pair_time ON chat_messages (low_id, high_id, created_at, id);
)sql";

sdk::HistoryEntry entryOf(const sdk::Row& row) {
  sdk::HistoryEntry entry;
  entry.id = sdk::MessageId{static_cast<std::uint64_t>(sdk::integerAt(row, 0))};
  entry.author = sdk::UserId{static_cast<std::uint64_t>(sdk::integerAt(row, 1))};
  entry.content = sdk::textAt(row, 2);
  entry.createdAt = sdk::integerAt(row, 3);
  if (!sdk::isNullAt(row, 4)) entry.editedAt = sdk::integerAt(row, 4);
  return entry;
}

}  // namespace

std::vector<sdk::Migration> MessageStore::migrations() { return {{1, kSchema}}; }

namespace {

sdk::Statement insertStatement(sdk::HistoryEntry message, sdk::UserPair pair) {
  return {
      "INSERT INTO chat_messages (id, low_id, high_id, author_id, content, created_at) VALUES (?, "
      "?, ?, ?, ?, ?)",
      {idValue(message.id), idValue(pair.low), idValue(pair.high), idValue(message.author),
       std::move(message.content), message.createdAt}};
}

}  // namespace

void MessageStore::insertAsync(sdk::HistoryEntry message, sdk::UserPair pair,
                               std::function<void(sdk::WriteResult)> done) {
  std::vector<sdk::Statement> statements;
  statements.push_back(insertStatement(std::move(message), pair));
  storage_.writeAsync(std::move(statements), std::move(done));
}

std::optional<StoredMessage> MessageStore::find(sdk::MessageId id, sdk::UserPair pair) const {
  const std::vector<sdk::Value> params{idValue(id), idValue(pair.low), idValue(pair.high)};
  auto result = storage_.query(
      "SELECT id, author_id, content, created_at, edited_at, deleted FROM chat_messages "
      "WHERE id = ? AND low_id = ? AND high_id = ?",
      params);
  if (!result.ok())
    throw std::runtime_error("reading a chat message failed: " + result.error.message);
  if (result.rows.empty()) return std::nullopt;
  const auto& row = result.rows.front();
  return StoredMessage{entryOf(row), sdk::integerAt(row, 5) != 0};
}

namespace {

sdk::Statement updateStatement(sdk::MessageId id, sdk::UserId author, const std::string& content,
                               bool deleted, std::int64_t editedAtMicros) {
  return {
      "UPDATE chat_messages SET content = ?, edited_at = ?, deleted = ? "
      "WHERE id = ? AND author_id = ? AND deleted = 0",
      {content, editedAtMicros, std::int64_t{deleted ? 1 : 0}, idValue(id), idValue(author)}};
}

}  // namespace

void MessageStore::updateAsync(sdk::MessageId id, sdk::UserId author, const std::string& content,
                               bool deleted, std::int64_t editedAtMicros,
                               std::function<void(sdk::WriteResult)> done) {
  std::vector<sdk::Statement> statements;
  statements.push_back(updateStatement(id, author, content, deleted, editedAtMicros));
  storage_.writeAsync(std::move(statements), std::move(done));
}

std::vector<sdk::HistoryEntry> MessageStore::before(sdk::UserPair pair, std::int64_t beforeMicros,
                                                    int count) const {
  if (count <= 0) return {};
  const std::vector<sdk::Value> params{idValue(pair.low), idValue(pair.high), beforeMicros,
                                       std::int64_t{count}};
  auto result = storage_.query(
      "SELECT id, author_id, content, created_at, edited_at FROM chat_messages "
      "WHERE low_id = ? AND high_id = ? AND created_at < ? AND deleted = 0 "
      "ORDER BY created_at DESC, id DESC LIMIT ?",
      params);
  if (!result.ok())
    throw std::runtime_error("reading chat history failed: " + result.error.message);
  std::vector<sdk::HistoryEntry> out;
  out.reserve(result.rows.size());
  // The query walks the index newest first; the wire wants oldest first.
  for (auto it = result.rows.rbegin(); it != result.rows.rend(); ++it) out.push_back(entryOf(*it));
  return out;
}

}  // namespace wind::plugins::chat
