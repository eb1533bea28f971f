#include "storage/sqlite_connection.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <type_traits>

namespace wind::storage {
namespace {

// SQLite's default wal_autocheckpoint.
constexpr int kSqliteAutoCheckpointFrames = 1000;

// Beyond this many distinct SQL texts the cache is dropped and refilled: the
// server uses a fixed set of statements, so hitting it means SQL is being
// built dynamically and caching would only grow memory.
constexpr std::size_t kMaxCachedStatements = 512;

Poco::Data::Session openSession(const std::string& path) {
  try {
    // Poco 1.11 retries a failed sqlite3_open_v2 until this "login timeout"
    // (60 s by default); a failure to open is not transient, so try once.
    Poco::Data::SQLite::Connector connector;
    return Poco::Data::Session(connector.createSession(path, 0));
  } catch (const Poco::Exception& e) {
    throw StorageFailure("storage: cannot open database '" + path + "': " + e.displayText());
  }
}

void bindValue(sqlite3_stmt* statement, int index, const Value& value, int& rc) noexcept {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          rc = sqlite3_bind_null(statement, index);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          rc = sqlite3_bind_int64(statement, index, v);
        } else if constexpr (std::is_same_v<T, double>) {
          rc = sqlite3_bind_double(statement, index, v);
        } else {
          // SQLITE_STATIC: the caller's params outlive the step; bindings are
          // cleared before the statement goes back to the cache.
          rc =
              sqlite3_bind_text64(statement, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
        }
      },
      value);
}

Value columnValue(sqlite3_stmt* statement, int column) {
  switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
      return std::int64_t{sqlite3_column_int64(statement, column)};
    case SQLITE_FLOAT:
      return sqlite3_column_double(statement, column);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(statement, column));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, column));
      return size == 0 ? std::string() : std::string(blob, size);
    }
    default:
      return std::monostate{};
  }
}

// Puts a statement back into its initial state whatever happened, so the
// next user of the cached statement starts clean.
class ResetGuard {
 public:
  explicit ResetGuard(sqlite3_stmt* statement) : statement_(statement) {}
  ~ResetGuard() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  sqlite3_stmt* statement_;
};

bool failed(const StorageError& error) noexcept { return error.kind != StorageError::Kind::none; }

// Case-insensitive, as SQL keywords are; `upperWord` is in capitals. ASCII
// only, without std::toupper's locale lookup per character.
bool mentions(std::string_view sql, std::string_view upperWord) noexcept {
  const auto upper = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; };
  return std::search(sql.begin(), sql.end(), upperWord.begin(), upperWord.end(),
                     [&](char a, char b) { return upper(a) == b; }) != sql.end();
}

constexpr const char* kFailTriggers =
    "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%FAIL%' UNION ALL "
    "SELECT 1 FROM sqlite_temp_master WHERE type = 'trigger' AND sql LIKE '%FAIL%'";

}  // namespace

StorageError::Kind errorKindOf(int sqliteCode) noexcept {
  switch (sqliteCode & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return StorageError::Kind::none;
    case SQLITE_CONSTRAINT:
      return StorageError::Kind::constraint;
    case SQLITE_FULL:
      return StorageError::Kind::full;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StorageError::Kind::busy;
    default:
      return StorageError::Kind::other;
  }
}

void SqliteConnection::StatementDeleter::operator()(sqlite3_stmt* statement) const noexcept {
  sqlite3_finalize(statement);
}

SqliteConnection::SqliteConnection(const ConnectionOptions& options)
    : path_(options.path),
      session_(openSession(options.path)),
      db_(Poco::Data::SQLite::Utility::dbHandle(session_)) {
  configure(options);
}

SqliteConnection::~SqliteConnection() = default;

void SqliteConnection::configure(const ConnectionOptions& options) {
  if (sqlite3_busy_timeout(db_, static_cast<int>(options.busyTimeout.count())) != SQLITE_OK) {
    fail("cannot set the busy timeout", sqlite3_errcode(db_));
  }
  // Reading the schema is the first access to the file: a file that is not a
  // database (or has a corrupt header) fails here with SQLITE_NOTADB.
  std::vector<Row> rows;
  if (auto error = run("SELECT count(*) FROM sqlite_master", {}, &rows); failed(error)) {
    fail("cannot read the schema (" + error.message + ")", sqlite3_errcode(db_));
  }
  if (sqlite3_db_readonly(db_, "main") == 1 && !options.readOnly) {
    fail("the file is not writable", SQLITE_READONLY);
  }
  rows.clear();
  if (auto error = run("PRAGMA journal_mode=WAL", {}, &rows); failed(error)) {
    fail("cannot switch to WAL (" + error.message + ")", sqlite3_errcode(db_));
  }
  if (rows.size() != 1 || rows[0].size() != 1 || rows[0][0] != Value{std::string("wal")}) {
    fail("the file does not support WAL mode", SQLITE_ERROR);
  }
  const std::string pragmas = std::string("PRAGMA synchronous=") +
                              (options.synchronousFull ? "FULL" : "NORMAL") +
                              "; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=67108864;" +
                              (options.readOnly ? " PRAGMA query_only=ON;" : "");
  if (auto error = exec(pragmas); failed(error)) {
    fail("cannot apply connection settings (" + error.message + ")", sqlite3_errcode(db_));
  }
}

void SqliteConnection::fail(const std::string& what, int code) const {
  std::string reason = what;
  if (errorKindOf(code) == StorageError::Kind::busy) {
    reason += "; the database is locked by another connection or process";
  }
  throw StorageFailure("storage: database '" + path_ + "': " + reason);
}

