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
#include <utility>

namespace wind::dispatch {

class Strand {
 public:
  // Runs on the loop thread when it reaches the head. Returns true when it
  // finished there, false when a worker will finish it (then done() follows).
  using Step = std::function<bool()>;

  // Nothing in flight and nothing queued: a step may run at once, inline,
  // without being copied into the queue.
  bool idle() const noexcept { return !inFlight_ && queue_.empty(); }
  std::size_t queued() const noexcept { return queue_.size(); }

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
    queue_.push_back(std::move(step));
  }

  // The step in flight finished on a worker; runs queued steps until one
  // goes to a worker again.
  void done() {
    inFlight_ = false;
    while (!inFlight_ && !queue_.empty()) {
      Step step = std::move(queue_.front());
      queue_.pop_front();
      runNow(step);
    }
  }

  // Drops queued steps and forgets the one in flight (the connection is
  // closing; a late completion must not restart anything).
  void clear() noexcept {
    queue_.clear();
    inFlight_ = false;
  }

 private:
  std::deque<Step> queue_;
  bool inFlight_ = false;
};

}  // namespace wind::dispatch
