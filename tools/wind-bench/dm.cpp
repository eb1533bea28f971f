#include "dm.h"

#include <charconv>
#include <cstdio>

#include "clock.h"

namespace wind::bench {

DmLoad::DmLoad(const std::vector<User>& users, Loop& loop, int pairs)
    : AuthedListener(users), loop_(loop), pairs_(pairs) {}

bool DmLoad::connect(double timeoutSeconds) {
  const int count = 2 * pairs_;
  if (static_cast<int>(users_.size()) < count) {
    std::fprintf(stderr, "dm: %d pairs need %d users in the state file, have %zu\n", pairs_, count,
                 users_.size());
    return false;
  }
  for (int i = 0; i < count; ++i) loop_.add(*this);
  loop_.runUntil([&] { return ready_ + loop_.failedCount() >= count; },
                 nowNs() + static_cast<std::int64_t>(timeoutSeconds * 1e9));
  return ready_ == count;
}

void DmLoad::onReady(WsConn& conn) {
  conn.peer = conn.index() ^ 1;
  conn.roomId = users_[static_cast<std::size_t>(conn.index())].id ^
                users_[static_cast<std::size_t>(conn.peer)].id;
}

void DmLoad::send(WsConn& from, std::int64_t scheduledNs) {
  frame_.assign(R"({"type":"chat","payload":{"type":"send","chat_id":")");
  frame_ += std::to_string(from.roomId);
  frame_ += R"(","content":"m)";
  frame_ += std::to_string(from.index());
  frame_ += '.';
  frame_ += std::to_string(scheduledNs);
  frame_ += '.';
  frame_ += std::to_string(++seq_);
  frame_ += "\"}}";
  from.sendText(frame_);
  ++from.inFlight;
  if (scheduledNs >= measureFrom_ && scheduledNs < measureTo_) ++sentMeasured;
}

void DmLoad::onFrame(WsConn& conn, std::string_view text) {
  if (!hasType(text, "chat")) {
    if (hasType(text, "error")) ++errors;
    return;
  }
  const std::string_view content = stringValue(text, "content");
  if (content.size() < 2 || content[0] != 'm') return;
  int sender = 0;
  std::int64_t scheduled = 0;
  const char* end = content.data() + content.size();
  auto parsed = std::from_chars(content.data() + 1, end, sender);
  if (parsed.ptr == end) return;
  std::from_chars(parsed.ptr + 1, end, scheduled);
  if (sender == conn.index()) {
    --conn.inFlight;
    if (closedLoop_ && nowNs() < measureTo_) send(conn, nowNs());
    return;
  }
  if (scheduled >= measureFrom_ && scheduled < measureTo_) {
    ++receivedMeasured;
    if (samples_ != nullptr) samples_->add(nowNs() - scheduled);
  }
}

void DmLoad::runOpen(double rate, double seconds, Samples& samples,
                     const std::function<void()>& extra) {
  auto& conns = loop_.conns();
  const auto interval = static_cast<std::int64_t>(1e9 / rate);
  const std::int64_t start = nowNs();
  const auto warmup = static_cast<std::int64_t>(std::min(1.0, seconds / 5) * 1e9);
  measureFrom_ = start + warmup;
  measureTo_ = measureFrom_ + static_cast<std::int64_t>(seconds * 1e9);
  samples_ = &samples;
  closedLoop_ = false;
  std::int64_t next = start;
  std::size_t sender = 0;
  const auto tick = [&] {
    const std::int64_t now = nowNs();
    while (next <= now && next < measureTo_) {
      while (static_cast<int>(sender / 2) == excludedPair) sender = (sender + 1) % conns.size();
      WsConn& from = *conns[sender];
      sender = (sender + 1) % conns.size();
      if (from.state() == WsConn::State::open) send(from, next);
      next += interval;
    }
    if (extra) extra();
  };
  loop_.runUntil([&] { return false; }, measureTo_, tick, [&] { return next; });
}

double DmLoad::runClosed(int window, double seconds, Samples& samples) {
  auto& conns = loop_.conns();
  const std::int64_t start = nowNs();
  measureFrom_ = start + static_cast<std::int64_t>(std::min(1.0, seconds / 5) * 1e9);
  measureTo_ = measureFrom_ + static_cast<std::int64_t>(seconds * 1e9);
  samples_ = &samples;
  closedLoop_ = true;
  for (auto& conn : conns) {
    if (conn->index() / 2 == excludedPair || conn->state() != WsConn::State::open) continue;
    for (int i = 0; i < window; ++i) send(*conn, nowNs());
  }
  loop_.runUntil([&] { return false; }, measureTo_);
  closedLoop_ = false;
  return static_cast<double>(receivedMeasured) / seconds;
}

void DmLoad::drain(double seconds) {
  loop_.runUntil([&] { return receivedMeasured >= sentMeasured; },
                 nowNs() + static_cast<std::int64_t>(seconds * 1e9));
}

}  // namespace wind::bench
