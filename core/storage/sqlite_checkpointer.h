#pragma once
// Checkpoints an SQLite database in WAL mode on its own thread and
// connection, so that most of the writer's commits never wait for one.
// SQLite's automatic checkpoint runs inside the commit that crosses 1000 WAL
// frames: it copies the pages into the database file and syncs both files,
// a stall of 1–5 ms on this kind of machine every few hundred commits, which
// every message queued behind that commit waits for. Here the writer's
// commit only signals; a PASSIVE checkpoint here does not block the writer.
// SQLite starts the WAL over only when a write begins with everything
// copied, which under steady writes this thread never achieves; so the
// writer still checkpoints itself at `limit` frames, and the WAL stays
// bounded, but finds little left to copy there.
//
// Owned by the SQLite database next to its writer; committed() is the
// writer connection's WalHook (writer thread); the rest is internal.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "storage/sqlite_connection.h"

namespace wind::storage {

struct CheckpointLimits {
  int threshold = 1000;  // WAL frames written that start a checkpoint here (SQLite's default)
  int limit = 10000;     // WAL frames at which the writer checkpoints itself
};

class SqliteCheckpointer {
 public:
  // Opens its own connection to `options.path` (throws StorageFailure) and
  // starts the thread.
  SqliteCheckpointer(const ConnectionOptions& options, CheckpointLimits limits);
  // Stops the thread after the checkpoint in progress, if any.
  ~SqliteCheckpointer();
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;

  // After each commit of the writer (writer thread): asks for a checkpoint
  // each time the WAL grew by `threshold` frames since the last request (or
  // since it started over), and after every commit once it holds within
  // `threshold` frames of `limit`; true when it holds `limit` (the writer
  // checkpoints now). Never blocks.
  bool committed(int walFrames) noexcept;

  // Checkpoints finished on this thread (any thread; for tests).
  std::uint64_t checkpoints() const noexcept { return done_.load(std::memory_order_relaxed); }

 private:
  void run();

  SqliteConnection connection_;
  const CheckpointLimits limits_;
  int requestedAt_ = 0;  // WAL frames at the last request; writer thread only
  std::atomic<bool> requested_{false};
  std::atomic<std::uint64_t> done_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace wind::storage
