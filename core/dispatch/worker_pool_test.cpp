#include "dispatch/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <stdexcept>

namespace wind::dispatch {
namespace {

TEST(WorkerPool, ThreadCountFromConfig) {
  EXPECT_EQ(WorkerPool::threadsFor(3), 3u);
  EXPECT_GE(WorkerPool::threadsFor(0), 16u);
}

TEST(WorkerPool, RunsEveryTaskBeforeShutdownReturns) {
  std::atomic<int> done{0};
  WorkerPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(pool.submit([&] { done.fetch_add(1); }));
  }
  pool.shutdown();
  EXPECT_EQ(done.load(), 1000);
  EXPECT_FALSE(pool.submit([] {}));
}

TEST(WorkerPool, RunsTasksOnSeveralThreadsConcurrently) {
  WorkerPool pool(2);
  std::promise<void> firstStarted;
  std::promise<void> release;
  auto releaseFuture = release.get_future().share();
  pool.submit([&] {
    firstStarted.set_value();
    releaseFuture.wait();
  });
  firstStarted.get_future().wait();
  // The first worker is blocked; the second must still run this.
  std::promise<void> second;
  pool.submit([&] { second.set_value(); });
  second.get_future().wait();
  release.set_value();
  pool.shutdown();
  SUCCEED();
}

TEST(WorkerPool, ThrowingTaskDoesNotKillTheWorker) {
  WorkerPool pool(1);
  pool.submit([] { throw std::runtime_error("bad"); });
  std::promise<int> after;
  pool.submit([&] { after.set_value(7); });
  EXPECT_EQ(after.get_future().get(), 7);
}

}  // namespace
}  // namespace wind::dispatch
