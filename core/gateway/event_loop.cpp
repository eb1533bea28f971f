#include "gateway/event_loop.h"

#include <Poco/Logger.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "gateway/codec.h"
#include "gateway/connection.h"

namespace wind::gateway {
namespace {

// The outermost WakeBatch open on this thread, if any. Per thread by nature:
// it marks a stretch of this thread's own calls, like a transaction scope.
thread_local WakeBatch* currentWakeBatch = nullptr;

constexpr std::uint64_t kWakeKey = 0;  // connection ids are never 0
constexpr int kMaxEvents = 256;
constexpr std::size_t kReadBufferBytes = 256 * 1024;
constexpr std::uint32_t kMaxSlots = 1U << 24;
constexpr std::uint32_t kMaxSerial = (1U << 31) - 1;
// While shutting down the loop wakes at least this often to check the grace period.
constexpr int kShutdownPollMs = 10;
constexpr std::uint32_t kReadEvents = EPOLLIN | EPOLLRDHUP;

std::uint32_t slotOf(sdk::ConnectionId id) noexcept {
  return static_cast<std::uint32_t>((sdk::value(id) >> 8) & (kMaxSlots - 1));
}

sdk::ConnectionId makeId(std::uint32_t serial, std::uint32_t slot, std::uint8_t loop) noexcept {
  return sdk::ConnectionId{(std::uint64_t{serial} << 32) | (std::uint64_t{slot} << 8) | loop};
}

[[noreturn]] void throwErrno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

std::uint8_t loopIndexOf(sdk::ConnectionId id) noexcept {
  return static_cast<std::uint8_t>(sdk::value(id) & 0xFF);
}

EventLoop::EventLoop(std::uint8_t index, const LoopSettings& settings, SessionFactory& sessions,
                     Poco::Logger& logger, SteadyClock clock, std::atomic<std::size_t>& live)
    : index_(index),
      settings_(settings),
      sessions_(sessions),
      logger_(logger),
      clock_(std::move(clock)),
      live_(live),
      readBuffer_(new char[kReadBufferBytes]) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_ < 0) throwErrno("epoll_create1");
  wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_ < 0) {
    ::close(epoll_);
    throwErrno("eventfd");
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeKey;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &event) != 0) {
    ::close(wake_);
    ::close(epoll_);
    throwErrno("epoll_ctl(eventfd)");
  }
}

EventLoop::~EventLoop() {
  if (thread_.joinable()) {
    beginShutdown();
    thread_.join();
  }
  // Work never run (loop not started, or stopped) still holds sockets.
  for (Task& task : inbox_) {
    if (task.kind == Task::Kind::adopt) {
      ::close(task.fd);
      releaseReservation(task.peer);
    }
  }
  ::close(wake_);
  ::close(epoll_);
}

void EventLoop::start() {
  thread_ = std::thread([this] { run(); });
}

void EventLoop::adopt(int fd, std::string peer, std::string pending) {
  load_.fetch_add(1, std::memory_order_relaxed);
  Task task;
  task.kind = Task::Kind::adopt;
  task.fd = fd;
  task.peer = std::move(peer);
  task.text = std::move(pending);
  try {
    enqueue(std::move(task));
  } catch (...) {
    load_.fetch_sub(1, std::memory_order_relaxed);
    throw;
  }
}

void EventLoop::post(sdk::ConnectionId id, Work work) {
  Task task;
  task.kind = Task::Kind::work;
  task.id = id;
  task.work = std::move(work);
  enqueue(std::move(task));
}

void EventLoop::send(sdk::ConnectionId id, std::string frame) {
  Task task;
  task.kind = Task::Kind::text;
  task.id = id;
  task.text = std::move(frame);
  enqueue(std::move(task));
}

void EventLoop::beginShutdown() {
  Task task;
  task.kind = Task::Kind::shutdown;
  enqueue(std::move(task));
}

void EventLoop::join() {
  if (thread_.joinable()) thread_.join();
}

void EventLoop::enqueue(Task task) {
  bool wasEmpty = false;
  {
    std::lock_guard lock(inboxMutex_);
    wasEmpty = inbox_.empty();
    inbox_.push_back(std::move(task));
  }
  // The loop swaps the whole inbox out each iteration, so one wake-up per
  // empty-to-non-empty transition is enough.
  if (!wasEmpty) return;
  if (currentWakeBatch != nullptr) {
    try {
      currentWakeBatch->defer(*this);
      return;
    } catch (...) {
      // Out of memory while noting the loop: wake it now.
    }
  }
  wake();
}

void EventLoop::wake() noexcept {
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_, &one, sizeof one);
}

