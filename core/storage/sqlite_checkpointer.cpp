#include "storage/sqlite_checkpointer.h"

#include <pthread.h>
#include <sched.h>

namespace wind::storage {

SqliteCheckpointer::SqliteCheckpointer(const ConnectionOptions& options, CheckpointLimits limits)
    : connection_(options), limits_(limits), thread_([this] { run(); }) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

bool SqliteCheckpointer::committed(int walFrames) noexcept {
  if (walFrames >= limits_.limit) return true;
  // Under steady writes a PASSIVE checkpoint never catches up with the
  // writer, so the WAL does not start over until the writer's own
  // checkpoint at `limit`. Asking after every commit ran checkpoints back to
  // back all the way there (about 960 a second at 10,000 messages/s, each
  // with two fdatasyncs: a third of the core). So ask once per `threshold`
  // frames written, and after every commit only in the last `threshold`
  // frames before the limit, where it keeps what the writer's checkpoint
  // copies and syncs (and every message behind it waits for) small.
  if (walFrames < requestedAt_) requestedAt_ = 0;  // the WAL started over
  const bool nearLimit =
      walFrames >= limits_.threshold && walFrames >= limits_.limit - limits_.threshold;
  if (!nearLimit && walFrames - requestedAt_ < limits_.threshold) return false;
  requestedAt_ = walFrames;
  if (!requested_.load(std::memory_order_relaxed) &&
      !requested_.exchange(true, std::memory_order_acq_rel)) {
    { const std::lock_guard lock(mutex_); }
    wake_.notify_one();
  }
  return false;
}

void SqliteCheckpointer::run() {
  // Like the writer: a wake-up of this thread must not preempt the event
  // loop that shares its core; the checkpoint is never urgent.
  const sched_param batch{};
  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || requested_.load(std::memory_order_acquire); });
    if (stopping_) return;
    lock.unlock();
    requested_.store(false, std::memory_order_release);
    // A failure (busy: the writer is checkpointing at its limit) leaves the
    // frames for the next request.
    (void)connection_.exec("PRAGMA wal_checkpoint(PASSIVE)");
    done_.fetch_add(1, std::memory_order_relaxed);
    lock.lock();
  }
}

}  // namespace wind::storage
