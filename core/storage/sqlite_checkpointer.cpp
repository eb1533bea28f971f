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
  if (walFrames < limits_.threshold) return false;
  // One wake-up per request: the commits that follow before the checkpoint
  // starts cost an atomic load each.
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
