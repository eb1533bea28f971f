#include "session/rate_limiter.h"

#include <gtest/gtest.h>

namespace wind::session {
namespace {

using namespace std::chrono_literals;

const gateway::SteadyTime kStart{std::chrono::hours(1)};

TEST(TokenBucket, StartsFullAndRefillsAtTheRate) {
  TokenBucket bucket(10, 3, kStart);
  EXPECT_TRUE(bucket.tryTake(kStart));
  EXPECT_TRUE(bucket.tryTake(kStart));
  EXPECT_TRUE(bucket.tryTake(kStart));
  EXPECT_FALSE(bucket.tryTake(kStart));
  EXPECT_EQ(bucket.retryAfter(kStart), 100ms);
  EXPECT_EQ(bucket.retryAfter(kStart + 40ms), 60ms);
  EXPECT_FALSE(bucket.tryTake(kStart + 99ms));
  EXPECT_TRUE(bucket.tryTake(kStart + 100ms));
  EXPECT_FALSE(bucket.tryTake(kStart + 100ms));
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(10, 2, kStart);
  const auto later = kStart + 1h;
  EXPECT_TRUE(bucket.tryTake(later));
  EXPECT_TRUE(bucket.tryTake(later));
  EXPECT_FALSE(bucket.tryTake(later));
}

TEST(TokenBucket, RetryAfterRoundsUpToWholeMilliseconds) {
  TokenBucket bucket(3, 1, kStart);
  EXPECT_TRUE(bucket.tryTake(kStart));
  EXPECT_EQ(bucket.retryAfter(kStart), 334ms);
}

TEST(TokenBucket, ZeroRateIsUnlimited) {
  TokenBucket bucket(0, 1, kStart);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bucket.tryTake(kStart));
}

TEST(RefusalWindow, TwentyOneWithinTenSecondsTrips) {
  RefusalWindow window;
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(window.record(kStart + i * 100ms));
  EXPECT_TRUE(window.record(kStart + 2s));
}

TEST(RefusalWindow, OldRefusalsExpire) {
  RefusalWindow window;
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(window.record(kStart));
  // The first twenty are exactly 10 s old: outside the window.
  EXPECT_FALSE(window.record(kStart + 10s));
  for (int i = 0; i < 19; ++i) EXPECT_FALSE(window.record(kStart + 10s));
  EXPECT_TRUE(window.record(kStart + 10s));
}

TEST(RefusalWindow, SpreadOutRefusalsNeverTrip) {
  RefusalWindow window;
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(window.record(kStart + i * 500ms));
}

}  // namespace
}  // namespace wind::session
