#pragma once
// The narrow storage interface of the core, implemented by SQLite (the
// embedded default) and PostgreSQL (several nodes on one database).

#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wind/sdk/storage.h"

namespace wind::storage {

// Wraps the completions of one committed batch (every writeAsync() done and
// write() wake-up of it), on the writer thread: the server holds back the
// event loops' wake-ups until the last one ran (gateway::WakeBatch), so that
// a batch wakes each loop once rather than once per unit. Must call
// `completeAll` exactly once.
using CompletionScope = std::function<void(const std::function<void()>& completeAll)>;

using sdk::Migration;
using sdk::QueryResult;
using sdk::Row;
using sdk::Statement;
using sdk::StorageError;
using sdk::Value;
using sdk::WriteResult;

// Opening or migrating failed; the server reports it and exits non-zero.
class StorageFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  virtual ~Database() = default;

  // Applies the migrations of `owner` ("core" or a plugin's name) whose
  // version is above the recorded one, each in its own transaction, in order.
  // Startup only. Throws StorageFailure.
  virtual void migrate(std::string_view owner, std::span<const Migration> migrations) = 0;

  // Read with a pooled connection. Any thread; blocks the caller.
  virtual QueryResult query(std::string_view sql, std::span<const Value> params) noexcept = 0;

  // One atomic unit, group-committed by the single writer thread with other
  // callers' units (≤ 2 ms or ≤ 256 statements a batch); returns after the
  // batch committed. A failing unit is rolled back alone (savepoint).
  virtual WriteResult write(std::span<const Statement> statements) noexcept = 0;

  // The same unit without blocking: returns at once and calls `done` exactly
  // once with the result after the batch committed (or failed), on the
  // writer thread (or inline on the caller's when refused at once). `done`
  // must not block. The default runs write() on the calling thread (for
  // backends and test doubles without a writer thread).
  virtual void writeAsync(std::vector<Statement> statements,
                          std::function<void(WriteResult)> done) noexcept {
    WriteResult result = write(statements);
    if (done) done(std::move(result));
  }

  // Returns once every writeAsync unit queued before the call has completed
  // (its `done` returned). Shutdown calls it before the plugins whose
  // completions those are go away. Not from a completion. Default: nothing
  // is ever pending.
  virtual void flush() noexcept {}

  // True while a trivial read succeeds (for /readyz).
  virtual bool ping() noexcept = 0;

  // True when reads are local to this process's machine (an embedded
  // engine), false when each is a network round trip. Decides where
  // Execution::eventLoopWhenStorageIsLocal handlers run.
  virtual bool local() const noexcept = 0;

  // Copies a consistent snapshot of the whole database (everything committed
  // before the call began) to a new file at `path`, while serving: SQLite's
  // online backup on a pooled read connection. Any thread; blocks. Throws
  // StorageFailure (the default: a backend without backups).
  virtual void backup(const std::string& path) {
    throw StorageFailure("storage: this backend cannot back up to '" + path + "'");
  }
};

struct SqliteOptions {
  std::string path;
  bool synchronousFull = true;  // false: NORMAL (survives a process crash, not a power loss)
  unsigned readers = 4;
  std::chrono::microseconds maxBatchDelay{2000};
  std::size_t maxBatchStatements = 256;
  // How long a connection waits for a lock held by another one (per
  // connection PRAGMA busy_timeout; Poco's default would be 60 s).
  std::chrono::milliseconds busyTimeout{5000};
  // Told after each committed batch (statements, BEGIN..COMMIT time); for
  // metrics. Writer thread; must not block. May be empty.
  std::function<void(std::size_t statements, std::chrono::microseconds duration)> onCommit;
  CompletionScope completionScope;  // may be empty
  // Every `checkpointFrames` WAL frames written, a thread of its own
  // checkpoints (copies the WAL into the database file); at
  // `writerCheckpointFrames` in the WAL the writer does it itself, which is
  // what lets the WAL start over under steady writes (sqlite_checkpointer.h).
  int checkpointFrames = 1000;
  int writerCheckpointFrames = 10000;
};

// Opens (creating if needed) the database in WAL mode. Throws StorageFailure
// with a clear message when the file is locked, corrupt or unwritable.
std::unique_ptr<Database> openSqlite(const SqliteOptions& options);

struct PostgresOptions {
  // A libpq connection URI (postgresql://user@host:port/db) or key=value string.
  std::string url;
  // Sent as the password when non-empty (read from storage.password_file, so
  // it never sits in the YAML); otherwise the url's, PGPASSWORD or ~/.pgpass.
  std::string password;
  unsigned readers = 4;
  // libpq's connect_timeout when the url sets none: bounds how long a
  // reconnect attempt holds the writer thread while the server is down.
  int connectTimeoutSeconds = 5;
  std::chrono::microseconds maxBatchDelay{2000};
  std::size_t maxBatchStatements = 256;
  std::function<void(std::size_t statements, std::chrono::microseconds duration)> onCommit;
  CompletionScope completionScope;  // may be empty
};

// Connects the writer and `readers` reader connections and creates
// schema_migrations when missing. Same semantics as SQLite: one writer
// thread with group commit (a commit returns once PostgreSQL made it durable,
// synchronous_commit permitting), readers that see every committed write,
// errors mapped from SQLSTATE. A lost server fails the batch in flight; the
// next batch and the next read reconnect; ping() is false meanwhile. No
// backup(): use pg_dump. Throws StorageFailure when the server cannot be
// reached or the url is malformed.
std::unique_ptr<Database> openPostgres(const PostgresOptions& options);

// The password in `path` (its first line; "" when `path` is ""). Throws
// StorageFailure naming the file when it cannot be read.
std::string readPasswordFile(const std::string& path);

}  // namespace wind::storage
