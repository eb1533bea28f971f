#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace wind::auth {
namespace {

class FakeClock final : public ids::Clock {
 public:
  std::int64_t nowMicros() const noexcept override { return now; }
  void advanceSeconds(double seconds) { now += static_cast<std::int64_t>(seconds * 1e6); }
  std::int64_t now = 1'700'000'000'000'000;
};

TEST(SlidingWindowLimiter, BlocksAtTheLimitWithinTheWindow) {
  FakeClock clock;
  SlidingWindowLimiter limiter(3, std::chrono::seconds{60}, clock);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.blockedFor("k"));
    limiter.record("k");
  }
  const auto blocked = limiter.blockedFor("k");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->count(), 60);
  EXPECT_FALSE(limiter.blockedFor("other"));
}

TEST(SlidingWindowLimiter, WindowSlidesEventByEvent) {
  FakeClock clock;
  SlidingWindowLimiter limiter(2, std::chrono::seconds{60}, clock);
  limiter.record("k");  // t=0
  clock.advanceSeconds(30);
  limiter.record("k");         // t=30
  clock.advanceSeconds(10.5);  // t=40.5: first leaves at 60
  auto blocked = limiter.blockedFor("k");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->count(), 20);  // 19.5 s rounded up
  clock.advanceSeconds(19.5);       // t=60: first event is out
  EXPECT_FALSE(limiter.blockedFor("k"));
  limiter.record("k");  // t=60; now 30 and 60 in window
  blocked = limiter.blockedFor("k");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->count(), 30);
}

TEST(SlidingWindowLimiter, RetryAfterIsAtLeastOneSecond) {
  FakeClock clock;
  SlidingWindowLimiter limiter(1, std::chrono::seconds{1}, clock);
  limiter.record("k");
  clock.advanceSeconds(0.9999);
  const auto blocked = limiter.blockedFor("k");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->count(), 1);
}

TEST(SlidingWindowLimiter, SurvivesAClockSteppingBack) {
  FakeClock clock;
  SlidingWindowLimiter limiter(1, std::chrono::seconds{10}, clock);
  limiter.record("k");
  clock.advanceSeconds(-5);
  const auto blocked = limiter.blockedFor("k");
  ASSERT_TRUE(blocked);
  EXPECT_GE(blocked->count(), 10);
}

TEST(SlidingWindowLimiter, ZeroLimitIsOff) {
  FakeClock clock;
  SlidingWindowLimiter limiter(0, std::chrono::seconds{60}, clock);
  for (int i = 0; i < 5; ++i) limiter.record("k");
  EXPECT_FALSE(limiter.blockedFor("k"));
}

TEST(SlidingWindowLimiter, KeyCountStaysBoundedAndForgetsExpiredKeys) {
  FakeClock clock;
  SlidingWindowLimiter limiter(1, std::chrono::seconds{10}, clock, 4);
  limiter.record("a");
  clock.advanceSeconds(11);
  for (const char* key : {"b", "c", "d", "e"}) limiter.record(key);
  EXPECT_TRUE(limiter.blockedFor("e"));
  EXPECT_TRUE(limiter.blockedFor("b"));  // only expired keys were swept
  EXPECT_FALSE(limiter.blockedFor("a"));
}

}  // namespace
}  // namespace wind::auth
