#pragma once
// Keeps a connection's answers in frame order (PROTOCOL.md §3.1 rule 4)
// while answers of pipelined frames (sdk::TypeSpec::pipelined) are deferred:
// each such answer reserves its place, answers of later frames are held
// behind it, and everything is released in order as the places fill, in
// whatever order their commits finish. Empty and unallocated otherwise, so
// idle connections pay one pointer and two counters. Owned by the connection's
// Session; loop thread only.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace wind::dispatch {

class AnswerOrder {
 public:
  // Never 0; unique among the places of one connection (at most a few
  // hundred are open at once, so wrapping around is harmless).
  using Id = std::uint32_t;

  // Some reserved place is still empty: new answers must be held.
  bool holding() const noexcept { return slots_ != nullptr; }
  // Frames held (for bounding what one connection may pile up).
  std::size_t heldFrames() const noexcept { return heldFrames_; }

  // The id the next reserve() returns: known before a handler runs, so its
  // deferred completion can name its place.
  Id nextId() const noexcept { return lastId_ + 1 == 0 ? 1 : lastId_ + 1; }
  // Reserves the place of a deferred answer, behind everything held.
  Id reserve() {
    if (!slots_) slots_ = std::make_unique<std::deque<Slot>>();
    lastId_ = nextId();
    slots_->push_back(Slot{lastId_, false, {}});
    return lastId_;
  }

  // An answer given at once while holding(): it waits behind the reserved places.
  void hold(std::string frame) {
    if (slots_->back().ready) {
      slots_->back().frames.push_back(std::move(frame));
    } else {
      slots_->push_back(Slot{0, true, {}});
      slots_->back().frames.push_back(std::move(frame));
    }
    ++heldFrames_;
  }

  // Fills the place `id` with its frames, then passes every frame that is
  // no longer behind an empty place to `send(const std::string&)`, in order.
  // An unknown id (dropped by clear()) is ignored. `send` may call clear().
  template <typename Send>
  void fill(Id id, std::vector<std::string> frames, Send&& send) {
    if (!slots_) return;
    for (Slot& slot : *slots_) {
      if (slot.id != id) continue;
      heldFrames_ += static_cast<std::uint32_t>(frames.size());
      slot.frames = std::move(frames);
      slot.ready = true;
      break;
    }
    while (slots_ && !slots_->empty() && slots_->front().ready) {
      const Slot slot = std::move(slots_->front());
      slots_->pop_front();
      heldFrames_ -= static_cast<std::uint32_t>(slot.frames.size());
      for (const std::string& frame : slot.frames) send(frame);
    }
    if (slots_ && slots_->empty()) slots_.reset();
  }

  // Forgets everything held (the connection is closing).
  void clear() noexcept {
    slots_.reset();
    heldFrames_ = 0;
  }

 private:
  struct Slot {
    Id id;  // 0: frames answered at once, ready from the start
    bool ready;
    std::vector<std::string> frames;
  };
  std::unique_ptr<std::deque<Slot>> slots_;
  // 32-bit counters keep the whole object at 16 bytes: every idle
  // connection carries one.
  std::uint32_t heldFrames_ = 0;
  Id lastId_ = 0;
};

}  // namespace wind::dispatch
