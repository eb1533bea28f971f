#include "ids/snowflake.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wind::ids {
namespace {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t micros) : micros_(micros) {}
  std::int64_t nowMicros() const noexcept override { return micros_.load(); }
  void setMillis(std::int64_t unixMillis) { micros_ = unixMillis * 1000; }

 private:
  std::atomic<std::int64_t> micros_;
};

constexpr std::int64_t kSomeMillis = kEpochMillis + 123'456'789;

TEST(Snowflake, EncodesMillisNodeAndSequence) {
  FakeClock clock(kSomeMillis * 1000 + 999);
  SnowflakeGenerator gen(517, clock);
  const std::uint64_t first = gen.next();
  const std::uint64_t second = gen.next();

  EXPECT_EQ(first >> 63, 0U);
  EXPECT_EQ(SnowflakeGenerator::millisOf(first), kSomeMillis);
  EXPECT_EQ(SnowflakeGenerator::nodeOf(first), 517U);
  EXPECT_EQ(first & 0xFFF, 0U);
  EXPECT_EQ(second, first + 1);
  EXPECT_EQ(first, (static_cast<std::uint64_t>(kSomeMillis - kEpochMillis) << 22) | (517U << 12));
}

TEST(Snowflake, NewMillisecondResetsSequence) {
  FakeClock clock(kSomeMillis * 1000);
  SnowflakeGenerator gen(1, clock);
  gen.next();
  gen.next();
  clock.setMillis(kSomeMillis + 5);
  const std::uint64_t id = gen.next();
  EXPECT_EQ(SnowflakeGenerator::millisOf(id), kSomeMillis + 5);
  EXPECT_EQ(id & 0xFFF, 0U);
}

TEST(Snowflake, MonotonicWhenClockStepsBack) {
  FakeClock clock(kSomeMillis * 1000);
  SnowflakeGenerator gen(3, clock);
  const std::uint64_t before = gen.next();
  clock.setMillis(kSomeMillis - 60'000);
  const std::uint64_t after = gen.next();
  EXPECT_GT(after, before);
  EXPECT_EQ(SnowflakeGenerator::millisOf(after), kSomeMillis);
  EXPECT_EQ(SnowflakeGenerator::nodeOf(after), 3U);

  std::uint64_t last = after;
  for (int i = 0; i < 10'000; ++i) {
    const std::uint64_t id = gen.next();
    ASSERT_GT(id, last);
    last = id;
  }
}

TEST(Snowflake, SequenceExhaustionBorrowsNextMillisecond) {
  FakeClock clock(kSomeMillis * 1000);
  SnowflakeGenerator gen(0, clock);
  std::uint64_t last = 0;
  for (int i = 0; i < 4096; ++i) last = gen.next();
  EXPECT_EQ(last & 0xFFF, 4095U);
  EXPECT_EQ(SnowflakeGenerator::millisOf(last), kSomeMillis);

  const std::uint64_t borrowed = gen.next();
  EXPECT_GT(borrowed, last);
  EXPECT_EQ(SnowflakeGenerator::millisOf(borrowed), kSomeMillis + 1);
  EXPECT_EQ(borrowed & 0xFFF, 0U);

  // When the real clock reaches the borrowed millisecond the sequence continues.
  clock.setMillis(kSomeMillis + 1);
  EXPECT_EQ(gen.next(), borrowed + 1);
}

TEST(Snowflake, ClockBeforeEpochCountsAsEpoch) {
  FakeClock clock(0);
  SnowflakeGenerator gen(2, clock);
  const std::uint64_t id = gen.next();
  EXPECT_EQ(SnowflakeGenerator::millisOf(id), kEpochMillis);
  EXPECT_EQ(SnowflakeGenerator::nodeOf(id), 2U);
}

TEST(Snowflake, NodeIdLimits) {
  FakeClock clock(kSomeMillis * 1000);
  EXPECT_THROW(SnowflakeGenerator(1024, clock), std::invalid_argument);
  SnowflakeGenerator top(1023, clock);
  EXPECT_EQ(SnowflakeGenerator::nodeOf(top.next()), 1023U);
}

TEST(Snowflake, DifferentNodesNeverCollide) {
  FakeClock clock(kSomeMillis * 1000);
  SnowflakeGenerator a(1, clock);
  SnowflakeGenerator b(2, clock);
  std::set<std::uint64_t> ids;
  for (int i = 0; i < 5000; ++i) {
    ids.insert(a.next());
    ids.insert(b.next());
  }
  EXPECT_EQ(ids.size(), 10'000U);
}

TEST(Snowflake, ConcurrentCallersGetUniqueIncreasingIds) {
  FakeClock clock(kSomeMillis * 1000);
  SnowflakeGenerator gen(9, clock);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20'000;
  std::vector<std::vector<std::uint64_t>> perThread(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        perThread[t].push_back(gen.next());
        // One thread moves the clock back and forth while the others draw.
        if (t == 0 && i % 1000 == 0) clock.setMillis(kSomeMillis + (i % 3000) - 1000);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::uint64_t> all;
  for (const auto& ids : perThread) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
    EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace wind::ids
