#include "dispatch/strand.h"

#include <gtest/gtest.h>

#include <string>

namespace wind::dispatch {
namespace {

TEST(Strand, RunsInlineWhenIdle) {
  Strand strand;
  std::string log;
  strand.push([&] {
    log += 'a';
    return true;
  });
  EXPECT_EQ(log, "a");
  EXPECT_TRUE(strand.idle());
}

TEST(Strand, QueuesBehindAnAsyncStepAndKeepsOrder) {
  Strand strand;
  std::string log;
  strand.push([&] {
    log += 'a';
    return false;
  });  // went to a worker
  EXPECT_FALSE(strand.idle());
  strand.push([&] {
    log += 'b';
    return true;
  });
  strand.push([&] {
    log += 'c';
    return false;
  });
  strand.push([&] {
    log += 'd';
    return true;
  });
  EXPECT_EQ(log, "a");
  EXPECT_EQ(strand.queued(), 3u);
  strand.done();
  EXPECT_EQ(log, "abc");  // stops at the next async step
  EXPECT_EQ(strand.queued(), 1u);
  strand.done();
  EXPECT_EQ(log, "abcd");
  EXPECT_TRUE(strand.idle());
}

TEST(Strand, ClearDropsQueuedSteps) {
  Strand strand;
  std::string log;
  strand.push([&] {
    log += 'a';
    return false;
  });
  strand.push([&] {
    log += 'b';
    return true;
  });
  strand.clear();
  EXPECT_TRUE(strand.idle());
  strand.done();
  EXPECT_EQ(log, "a");
}

TEST(Strand, RunNowWithBorrowedState) {
  Strand strand;
  int calls = 0;
  ASSERT_TRUE(strand.idle());
  strand.runNow([&] {
    ++calls;
    return true;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(strand.idle());
}

}  // namespace
}  // namespace wind::dispatch
