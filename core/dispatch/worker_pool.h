#pragma once
// A fixed pool of worker threads with one FIFO task queue (ARCHITECTURE.md
// §2 step 3): plugin handlers and token checks run here, never on an event
// loop. Per-connection ordering is not the pool's job (see dispatch::Strand).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wind::dispatch {

class WorkerPool {
 public:
  using Task = std::function<void()>;

  // Starts `threads` workers at once (at least one).
  explicit WorkerPool(unsigned threads);
  // Calls shutdown().
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // server.workers as configured: 0 means max(16, kWorkersPerCore x the cores
  // this process may run on).
  static unsigned threadsFor(unsigned configured) noexcept;
  static constexpr unsigned kWorkersPerCore = 8;

  // Any thread. Queues `task`; it runs on some worker. Tasks must not throw
  // (one that does is caught and dropped, so the worker survives). Returns
  // false, without queuing, once shutdown() has begun.
  bool submit(Task task);

  // Stops accepting tasks, runs the ones already queued, joins the workers.
  // Idempotent. Not from a worker thread.
  void shutdown();

  unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }
  // Tasks queued and not yet started.
  std::size_t pending() const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace wind::dispatch
