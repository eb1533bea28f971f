#pragma once
// argon2id password hashing (libsodium crypto_pwhash_str) on a small bounded
// worker pool: at most `threads` + 1 hashes run at once and at most
// `maxQueued` wait, so a login storm costs bounded CPU and memory and callers
// beyond the bound are refused at once (the HTTP layer answers 503) instead
// of piling up.
//
// The `threads` workers run in the SCHED_IDLE class: they take only CPU that
// nothing else wants, so a login storm cannot delay chat traffic. Should
// other work keep the CPU busy, they would barely run at all; when they
// finished nothing for `rescueAfter` while a job waited that long, one
// rescue worker in the normal class (at nice 19) takes the waiting jobs, so
// logins slow down but do not stall.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace wind::auth {

struct PasswordCost {
  unsigned long long opsLimit;
  std::size_t memLimit;
  // OPSLIMIT/MEMLIMIT_INTERACTIVE: ~64 ms and 64 MiB per hash.
  static PasswordCost interactive() noexcept;
  // The smallest argon2id allows: for tests only.
  static PasswordCost minimum() noexcept;
};

struct HasherLimits {
  // Idle-class workers, at most one per core this process may run on (its
  // CPU affinity when constructed); 0: only the rescue worker (tests).
  unsigned threads = 2;
  std::size_t maxQueued = 64;
  std::chrono::milliseconds rescueAfter{1000};
};

class PasswordHasher {
 public:
  // Every worker's nice value (the lowest), set by each worker on itself;
  // all but the rescue worker also take the SCHED_IDLE policy.
  static constexpr int kHashNice = 19;

  enum class Verdict { match, mismatch, busy };
  struct Check {
    Verdict verdict = Verdict::mismatch;
    bool needsRehash = false;  // a match whose hash used other parameters
  };

  // Starts the workers. Throws std::runtime_error when libsodium cannot start.
  PasswordHasher(PasswordCost cost, HasherLimits limits);
  // Finishes the queued jobs, then joins the workers.
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // Any thread; blocks the caller until a worker is done. nullopt when the
  // queue is full; throws std::runtime_error when libsodium fails (out of memory).
  std::optional<std::string> hash(std::string_view password);
  Check verify(const std::string& storedHash, std::string_view password);

  // Hashes on the calling thread (startup: the dummy hash for unknown emails).
  std::string hashNow(std::string_view password) const;

  // How many idle-class workers run: HasherLimits::threads, capped.
  unsigned idleWorkers() const noexcept { return idleWorkers_; }

 private:
  struct Job {
    std::function<void()> run;
    std::chrono::steady_clock::time_point queued;
  };

  bool tryPost(std::function<void()> job);
  void work();
  void rescue();
  // Takes the oldest job and runs it with `lock` (on mutex_, held, jobs_
  // not empty) released; returns with it held again.
  void runFront(std::unique_lock<std::mutex>& lock);

  const PasswordCost cost_;
  const std::size_t maxQueued_;
  const std::chrono::milliseconds rescueAfter_;
  const unsigned idleWorkers_;
  std::mutex mutex_;
  std::condition_variable ready_;        // a job was queued, or stopping
  std::condition_variable rescueReady_;  // the same, for the rescue worker
  std::deque<Job> jobs_;
  std::chrono::steady_clock::time_point lastIdleFinish_{};  // an idle-class worker's last job
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace wind::auth