StorageError SqliteConnection::errorFrom(int code) const {
  return StorageError{errorKindOf(code), sqlite3_errmsg(db_)};
}

const SqliteConnection::Cached* SqliteConnection::prepared(std::string_view sql,
                                                           StorageError& error) noexcept {
  try {
    if (auto it = cache_.find(sql); it != cache_.end()) return &it->second;
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    StatementPtr statement(raw);
    if (rc != SQLITE_OK) {
      error = errorFrom(rc);
      return nullptr;
    }
    if (statement == nullptr) {
      error = {StorageError::Kind::other, "empty SQL statement"};
      return nullptr;
    }
    if (std::string_view(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail))
            .find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      error = {StorageError::Kind::other, "one statement per call: found text after the first"};
      return nullptr;
    }
    if (cache_.size() >= kMaxCachedStatements) cache_.clear();
    Cached cached{std::move(statement), mentionsOf(sql)};
    return &cache_.emplace(std::string(sql), std::move(cached)).first->second;
  } catch (const std::exception& e) {
    error = {StorageError::Kind::other, e.what()};
    return nullptr;
  }
}

StorageError SqliteConnection::run(std::string_view sql, std::span<const Value> params,
                                   std::vector<Row>* rows, std::int64_t* changes) noexcept {
  StorageError error;
  const Cached* cached = prepared(sql, error);
  if (cached == nullptr) return error;
  sqlite3_stmt* statement = cached->statement.get();
  const ResetGuard reset(statement);

  if (static_cast<std::size_t>(sqlite3_bind_parameter_count(statement)) != params.size()) {
    return {StorageError::Kind::other,
            "statement has " + std::to_string(sqlite3_bind_parameter_count(statement)) +
                " placeholders but " + std::to_string(params.size()) + " values were given"};
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    int rc = SQLITE_OK;
    bindValue(statement, static_cast<int>(i + 1), params[i], rc);
    if (rc != SQLITE_OK) return errorFrom(rc);
  }

  try {
    const int columns = sqlite3_column_count(statement);
    for (;;) {
      const int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return errorFrom(rc);
      if (rows == nullptr) continue;
      Row& row = rows->emplace_back();
      row.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(columnValue(statement, c));
    }
  } catch (const std::exception& e) {
    return {StorageError::Kind::other, e.what()};
  }
  const bool wrote = sqlite3_stmt_readonly(statement) == 0;
  if (changes != nullptr) *changes = wrote ? sqlite3_changes64(db_) : 0;
  if (wrote && cached->mentions.trigger) lookUpFailTriggers();
  return {};
}

StorageError SqliteConnection::exec(const std::string& sql) noexcept {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  lookUpFailTriggers();  // migration text may have added or dropped one
  if (rc == SQLITE_OK) return {};
  StorageError error{errorKindOf(rc), message != nullptr ? message : sqlite3_errstr(rc)};
  sqlite3_free(message);
  if (error.kind == StorageError::Kind::none) error.kind = StorageError::Kind::other;
  return error;
}

StorageError SqliteConnection::begin() noexcept { return run("BEGIN IMMEDIATE", {}, nullptr); }

bool SqliteConnection::autocommit() const noexcept { return sqlite3_get_autocommit(db_) != 0; }

bool SqliteConnection::undoesFailedStatement(std::string_view sql) const noexcept {
  if (failTriggers_) return false;
  // Every unit asks: the answer is kept with the prepared statement.
  const auto it = cache_.find(sql);
  const Mentions found = it != cache_.end() ? it->second.mentions : mentionsOf(sql);
  return !found.fail && !found.trigger;
}

SqliteConnection::Mentions SqliteConnection::mentionsOf(std::string_view sql) noexcept {
  return {mentions(sql, "FAIL"), mentions(sql, "TRIGGER")};
}

void SqliteConnection::lookUpFailTriggers() noexcept {
  // A statement of its own, outside the cache: this runs from within run().
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db_, kFailTriggers, -1, &raw, nullptr);
  const StatementPtr statement(raw);
  failTriggers_ = rc != SQLITE_OK || sqlite3_step(raw) != SQLITE_DONE;
}

void SqliteConnection::setWalHook(WalHook hook) {
  walHook_ = std::move(hook);
  if (!walHook_) {
    sqlite3_wal_autocheckpoint(db_, kSqliteAutoCheckpointFrames);
    return;
  }
  sqlite3_wal_hook(
      db_,
      [](void* self, sqlite3* db, const char* schema, int frames) {
        if (static_cast<SqliteConnection*>(self)->walHook_(frames)) {
          // Busy (another checkpoint runs) is no failure: the WAL waits for the next commit.
          sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        }
        return SQLITE_OK;
      },
      this);
}

}  // namespace wind::storage

namespace wind::storage {

void SqliteConnection::backupTo(const std::string& path) {
  // Never overwrite: an operator typing the live database's path by mistake must not lose it.
  std::error_code exists;
  if (std::filesystem::exists(path, exists)) {
    throw StorageFailure("storage: backup target '" + path + "' already exists");
  }
  sqlite3* target = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::string error;
  if (rc == SQLITE_OK) {
    sqlite3_backup* backup = sqlite3_backup_init(target, "main", db_, "main");
    if (backup == nullptr) {
      error = sqlite3_errmsg(target);
    } else {
      // One step of every page: a single read transaction, so one consistent snapshot.
      rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) error = sqlite3_errstr(rc);
    }
  } else {
    error = sqlite3_errstr(rc);
  }
  sqlite3_close(target);
  if (!error.empty()) {
    std::filesystem::remove(path, exists);
    throw StorageFailure("storage: backup to '" + path + "' failed: " + error);
  }
}

}  // namespace wind::storage
