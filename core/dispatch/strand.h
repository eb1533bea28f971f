#pragma once
// The per-connection strand (ARCHITECTURE.md §2 step 3), kept on the event
// loop side so it needs no locks: steps of a connection start in arrival
// order, and normally one at a time. A step that hands work to a worker (or
// defers its answer) returns `waiting`; its completion, posted back to the
// connection's loop through gateway::Transport::post, calls done(), which
// runs the next queued steps.
//
// The exception is a lane: steps of a pipelined type (sdk::TypeSpec::
// pipelined) carry the same non-null lane, and one that deferred returns
// `overlapping`. Later steps of that lane then start at once while it is
// outstanding; any other step waits until every overlapping one called
// overlapDone(). The strand orders starts only: keeping their answers in
// order is the caller's (dispatch::AnswerOrder). Owned by the connection's
// Session; loop thread only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <utility>

namespace wind::dispatch {

class Strand {
 public:
  enum class Outcome {
    finished,     // done on the loop
    waiting,      // a completion follows with done(); nothing else starts meanwhile
    overlapping,  // a completion follows with overlapDone(); later steps of its lane may start
  };
  // Runs on the loop thread when it may start.
  using Step = std::function<Outcome()>;
  // Identifies the steps that may overlap one another; nullptr for none.
  using Lane = const void*;

  // Overlapping steps outstanding at once; a later step of the lane waits.
  static constexpr std::uint8_t kMaxOverlapping = 64;

  // Nothing in flight and nothing queued.
  bool idle() const noexcept { return !inFlight_ && overlapping_ == 0 && queued() == 0; }
  std::size_t queued() const noexcept { return queue_ ? queue_->size() : 0; }

  // Whether a step of `lane` arriving now may start at once.
  bool admits(Lane lane) const noexcept { return queued() == 0 && mayStart(lane); }

  // Runs `step` now. Only when admits(lane); `step` may borrow views that
  // die when the caller returns, because it runs before that.
  template <typename F>
  void runNow(Lane lane, F&& step) {
    // Marked in flight while it runs, so nothing it triggers starts another.
    inFlight_ = true;
    const Outcome outcome = std::forward<F>(step)();
    inFlight_ = outcome == Outcome::waiting;
    if (outcome == Outcome::overlapping) {
      ++overlapping_;
      lane_ = lane;
    }
  }

  // Runs `step` now when admits(lane), else queues it; it must own what it uses.
  void push(Lane lane, Step step) {
    if (admits(lane)) {
      runNow(lane, step);
      return;
    }
    if (!queue_) queue_ = std::make_unique<std::deque<Queued>>();
    queue_->push_back(Queued{lane, std::move(step)});
  }

  // The `waiting` step finished; starts queued steps while they may start.
  void done() {
    inFlight_ = false;
    drain();
  }

  // One `overlapping` step finished; starts queued steps while they may start.
  void overlapDone() {
    if (overlapping_ > 0) --overlapping_;
    if (overlapping_ == 0) lane_ = nullptr;
    drain();
  }

  // Drops queued steps and forgets those in flight (the connection is
  // closing; a late completion must not restart anything).
  void clear() noexcept {
    queue_.reset();
    inFlight_ = false;
    overlapping_ = 0;
    lane_ = nullptr;
  }

 private:
  struct Queued {
    Lane lane;
    Step step;
  };

  bool mayStart(Lane lane) const noexcept {
    if (inFlight_) return false;
    if (overlapping_ == 0) return true;
    return lane != nullptr && lane == lane_ && overlapping_ < kMaxOverlapping;
  }

  void drain() {
    while (queued() > 0 && mayStart(queue_->front().lane)) {
      Queued next = std::move(queue_->front());
      queue_->pop_front();
      runNow(next.lane, next.step);
    }
    if (queue_ && queue_->empty()) queue_.reset();
  }

  // Allocated only while steps wait: an empty libstdc++ deque already holds
  // ~600 bytes, which idle connections should not pay.
  std::unique_ptr<std::deque<Queued>> queue_;
  Lane lane_ = nullptr;           // the lane of the overlapping steps
  std::uint8_t overlapping_ = 0;  // at most kMaxOverlapping
  bool inFlight_ = false;
};

}  // namespace wind::dispatch
