#pragma once
// The per-connection strand (ARCHITECTURE.md §2 step 3), kept on the event
// loop side so it needs no locks: at most one step of a connection is in
// flight at a time; later steps wait in a FIFO. A step that hands work to a
// worker returns false, and the worker's completion (posted back to the
// connection's loop through gateway::Transport::post) calls done(), which
// runs the next queued steps. Owned by the connection's Session; loop
// thread only.

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

namespace wind::dispatch {

class Strand {
 public:
  // Runs on the loop thread when it reaches the head. Returns true when it
  // finished there, false when a worker will finish it (then done() follows).
  using Step = std::function<bool()>;

  // Nothing in flight and nothing queued: a step may run at once, inline,
  // without being copied into the queue.
  bool idle() const noexcept { return !inFlight_ && queued() == 0; }
  std::size_t queued() const noexcept { return queue_ ? queue_->size() : 0; }

  // Runs `step` now. Only when idle(); `step` may borrow views that die
  // when the caller returns, because it runs before that.
  template <typename F>
  void runNow(F&& step) {
    inFlight_ = true;
    if (std::forward<F>(step)()) inFlight_ = false;
  }

  // Runs `step` now when idle, else queues it; it must own what it uses.
  void push(Step step) {
    if (idle()) {
      runNow(step);
      return;
    }
    if (!queue_) queue_ = std::make_unique<std::deque<Step>>();
    queue_->push_back(std::move(step));
  }

  // The step in flight finished on a worker; runs queued steps until one
  // goes to a worker again.
  void done() {
    inFlight_ = false;
    while (!inFlight_ && queued() > 0) {
      Step step = std::move(queue_->front());
      queue_->pop_front();
      runNow(step);
    }
    if (queue_ && queue_->empty()) queue_.reset();
  }

  // Drops queued steps and forgets the one in flight (the connection is
  // closing; a late completion must not restart anything).
  void clear() noexcept {
    queue_.reset();
    inFlight_ = false;
  }

 private:
  // Allocated only while steps wait: an empty libstdc++ deque already holds
  // ~600 bytes, which idle connections should not pay.
  std::unique_ptr<std::deque<Step>> queue_;
  bool inFlight_ = false;
};

}  // namespace wind::dispatch
