#include "auth/password_hasher.h"

#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <sys/resource.h>
#include <unistd.h>

#include <future>
#include <stdexcept>

namespace wind::auth {

PasswordCost PasswordCost::interactive() noexcept {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum() noexcept {
  return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(PasswordCost cost, HasherLimits limits)
    : cost_(cost), maxQueued_(limits.maxQueued) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialize");
  const unsigned threads = limits.threads == 0 ? 1 : limits.threads;
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

PasswordHasher::~PasswordHasher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
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
    jobs_.push_back(std::move(job));
  }
  ready_.notify_one();
  return true;
}

void PasswordHasher::work() {
  // Hashing is the one CPU-heavy job the server runs on request. At the
  // lowest priority a login storm takes only the CPU that chat traffic
  // leaves idle, so it cannot move message latency; logins wait instead.
  // SCHED_IDLE is what does it: a waking event loop preempts an idle-class
  // thread at once, where nice 19 alone still let a hash run out its slice
  // (DM p99 +93–169 % in a storm, against +1–4 %; PERFORMANCE.md, T6). Nice
  // 19 stays for kernels that refuse SCHED_IDLE. Lowering one's own
  // priority needs no privilege.
  [[maybe_unused]] const int ignored =
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kHashNice);
  const sched_param none{};
  (void)::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &none);
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

}  // namespace wind::auth