WakeBatch::WakeBatch() noexcept : outer_(currentWakeBatch) {
  if (outer_ == nullptr) currentWakeBatch = this;
}

WakeBatch::~WakeBatch() {
  if (outer_ != nullptr) return;
  currentWakeBatch = nullptr;
  for (EventLoop* loop : loops_) loop->wake();
}

void WakeBatch::defer(EventLoop& loop) {
  if (std::find(loops_.begin(), loops_.end(), &loop) == loops_.end()) loops_.push_back(&loop);
}

void EventLoop::run() {
  std::vector<epoll_event> events(kMaxEvents);
  for (;;) {
    const int ready = ::epoll_wait(epoll_, events.data(), kMaxEvents, pollTimeoutMs());
    if (ready < 0 && errno != EINTR) {
      logger_.error("gateway loop %d: epoll_wait failed: %s", static_cast<int>(index_),
                    std::string(std::strerror(errno)));
      break;
    }
    runInbox();
    for (int i = 0; i < ready; ++i) {
      const epoll_event& event = events[static_cast<std::size_t>(i)];
      dispatch(event.data.u64, event.events);
    }
    runTimers();
    runCloseTimers();
    flushRequested();
    teardownDoomed();
    if (shuttingDown_ && (load_.load(std::memory_order_relaxed) == 0 ||
                          std::chrono::steady_clock::now() >= shutdownDeadline_)) {
      break;
    }
  }
  closeAll();
}

int EventLoop::pollTimeoutMs() {
  {
    std::lock_guard lock(inboxMutex_);
    if (!inbox_.empty()) return 0;
  }
  int timeout = shuttingDown_ ? kShutdownPollMs : -1;
  while (!timers_.empty()) {
    const Timer& top = timers_.front();
    Connection* connection = find(top.id);
    if (connection == nullptr || !connection->timerCurrent(top.when)) {
      std::pop_heap(timers_.begin(), timers_.end(), std::greater<>{});
      timers_.pop_back();
      continue;
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(top.when - now()).count();
    const int ms = static_cast<int>(std::clamp<std::int64_t>(wait, 0, INT_MAX));
    timeout = timeout < 0 ? ms : std::min(timeout, ms);
    break;
  }
  const int closing = closeTimeoutMs();
  if (closing >= 0) timeout = timeout < 0 ? closing : std::min(timeout, closing);
  return timeout;
}

int EventLoop::closeTimeoutMs() const {
  if (closeTimers_.empty()) return -1;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(closeTimers_.front().when -
                                                                 std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, INT_MAX));
}

void EventLoop::runInbox() {
  {
    std::lock_guard lock(inboxMutex_);
    running_.swap(inbox_);
  }
  for (Task& task : running_) runTask(task);
  running_.clear();
}

void EventLoop::runTask(Task& task) {
  switch (task.kind) {
    case Task::Kind::adopt:
      adoptNow(task);
      return;
    case Task::Kind::shutdown:
      startShutdown();
      return;
    case Task::Kind::work:
      if (Connection* connection = find(task.id); connection != nullptr && !connection->doomed()) {
        connection->runWork(task.work);
      }
      return;
    case Task::Kind::text:
      if (Connection* connection = find(task.id); connection != nullptr && !connection->doomed()) {
        connection->sendText(task.text);
      }
      return;
  }
}

void EventLoop::adoptNow(Task& task) {
  if (shuttingDown_ || serial_ >= kMaxSerial ||
      (freeSlots_.empty() && slots_.size() >= kMaxSlots)) {
    ::close(task.fd);
    releaseReservation(task.peer);
    return;
  }
  std::uint32_t slot = 0;
  if (freeSlots_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  }
  const sdk::ConnectionId id = makeId(++serial_, slot, index_);
  slots_[slot] = std::make_unique<Connection>(*this, id, task.fd, std::move(task.peer));
  Connection& connection = *slots_[slot];
  epoll_event event{};
  event.events = kReadEvents;
  event.data.u64 = sdk::value(id);
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, task.fd, &event) != 0) {
    logger_.error("gateway: epoll_ctl(ADD) failed: %s", std::string(std::strerror(errno)));
    connection.drop();
    return;
  }
  connection.open(sessions_);
  if (!task.text.empty() && !connection.doomed())
    connection.receive(task.text.data(), task.text.size());
}

void EventLoop::startShutdown() {
  if (shuttingDown_) return;
  shuttingDown_ = true;
  shutdownDeadline_ = std::chrono::steady_clock::now() + settings_.shutdownGrace;
  for (auto& slot : slots_) {
    if (slot && !slot->doomed()) slot->close(close_code::goingAway, "Server shutting down.");
  }
}

