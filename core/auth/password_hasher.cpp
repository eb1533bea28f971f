#include "auth/password_hasher.h"

#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <future>
#include <stdexcept>

namespace wind::auth {

PasswordCost PasswordCost::interactive() noexcept {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum() noexcept {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

namespace {

// More idle-class workers than cores only take turns on them, each hash with
// its own 64 MiB: every hash takes longer, and the memory traffic on the core
// the event loop shares doubles (one pinned core: the login storm, T6 in
// PERFORMANCE.md). New threads inherit the constructing thread's affinity.
unsigned coresAllowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordCost cost, HasherLimits limits)
    : cost_(cost),
      maxQueued_(limits.maxQueued),
      rescueAfter_(limits.rescueAfter),
      idleWorkers_(std::min(limits.threads, coresAllowed())) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  for (unsigned i = 0; i < idleWorkers_; ++i) workers_.emplace_back([this] { work(); });
  workers_.emplace_back([this] { rescue(); });
}

PasswordHasher::~PasswordHasher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  rescueReady_.notify_all();
  for (auto& worker : workers_) worker.join();
}

std::string PasswordHasher::hashNow(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost_.opsLimit, cost_.memLimit) !=
      0) {
    throw std::runtime_error("password hashing failed (out of memory)");
  }
  return out;
}

std::optional<std::string> PasswordHasher::hash(std::string_view password) {
  auto task = std::make_shared<std::packaged_task<std::string()>>(
      [this, copy = std::string(password)]() mutable {
        auto result = hashNow(copy);
        sodium_memzero(copy.data(), copy.size());
        return result;
      });
  auto result = task->get_future();
  if (!tryPost([task] { (*task)(); })) return std::nullopt;
  return result.get();
}

PasswordHasher::Check PasswordHasher::verify(const std::string& storedHash,
                                             std::string_view password) {
  auto task = std::make_shared<std::packaged_task<Check()>>(
      [this, storedHash, copy = std::string(password)]() mutable {
        Check check;
        if (crypto_pwhash_str_verify(storedHash.c_str(), copy.data(), copy.size()) == 0) {
          check.verdict = Verdict::match;
          check.needsRehash = crypto_pwhash_str_needs_rehash(storedHash.c_str(), cost_.opsLimit,
                                                             cost_.memLimit) != 0;
        }
        sodium_memzero(copy.data(), copy.size());
        return check;
      });
  auto result = task->get_future();
  if (!tryPost([task] { (*task)(); })) return {Verdict::busy, false};
  return result.get();
}

bool PasswordHasher::tryPost(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || jobs_.size() >= maxQueued_) return false;
    jobs_.push_back({std::move(job), std::chrono::steady_clock::now()});
  }
  ready_.notify_one();
  rescueReady_.notify_one();
  return true;
}

void PasswordHasher::runFront(std::unique_lock<std::mutex>& lock) {
  Job job = std::move(jobs_.front());
  jobs_.pop_front();
  lock.unlock();
  job.run();
  lock.lock();
}

namespace {

// Raising one's own nice value, and entering SCHED_IDLE, need no privilege.
void lowerPriority(bool idleClass) {
  [[maybe_unused]] const int ignored =
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), PasswordHasher::kHashNice);
  if (!idleClass) return;
  const sched_param none{};
  (void)::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &none);
}

}  // namespace

void PasswordHasher::work() {
  // Hashing is the one CPU-heavy job the server runs on request. In the idle
  // class a waking event loop preempts a hash at once, where nice 19 alone
  // still let it run out its slice (DM p99 +93–169 % in a login storm,
  // against +1–4 %; PERFORMANCE.md, optimization 6).
  lowerPriority(true);
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;
    runFront(lock);
    lastIdleFinish_ = std::chrono::steady_clock::now();
  }
}

void PasswordHasher::rescue() {
  // Normal class, nice 19: under CPU pressure from other work it still gets
  // a share. It steps in only when the idle-class workers finished nothing
  // for `rescueAfter` while a job waited that long: starved, not merely
  // busy. In a login storm with CPU to spare they finish a hash every few
  // tens of milliseconds, and the rescue worker stays out of the loop's way.
  lowerPriority(false);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      if (stopping_) return;
      rescueReady_.wait(lock);
      continue;
    }
    const auto due = std::max(jobs_.front().queued, lastIdleFinish_) + rescueAfter_;
    if (!stopping_ && std::chrono::steady_clock::now() < due) {
      rescueReady_.wait_until(lock, due);
      continue;
    }
    runFront(lock);
  }
}

}  // namespace wind::auth
