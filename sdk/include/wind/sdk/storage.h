#pragma once
// The storage API a plugin uses for its own tables.
//
// Each plugin owns tables named `<plugin>_<table>` and never touches another's.
// Schema changes are migrations the plugin declares in PluginInfo; the server
// runs the pending ones in a transaction at startup, before create().
// SQL is the portable subset of SQLite and PostgreSQL, with `?` placeholders;
// values are always bound, never spliced into the text. The server runs the
// same text on either backend (storage.driver); docs/storage.md has the
// details. The subset:
//  - Column types INTEGER (64-bit; BIGINT on PostgreSQL), REAL (8-byte float;
//    DOUBLE PRECISION), TEXT. No BLOB, no type-less columns, no AUTOINCREMENT:
//    an INTEGER PRIMARY KEY is never filled in for you, insert the id
//    (snowflake ids from the host).
//  - Booleans as INTEGER 0/1; times as INTEGER microseconds or seconds.
//  - Standard statements: CREATE TABLE/INDEX, ALTER TABLE ADD COLUMN, INSERT,
//    UPDATE, DELETE, SELECT with JOIN, UNION ALL, subqueries (with an alias),
//    EXISTS, ORDER BY, LIMIT ?, count/min/max/sum, lower(), ||,
//    INSERT … ON CONFLICT(col) DO UPDATE/NOTHING.
//  - Not: INSERT OR REPLACE/IGNORE, REPLACE INTO, PRAGMA, typeof(), rowid,
//    last_insert_rowid(), RETURNING, strftime(), GLOB, double-quoted strings
//    ('text' only), transaction statements (BEGIN/COMMIT/SAVEPOINT).
//  - One statement per query()/write() entry; `?` inside '…' is text, not a
//    placeholder. Each value carries its type (integer, double, text); a NULL
//    takes its type from where it is used (a column, coalesce(?, 0)), so a
//    bare `SELECT ? IS NULL` is not portable.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wind/sdk/visibility.h"

namespace wind::sdk {

using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Row = std::vector<Value>;

struct Migration {
  int version = 0;  // 1, 2, 3, … applied in order, each once
  std::string sql;  // one or more statements
};

struct Statement {
  std::string sql;
  std::vector<Value> params;
};

struct StorageError {
  enum class Kind { none, constraint, busy, full, other };
  Kind kind = Kind::none;
  std::string message;
};

struct QueryResult {
  std::vector<Row> rows;
  StorageError error;
  bool ok() const noexcept { return error.kind == StorageError::Kind::none; }
};

struct WriteResult {
  std::vector<std::int64_t> changes;  // rows changed, per statement
  StorageError error;
  bool ok() const noexcept { return error.kind == StorageError::Kind::none; }
};

// Owned by the server; valid for the plugin's whole life. Every method may be
// called from any thread concurrently; query() and write() block the caller
// (so never call them on an event loop), writeAsync() never does.
class WIND_SDK_VISIBLE Storage {
 public:
  virtual ~Storage() = default;

  // Reads with a pooled read connection; sees every committed write.
  virtual QueryResult query(std::string_view sql, std::span<const Value> params) noexcept = 0;

  // Runs `statements` as one atomic unit (all or none) and returns only once
  // it is committed durably (group commit with other writers). A constraint
  // violation rolls back this unit only and reports Kind::constraint.
  virtual WriteResult write(std::span<const Statement> statements) noexcept = 0;

  // The same atomic, durable unit without waiting: returns at once; the
  // storage owns `statements` and calls `done` exactly once with the result
  // after the unit's group commit (or its failure). `done` runs on the
  // storage's writer thread (or inline, on the caller's thread, when the
  // unit is refused at once, e.g. during shutdown): it must be quick, must
  // not block and must not call write() or query(); Host::sendToUser,
  // Host::sendToConnection and DeferredReply are fine. The default (for
  // storages without a writer thread) runs write() and then `done` inline.
  virtual void writeAsync(std::vector<Statement> statements,
                          std::function<void(WriteResult)> done) noexcept {
    WriteResult result = write(statements);
    if (done) done(std::move(result));
  }
};

// Reads column `i` of `row` as an integer / string; throws std::bad_variant_access on type
// mismatch.
inline std::int64_t integerAt(const Row& row, std::size_t i) {
  return std::get<std::int64_t>(row.at(i));
}
inline const std::string& textAt(const Row& row, std::size_t i) {
  return std::get<std::string>(row.at(i));
}
inline bool isNullAt(const Row& row, std::size_t i) {
  return std::holds_alternative<std::monostate>(row.at(i));
}

}  // namespace wind::sdk