void EventLoop::dispatch(std::uint64_t key, std::uint32_t events) {
  if (key == kWakeKey) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto got = ::read(wake_, &count, sizeof count);
    return;
  }
  Connection* connection = find(sdk::ConnectionId{key});
  if (connection == nullptr || connection->doomed()) return;
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
    connection->onReadable(readBuffer_.get(), kReadBufferBytes);
  }
  if ((events & EPOLLOUT) != 0 && !connection->doomed()) connection->flush();
}

void EventLoop::runTimers() {
  if (timers_.empty()) return;
  const SteadyTime current = now();
  while (!timers_.empty() && timers_.front().when <= current) {
    const Timer timer = timers_.front();
    std::pop_heap(timers_.begin(), timers_.end(), std::greater<>{});
    timers_.pop_back();
    if (Connection* connection = find(timer.id); connection != nullptr && !connection->doomed()) {
      connection->onTimer(timer.when);
    }
  }
}

void EventLoop::runCloseTimers() {
  if (closeTimers_.empty()) return;
  const auto current = std::chrono::steady_clock::now();
  while (!closeTimers_.empty() && closeTimers_.front().when <= current) {
    const Timer timer = closeTimers_.front();
    std::pop_heap(closeTimers_.begin(), closeTimers_.end(), std::greater<>{});
    closeTimers_.pop_back();
    // Still here after the timeout: the peer never finished the close.
    if (Connection* connection = find(timer.id); connection != nullptr) connection->abort();
  }
}

void EventLoop::armCloseTimer(Connection& connection) {
  closeTimers_.push_back(
      Timer{std::chrono::steady_clock::now() + settings_.closeTimeout, connection.id()});
  std::push_heap(closeTimers_.begin(), closeTimers_.end(), std::greater<>{});
}

void EventLoop::requestFlush(Connection& connection) { toFlush_.push_back(&connection); }

void EventLoop::flushRequested() {
  // Connections may queue more output while others flush (never their own
  // list entry): index, don't iterate.
  for (std::size_t i = 0; i < toFlush_.size(); ++i) {
    Connection* connection = toFlush_[i];
    if (!connection->doomed()) connection->flush();
  }
  toFlush_.clear();
}

void EventLoop::armTimer(Connection& connection, SteadyTime when) {
  timers_.push_back(Timer{when, connection.id()});
  std::push_heap(timers_.begin(), timers_.end(), std::greater<>{});
}

bool EventLoop::setWriteInterest(Connection& connection, bool enabled) {
  epoll_event event{};
  event.events = kReadEvents | (enabled ? EPOLLOUT : 0U);
  event.data.u64 = sdk::value(connection.id());
  return ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd(), &event) == 0;
}

void EventLoop::requestTeardown(Connection& connection) { doomed_.push_back(&connection); }

void EventLoop::teardownDoomed() {
  // onClosed() may doom further connections (never itself twice): index.
  for (std::size_t i = 0; i < doomed_.size(); ++i) teardown(*doomed_[i]);
  doomed_.clear();
}

void EventLoop::teardown(Connection& connection) noexcept {
  const std::uint32_t slot = slotOf(connection.id());
  connection.finish();
  const std::string peer = connection.peer();
  slots_[slot].reset();  // closes the socket, which also leaves the epoll set
  freeSlots_.push_back(slot);
  releaseReservation(peer);
}

void EventLoop::closeAll() noexcept {
  for (auto& slot : slots_) {
    if (slot && !slot->doomed()) slot->drop();
  }
  teardownDoomed();
  std::lock_guard lock(inboxMutex_);
  for (Task& task : inbox_) {
    if (task.kind == Task::Kind::adopt) {
      ::close(task.fd);
      releaseReservation(task.peer);
    }
  }
  inbox_.clear();
}

Connection* EventLoop::find(sdk::ConnectionId id) const noexcept {
  if (loopIndexOf(id) != index_) return nullptr;
  const std::uint32_t slot = slotOf(id);
  if (slot >= slots_.size()) return nullptr;
  Connection* connection = slots_[slot].get();
  return connection != nullptr && connection->id() == id ? connection : nullptr;
}

void EventLoop::releaseReservation(const std::string& peer) noexcept {
  load_.fetch_sub(1, std::memory_order_relaxed);
  live_.fetch_sub(1, std::memory_order_relaxed);
  if (settings_.addressSlots != nullptr) settings_.addressSlots->release(hostOf(peer));
}

}  // namespace wind::gateway
