#include "storage/group_writer.h"

#include <pthread.h>
#include <sched.h>

#include <cctype>
#include <exception>
#include <iterator>
#include <string>

namespace wind::storage {
namespace {

bool failed(const StorageError& error) noexcept { return error.kind != StorageError::Kind::none; }

// A unit's own BEGIN/COMMIT/ROLLBACK/SAVEPOINT/RELEASE would end or tangle
// the batch transaction that other callers' units share.
bool equalsIgnoringCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != static_cast<unsigned char>(b[i]))
      return false;
  }
  return true;
}

bool controlsTransaction(std::string_view sql) noexcept {
  const auto start = sql.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  const std::string_view rest = sql.substr(start);
  const std::string_view word = rest.substr(0, rest.find_first_of(" \t\r\n;"));
  for (std::string_view keyword : {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"}) {
    if (equalsIgnoringCase(word, keyword)) return true;
  }
  return false;
}

}  // namespace

GroupWriter::GroupWriter(std::unique_ptr<Connection> connection, BatchLimits limits)
    : limits_(limits), connection_(std::move(connection)), thread_([this] { loop(); }) {}

GroupWriter::~GroupWriter() {
  {
    const std::lock_guard lock(queueMutex_);
    stopping_ = true;
  }
  queueReady_.notify_one();
  thread_.join();
}

WriteResult GroupWriter::write(std::span<const Statement> statements) noexcept {
  if (statements.empty()) return {};
  return runAndWait(statements);
}

void GroupWriter::flush() noexcept { runAndWait({}); }

WriteResult GroupWriter::runAndWait(std::span<const Statement> statements) noexcept {
  try {
    // Woken under `mutex`: the writer cannot touch the waiter once this
    // caller saw `done` and returned (the waiter lives on this stack).
    struct Waiter {
      std::mutex mutex;
      std::condition_variable ready;
      bool done = false;
      WriteResult result;
    } waiter;
    auto unit = std::make_unique<Unit>();
    unit->statements = statements;
    unit->done = [&waiter](WriteResult result) {
      const std::lock_guard lock(waiter.mutex);
      waiter.result = std::move(result);
      waiter.done = true;
      waiter.ready.notify_one();
    };
    enqueue(std::move(unit));
    std::unique_lock lock(waiter.mutex);
    waiter.ready.wait(lock, [&waiter] { return waiter.done; });
    return std::move(waiter.result);
  } catch (const std::exception& e) {
    return {{}, {StorageError::Kind::other, e.what()}};
  }
}

void GroupWriter::writeAsync(std::vector<Statement> statements, Completion done) noexcept {
  UnitPtr unit;
  try {
    unit = std::make_unique<Unit>();
    unit->owned = std::move(statements);
    unit->statements = unit->owned;
    unit->done = std::move(done);
  } catch (const std::exception& e) {
    // Out of memory before the unit exists: answer inline.
    if (done) done({{}, {StorageError::Kind::other, e.what()}});
    return;
  }
  if (unit->statements.empty()) {
    const UnitPtr units[] = {std::move(unit)};
    complete(units);
    return;
  }
  enqueue(std::move(unit));
}

void GroupWriter::enqueue(UnitPtr unit) noexcept {
  StorageError refused{StorageError::Kind::other, "storage is shutting down"};
  try {
    const std::lock_guard lock(queueMutex_);
    if (!stopping_) {
      queue_.push_back(std::move(unit));
      // Notified under the lock: once the unit is queued the writer may
      // commit it and the destructor may run; this call must not touch
      // members after unlocking.
      queueReady_.notify_one();
      return;
    }
  } catch (const std::exception& e) {
    refused.message = e.what();
  }
  if (!unit) return;  // queued after all (only the notification threw)
  unit->result.error = std::move(refused);
  const UnitPtr units[] = {std::move(unit)};
  complete(units);
}

std::size_t GroupWriter::queuedUnits() {
  const std::lock_guard lock(queueMutex_);
  return queue_.size();
}

void GroupWriter::loop() {
  // SCHED_BATCH: a wake-up of this thread does not preempt the thread that
  // queued the unit. On a core shared with an event loop, the loop then
  // finishes its iteration, queuing every frame's unit, and the next batch
  // commits them all; otherwise each enqueue would switch to the writer and
  // commit a handful of units at a time. Best effort: without it (not
  // Linux, or refused) only batching suffers.
  const sched_param batch{};
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
  std::unique_lock lock(queueMutex_);
  for (;;) {
    queueReady_.wait(lock, [this] { return !queue_.empty() || stopping_; });
    // Stopping only once the queue is drained: an enqueued unit always commits.
    if (queue_.empty()) return;
    lock.unlock();
    runBatch();
    lock.lock();
  }
}

