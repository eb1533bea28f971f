#pragma once
// One SQLite connection (a Poco Data session) plus a cache of prepared
// statements keyed by SQL text. Used by one thread at a time: the writer
// thread owns one, the reader pool lends the others out.

#include <Poco/Data/Session.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/connection.h"
#include "storage/database.h"

struct sqlite3;
struct sqlite3_stmt;

namespace wind::storage {

struct ConnectionOptions {
  std::string path;
  bool synchronousFull = true;
  std::chrono::milliseconds busyTimeout{5000};
  bool readOnly = false;  // PRAGMA query_only: the connection refuses writes
};

// Maps an SQLite result code (extended or primary) to the SDK's error kind.
StorageError::Kind errorKindOf(int sqliteCode) noexcept;

class SqliteConnection final : public Connection {
 public:
  // Opens `options.path`, switches the file to WAL and applies the
  // per-connection PRAGMAs (synchronous, busy_timeout, foreign_keys).
  // Throws StorageFailure naming the path when the file is not a database,
  // cannot be opened for writing or stays locked past the busy timeout.
  explicit SqliteConnection(const ConnectionOptions& options);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  // Runs one statement with `params` bound in order (a cached prepared
  // statement). Rows go to `rows` when it is non-null; `changes` receives
  // sqlite3_changes for a statement that writes, 0 otherwise.
  StorageError run(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows,
                   std::int64_t* changes = nullptr) noexcept override;

  // Runs SQL text of one or more statements without parameters (migrations,
  // transaction control).
  StorageError exec(const std::string& sql) noexcept override;

  // BEGIN IMMEDIATE: takes the write lock now rather than at the first write.
  StorageError begin() noexcept override;

  // True outside any transaction (SQLite rolls a whole transaction back on
  // some errors, e.g. SQLITE_FULL; the writer checks this after a failure).
  bool autocommit() const noexcept override;

  // SQLite rolls a failed statement back by itself under its default
  // conflict resolution (ABORT), triggers included. Not under FAIL, which
  // keeps the rows changed before the failure: false when `sql` mentions
  // FAIL or TRIGGER, or when the schema holds a trigger that mentions FAIL
  // (looked up when the connection opens, after every exec() and after a
  // statement that mentions TRIGGER).
  bool undoesFailedStatement(std::string_view sql) const noexcept override;

  // What to do after a commit on this connection: given the frames now in
  // the WAL, returns true to checkpoint here and now (what SQLite does by
  // itself at 1000 frames). Runs on the committing thread, after the write
  // lock was released; must not block otherwise.
  using WalHook = std::function<bool(int walFrames)>;
  // Replaces SQLite's automatic checkpoint by `hook`; an empty hook restores
  // it. Not while a statement runs on this connection.
  void setWalHook(WalHook hook);

  // Copies this connection's database, as one read snapshot, into a new
  // SQLite file at `path` (sqlite3_backup_step(-1)). Throws StorageFailure.
  void backupTo(const std::string& path);

  const std::string& name() const noexcept override { return path_; }

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const noexcept;
  };
  using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

  void configure(const ConnectionOptions& options);
  [[noreturn]] void fail(const std::string& what, int code) const;
  struct Cached;
  const Cached* prepared(std::string_view sql, StorageError& error) noexcept;
  StorageError errorFrom(int code) const;
  void lookUpFailTriggers() noexcept;

  std::string path_;
  // Declared before the cache: statements must be finalized before the
  // session closes, or sqlite3_close refuses and leaks the connection.
  Poco::Data::Session session_;
  sqlite3* db_;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  // What a statement's text mentions, found once when it is prepared.
  struct Mentions {
    bool fail = false;     // OR FAIL, RAISE(FAIL): a failure keeps earlier rows
    bool trigger = false;  // may change which triggers exist
  };
  struct Cached {
    StatementPtr statement;
    Mentions mentions;
  };
  static Mentions mentionsOf(std::string_view sql) noexcept;
  std::unordered_map<std::string, Cached, TextHash, std::equal_to<>> cache_;
  WalHook walHook_;
  // Until looked up, assume the worst: every unit keeps its savepoint.
  bool failTriggers_ = true;
};

}  // namespace wind::storage
