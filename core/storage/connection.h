#pragma once
// What the writer thread, the reader pool and the migrations need of one
// database connection, whatever the engine (SQLite or PostgreSQL). A
// connection is used by one thread at a time: the writer thread owns one,
// the reader pool lends the others out.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"

namespace wind::storage {

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one statement with `params` bound in order to its `?` placeholders.
  // Rows go to `rows` when it is non-null; `changes` receives the number of
  // rows the statement wrote (0 for a read).
  virtual StorageError run(std::string_view sql, std::span<const Value> params,
                           std::vector<Row>* rows, std::int64_t* changes = nullptr) noexcept = 0;

  // Runs migration text (one or more statements, no parameters) written in
  // the portable subset; the engine adapts the column types it needs to.
  virtual StorageError exec(const std::string& sql) noexcept = 0;

  // Starts the transaction of a batch or a migration: the engine's way of
  // taking the write lock up front (SQLite: BEGIN IMMEDIATE).
  virtual StorageError begin() noexcept = 0;

  // True outside any transaction. After a failed statement the writer checks
  // it: an engine that ended the whole transaction (SQLite on SQLITE_FULL, a
  // lost PostgreSQL connection) took the batch's earlier units with it.
  virtual bool autocommit() const noexcept = 0;

  // True when the engine itself undoes everything `sql` changed if `sql`
  // fails inside an open transaction, and leaves that transaction usable
  // (or ends it, which autocommit() then shows). The writer runs a unit of
  // one such statement without a savepoint of its own. Called on the
  // writer's thread before each one-statement unit; must be cheap.
  virtual bool undoesFailedStatement(std::string_view sql) const noexcept = 0;

  // Names the database in messages (a path, or host/port/database; never a password).
  virtual const std::string& name() const noexcept = 0;
};

}  // namespace wind::storage
