#pragma once
// The single writer thread with group commit. Callers on any thread hand
// over one unit (statements) and either block until the transaction that
// contains it committed (write) or are called back on the writer thread once
// it did (writeAsync); the writer runs every queued unit inside one
// transaction (Connection::begin … COMMIT), each unit under its own savepoint
// (none for a unit of one statement the engine undoes by itself on failure,
// Connection::undoesFailedStatement).
// The engine (SQLite or PostgreSQL) is behind the Connection interface.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "storage/connection.h"
#include "storage/database.h"

namespace wind::storage {

struct BatchLimits {
  // How long a batch may keep taking newly queued units once it started; a
  // batch commits as soon as the queue is empty, so a lone caller waits for
  // its own commit only.
  std::chrono::microseconds maxBatchDelay{2000};
  std::size_t maxBatchStatements = 256;  // a larger unit runs alone
  // Told after each committed batch: its statement count and the time from
  // BEGIN to the end of COMMIT. Writer thread; must not block. May be empty.
  std::function<void(std::size_t statements, std::chrono::microseconds duration)> onCommit;
  // Runs `completeAll` (the done() of every unit of one batch) inside
  // whatever scope the caller needs, on the writer thread; empty: as is.
  CompletionScope completionScope;
};

class GroupWriter {
 public:
  // Owns `connection` and starts the writer thread.
  GroupWriter(std::unique_ptr<Connection> connection, BatchLimits limits);
  // Commits and answers every queued unit, then stops the thread. Callers
  // already blocked in write() get their results; no write() may start once
  // destruction began.
  ~GroupWriter();
  GroupWriter(const GroupWriter&) = delete;
  GroupWriter& operator=(const GroupWriter&) = delete;

  // Told the outcome of an asynchronous unit once its batch committed (or
  // failed). Runs on the writer thread (or on the caller's, inline, when the
  // unit is refused before it is queued); must not block and must not call
  // write() (it would wait for the thread it runs on).
  using Completion = std::function<void(WriteResult)>;

  // Any thread; blocks until the unit's batch committed (or failed).
  WriteResult write(std::span<const Statement> statements) noexcept;

  // Any thread; returns at once. `done` is called exactly once, after the
  // batch holding the unit committed (or failed). The writer owns the
  // statements until then.
  void writeAsync(std::vector<Statement> statements, Completion done) noexcept;

  // Any thread but the writer's; returns once every unit queued before the
  // call has completed (its completion returned). For shutdown: after it,
  // no completion of an earlier writeAsync is still running.
  void flush() noexcept;

  // Units waiting for the writer thread to pick them up (for tests and gauges).
  std::size_t queuedUnits();

  // Runs `fn(Connection&)` with exclusive use of the writer connection,
  // between batches, on the calling thread. For migrations at startup.
  template <typename Fn>
  decltype(auto) withConnection(Fn&& fn) {
    const std::lock_guard lock(connectionMutex_);
    return std::forward<Fn>(fn)(*connection_);
  }

 private:
  // One caller's statements: borrowed from a blocked write() caller, or
  // owned (`owned`) for writeAsync. Owned by the queue, then by the batch,
  // until complete() hands the result to `done`.
  struct Unit {
    std::vector<Statement> owned;
    std::span<const Statement> statements;
    WriteResult result;
    Completion done;
  };
  using UnitPtr = std::unique_ptr<Unit>;
  using Units = std::span<const UnitPtr>;

  void enqueue(UnitPtr unit) noexcept;
  WriteResult runAndWait(std::span<const Statement> statements) noexcept;
  void loop();
  void runBatch();
  std::size_t take(std::vector<UnitPtr>& batch, std::size_t& statements);
  bool runUnit(Unit& unit);
  void requeueFront(std::span<UnitPtr> units);
  static void failUnits(Units units, const StorageError& error);
  void complete(Units units) noexcept;

  const BatchLimits limits_;
  std::mutex connectionMutex_;  // held by a batch or a migration
  std::unique_ptr<Connection> connection_;

  std::mutex queueMutex_;
  std::condition_variable queueReady_;
  std::deque<UnitPtr> queue_;
  bool stopping_ = false;

  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace wind::storage
