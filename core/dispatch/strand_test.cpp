#include "dispatch/strand.h"

#include <gtest/gtest.h>

#include <string>

namespace wind::dispatch {
namespace {

using Outcome = Strand::Outcome;

// A step that appends `name` to `log` and reports `outcome`.
Strand::Step step(std::string& log, char name, Outcome outcome) {
  return [&log, name, outcome] {
    log += name;
    return outcome;
  };
}

const int kLaneA = 1;
const int kLaneB = 2;
constexpr Strand::Lane laneA = &kLaneA;
constexpr Strand::Lane laneB = &kLaneB;

TEST(Strand, RunsInlineWhenIdle) {
  Strand strand;
  std::string log;
  strand.push(nullptr, step(log, 'a', Outcome::finished));
  EXPECT_EQ(log, "a");
  EXPECT_TRUE(strand.idle());
}

TEST(Strand, QueuesBehindAWaitingStepAndKeepsOrder) {
  Strand strand;
  std::string log;
  strand.push(nullptr, step(log, 'a', Outcome::waiting));
  EXPECT_FALSE(strand.idle());
  strand.push(nullptr, step(log, 'b', Outcome::finished));
  strand.push(nullptr, step(log, 'c', Outcome::waiting));
  strand.push(nullptr, step(log, 'd', Outcome::finished));
  EXPECT_EQ(log, "a");
  EXPECT_EQ(strand.queued(), 3u);
  strand.done();
  EXPECT_EQ(log, "abc");  // stops at the next waiting step
  EXPECT_EQ(strand.queued(), 1u);
  strand.done();
  EXPECT_EQ(log, "abcd");
  EXPECT_TRUE(strand.idle());
}

TEST(Strand, AWaitingStepHoldsBackItsOwnLaneToo) {
  Strand strand;
  std::string log;
  strand.push(laneA, step(log, 'a', Outcome::waiting));
  EXPECT_FALSE(strand.admits(laneA));
  strand.push(laneA, step(log, 'b', Outcome::overlapping));
  EXPECT_EQ(log, "a");
  strand.done();
  EXPECT_EQ(log, "ab");
}

TEST(Strand, StepsOfTheLaneOverlapAndOthersWaitForAllOfThem) {
  Strand strand;
  std::string log;
  strand.push(laneA, step(log, 'a', Outcome::overlapping));
  strand.push(laneA, step(log, 'b', Outcome::overlapping));
  strand.push(laneA, step(log, 'c', Outcome::finished));
  EXPECT_EQ(log, "abc");  // all started while a and b are outstanding
  EXPECT_FALSE(strand.admits(laneB));
  EXPECT_FALSE(strand.admits(nullptr));
  strand.push(laneB, step(log, 'x', Outcome::finished));
  strand.push(laneA, step(log, 'd', Outcome::overlapping));  // behind x: waits too
  EXPECT_EQ(log, "abc");
  strand.overlapDone();
  EXPECT_EQ(log, "abc");  // b is still outstanding
  strand.overlapDone();
  EXPECT_EQ(log, "abcxd");
  EXPECT_FALSE(strand.idle());  // d is outstanding
  strand.overlapDone();
  EXPECT_TRUE(strand.idle());
}

TEST(Strand, QueuedStepsOfTheLaneStartTogetherOnceTheWayIsClear) {
  Strand strand;
  std::string log;
  strand.push(nullptr, step(log, 'w', Outcome::waiting));
  strand.push(laneA, step(log, 'a', Outcome::overlapping));
  strand.push(laneA, step(log, 'b', Outcome::overlapping));
  strand.push(nullptr, step(log, 'z', Outcome::finished));
  strand.done();
  EXPECT_EQ(log, "wab");  // z waits for a and b
  strand.overlapDone();
  strand.overlapDone();
  EXPECT_EQ(log, "wabz");
}

TEST(Strand, AtMostKMaxOverlappingAreOutstanding) {
  Strand strand;
  std::string log;
  for (int i = 0; i < Strand::kMaxOverlapping; ++i) {
    strand.push(laneA, step(log, 'a', Outcome::overlapping));
  }
  EXPECT_EQ(log.size(), std::size_t{Strand::kMaxOverlapping});
  EXPECT_FALSE(strand.admits(laneA));
  strand.push(laneA, step(log, 'b', Outcome::overlapping));
  EXPECT_EQ(log.back(), 'a');
  strand.overlapDone();
  EXPECT_EQ(log.back(), 'b');
}

TEST(Strand, ClearDropsQueuedStepsAndOutstandingOnes) {
  Strand strand;
  std::string log;
  strand.push(laneA, step(log, 'a', Outcome::overlapping));
  strand.push(nullptr, step(log, 'b', Outcome::finished));
  strand.clear();
  EXPECT_TRUE(strand.idle());
  strand.overlapDone();
  strand.done();
  EXPECT_EQ(log, "a");
}

TEST(Strand, RunNowWithBorrowedState) {
  Strand strand;
  int calls = 0;
  ASSERT_TRUE(strand.admits(nullptr));
  strand.runNow(nullptr, [&] {
    ++calls;
    return Outcome::finished;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(strand.idle());
}

}  // namespace
}  // namespace wind::dispatch