std::size_t GroupWriter::take(std::vector<UnitPtr>& batch, std::size_t& statements) {
  const std::lock_guard lock(queueMutex_);
  std::size_t taken = 0;
  while (!queue_.empty()) {
    const std::size_t size = queue_.front()->statements.size();
    if (statements > 0 && statements + size > limits_.maxBatchStatements) break;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
    statements += size;
    ++taken;
  }
  return taken;
}

void GroupWriter::requeueFront(std::span<UnitPtr> units) {
  const std::lock_guard lock(queueMutex_);
  queue_.insert(queue_.begin(), std::make_move_iterator(units.begin()),
                std::make_move_iterator(units.end()));
}

void GroupWriter::failUnits(Units units, const StorageError& error) {
  for (const UnitPtr& unit : units) {
    if (failed(unit->result.error)) continue;
    unit->result.changes.clear();
    unit->result.error = error;
  }
}

void GroupWriter::complete(Units units) noexcept {
  // Each done() is taken out before it runs, so a second pass runs none twice.
  const auto completeAll = [units] {
    for (const UnitPtr& unit : units) {
      if (!unit->done) continue;
      const Completion done = std::move(unit->done);
      unit->done = nullptr;
      try {
        done(std::move(unit->result));
      } catch (...) {
        // A completion must not throw; one that does cannot stop the others.
      }
    }
  };
  if (!limits_.completionScope) {
    completeAll();
    return;
  }
  try {
    limits_.completionScope(completeAll);
  } catch (...) {
    // The scope itself failed (out of memory): run what it did not.
    completeAll();
  }
}

void GroupWriter::runBatch() {
  std::vector<UnitPtr> batch;
  const std::lock_guard connectionLock(connectionMutex_);
  try {
    std::size_t statements = 0;
    if (take(batch, statements) == 0) return;
    const auto began = std::chrono::steady_clock::now();
    const auto deadline = began + limits_.maxBatchDelay;

    if (auto error = connection_->begin(); failed(error)) {
      failUnits(batch, error);
      complete(batch);
      return;
    }
    std::size_t executed = 0;
    for (;;) {
      for (; executed < batch.size(); ++executed) {
        if (runUnit(*batch[executed])) continue;
        // The engine ended the whole transaction (SQLite on SQLITE_FULL, a
        // lost PostgreSQL connection): the units before lost their work too;
        // the ones not yet run go again, in the next batch (which reconnects).
        const Units ran(batch.data(), executed + 1);
        failUnits(ran, batch[executed]->result.error);
        requeueFront(std::span<UnitPtr>(batch).subspan(executed + 1));
        complete(ran);
        return;
      }
      if (statements >= limits_.maxBatchStatements) break;
      if (std::chrono::steady_clock::now() >= deadline) break;
      if (take(batch, statements) == 0) break;
    }

    if (auto error = connection_->run("COMMIT", {}, nullptr); failed(error)) {
      if (!connection_->autocommit()) connection_->run("ROLLBACK", {}, nullptr);
      failUnits(batch, error);
    } else if (limits_.onCommit) {
      limits_.onCommit(statements, std::chrono::duration_cast<std::chrono::microseconds>(
                                       std::chrono::steady_clock::now() - began));
    }
    complete(batch);
  } catch (const std::exception& e) {
    // Only allocation can throw here; answer every taken caller rather than
    // leaving it blocked.
    if (!connection_->autocommit()) connection_->run("ROLLBACK", {}, nullptr);
    failUnits(batch, {StorageError::Kind::other, e.what()});
    complete(batch);
  }
}

bool GroupWriter::runUnit(Unit& unit) {
  // A savepoint makes SQLite copy every page the unit touches into its
  // sub-journal first; for one statement the engine undoes by itself that
  // copy was a fifth of the chat plugin's throughput (PERFORMANCE.md,
  // optimization 13).
  const bool savepoint = unit.statements.size() != 1 ||
                         !connection_->undoesFailedStatement(unit.statements.front().sql);
  if (savepoint) {
    if (auto error = connection_->run("SAVEPOINT unit", {}, nullptr); failed(error)) {
      unit.result.error = error;
      return !connection_->autocommit();
    }
  }
  unit.result.changes.reserve(unit.statements.size());
  for (const Statement& statement : unit.statements) {
    std::int64_t changes = 0;
    auto error = controlsTransaction(statement.sql)
                     ? StorageError{StorageError::Kind::other,
                                    "transaction control is not allowed in a write unit"}
                     : connection_->run(statement.sql, statement.params, nullptr, &changes);
    if (!failed(error)) {
      unit.result.changes.push_back(changes);
      continue;
    }
    unit.result.changes.clear();
    unit.result.error = std::move(error);
    if (connection_->autocommit()) return false;
    if (savepoint) {
      connection_->run("ROLLBACK TO unit", {}, nullptr);
      connection_->run("RELEASE unit", {}, nullptr);
    }
    return true;
  }
  if (savepoint) connection_->run("RELEASE unit", {}, nullptr);
  return true;
}

}  // namespace wind::storage
