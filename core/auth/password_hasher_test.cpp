#include "auth/password_hasher.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

namespace wind::auth {
namespace {

TEST(PasswordHasher, HashVerifiesAndRejectsOtherPasswords) {
  PasswordHasher hasher(PasswordCost::minimum(), {});
  const auto hash = hasher.hash("correct horse");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hasher.verify(*hash, "correct horse").verdict, PasswordHasher::Verdict::match);
  EXPECT_EQ(hasher.verify(*hash, "wrong horse").verdict, PasswordHasher::Verdict::mismatch);
  EXPECT_EQ(hasher.verify("not a hash", "x").verdict, PasswordHasher::Verdict::mismatch);
}

// Threads of this process at nice `nice` (field 19 of /proc/self/task/*/stat)
// and with scheduling policy `policy` (field 41).
int threadsAt(int nice, int policy) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
    std::string field;
    std::string niceField;
    for (int i = 3; i <= 41 && fields >> field; ++i) {
      if (i == 19) niceField = field;
    }
    if (niceField == std::to_string(nice) && field == std::to_string(policy)) ++count;
  }
  return count;
}

TEST(PasswordHasher, WorkersRunAtTheLowestPriority) {
  if (::getpriority(PRIO_PROCESS, 0) == PasswordHasher::kHashNice)
    GTEST_SKIP() << "the test itself runs at nice 19";
  constexpr int kNice = PasswordHasher::kHashNice;
  const int idleBefore = threadsAt(kNice, SCHED_IDLE);
  const int normalBefore = threadsAt(kNice, SCHED_OTHER);
  PasswordHasher hasher(PasswordCost::minimum(), {.threads = 3, .maxQueued = 8});
  ASSERT_TRUE(hasher.hash("warm up"));
  const int idle = static_cast<int>(hasher.idleWorkers());
  ASSERT_GE(idle, 1);
  // Each worker lowers itself when it starts; give the others a moment.
  for (int i = 0; i < 200 && (threadsAt(kNice, SCHED_IDLE) < idleBefore + idle ||
                              threadsAt(kNice, SCHED_OTHER) < normalBefore + 1);
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(threadsAt(kNice, SCHED_IDLE), idleBefore + idle);  // the idle-class workers
  EXPECT_EQ(threadsAt(kNice, SCHED_OTHER), normalBefore + 1);  // the rescue worker
}

// Runs `body` with the calling thread's CPU affinity narrowed to its first CPU.
template <typename Body>
void onOneCore(Body body) {
  cpu_set_t all;
  ASSERT_EQ(::sched_getaffinity(0, sizeof all, &all), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  int first = 0;
  while (!CPU_ISSET(first, &all)) ++first;
  CPU_SET(first, &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  body();
  ASSERT_EQ(::sched_setaffinity(0, sizeof all, &all), 0);
}

TEST(PasswordHasher, RunsNoMoreIdleWorkersThanCoresItMayUse) {
  cpu_set_t all;
  ASSERT_EQ(::sched_getaffinity(0, sizeof all, &all), 0);
  {
    PasswordHasher hasher(PasswordCost::minimum(), {.threads = 64});
    EXPECT_EQ(hasher.idleWorkers(), std::min(64u, static_cast<unsigned>(CPU_COUNT(&all))));
  }
  onOneCore([] {
    PasswordHasher hasher(PasswordCost::minimum(), {.threads = 2});
    EXPECT_EQ(hasher.idleWorkers(), 1u);
    const auto hash = hasher.hash("one core");
    ASSERT_TRUE(hash);
    EXPECT_EQ(hasher.verify(*hash, "one core").verdict, PasswordHasher::Verdict::match);
  });
  PasswordHasher none(PasswordCost::minimum(), {.threads = 0});
  EXPECT_EQ(none.idleWorkers(), 0u);
}

TEST(PasswordHasher, TheRescueWorkerTakesAJobNobodyElseReached) {
  // No idle-class workers at all: the job is done only if the rescue worker
  // takes it once it waited rescueAfter.
  const auto rescueAfter = std::chrono::milliseconds(100);
  PasswordHasher hasher(PasswordCost::minimum(),
                        {.threads = 0, .maxQueued = 8, .rescueAfter = rescueAfter});
  const auto start = std::chrono::steady_clock::now();
  const auto hash = hasher.hash("stalled");
  ASSERT_TRUE(hash);
  EXPECT_GE(std::chrono::steady_clock::now() - start, rescueAfter);
  EXPECT_EQ(hasher.verify(*hash, "stalled").verdict, PasswordHasher::Verdict::match);
}

TEST(PasswordHasher, SaltsEachHash) {
  PasswordHasher hasher(PasswordCost::minimum(), {});
  EXPECT_NE(*hasher.hash("same"), *hasher.hash("same"));
}

TEST(PasswordHasher, ReportsRehashWhenParametersChanged) {
  PasswordHasher weak(PasswordCost::minimum(), {});
  PasswordHasher stronger({PasswordCost::minimum().opsLimit + 1, PasswordCost::minimum().memLimit},
                          {});
  const auto hash = *weak.hash("pw");
  EXPECT_FALSE(weak.verify(hash, "pw").needsRehash);
  const auto check = stronger.verify(hash, "pw");
  EXPECT_EQ(check.verdict, PasswordHasher::Verdict::match);
  EXPECT_TRUE(check.needsRehash);
}

TEST(PasswordHasher, RefusesBeyondTheQueueBound) {
  // The bound is checked before a job may wait: a bound of 0 refuses all.
  PasswordHasher hasher(PasswordCost::minimum(), {1, 0});
  EXPECT_FALSE(hasher.hash("x"));
  EXPECT_EQ(hasher.verify("h", "x").verdict, PasswordHasher::Verdict::busy);
}

TEST(PasswordHasher, ConcurrentCallersAllGetAnswers) {
  PasswordHasher hasher(PasswordCost::minimum(), {2, 64});
  std::vector<std::future<std::optional<std::string>>> results;
  for (int i = 0; i < 16; ++i)
    results.push_back(std::async(std::launch::async, [&] { return hasher.hash("p"); }));
  for (auto& result : results) EXPECT_TRUE(result.get());
}

}  // namespace
}  // namespace wind::auth
