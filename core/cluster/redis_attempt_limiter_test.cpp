// Login attempt limits shared through a private redis-server.
#include "cluster/redis_attempt_limiter.h"

#include <gtest/gtest.h>

#include "ids/clock.h"
#include "log/logging.h"
#include "private_redis.h"

namespace wind::cluster {
namespace {

using namespace std::chrono_literals;

class RedisAttemptLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PrivateRedis::available()) GTEST_SKIP() << "redis-server is not installed";
    redis_ = std::make_unique<testing::PrivateRedis>();
  }
  std::unique_ptr<RedisAttemptLimiter> makeLimiter(unsigned limit) {
    return std::make_unique<RedisAttemptLimiter>(redis_->address(), limit, 60s, clock_,
                                                 log::get("wind.test"));
  }
  ids::SystemClock clock_;
  std::unique_ptr<testing::PrivateRedis> redis_;
};

TEST_F(RedisAttemptLimiterTest, AttemptsOnEveryNodeCountTowardsOneLimit) {
  auto node1 = makeLimiter(3), node2 = makeLimiter(3);
  node1->record("addr:10.0.0.1");
  node1->record("addr:10.0.0.1");
  EXPECT_EQ(node2->blockedFor("addr:10.0.0.1"), std::nullopt);
  node2->record("addr:10.0.0.1");
  const auto blocked = node1->blockedFor("addr:10.0.0.1");
  ASSERT_TRUE(blocked);
  EXPECT_GE(*blocked, 1s);
  EXPECT_LE(*blocked, 60s);
  EXPECT_TRUE(node2->blockedFor("addr:10.0.0.1"));
  EXPECT_EQ(node2->blockedFor("addr:10.0.0.2"), std::nullopt);
  EXPECT_EQ(redis_->command({"GET", "wind:login:addr:10.0.0.1"}), "3");
  node2->setLimit(0);  // off
  EXPECT_EQ(node2->blockedFor("addr:10.0.0.1"), std::nullopt);
}

TEST_F(RedisAttemptLimiterTest, WithoutRedisEachNodeCountsItsOwn) {
  auto node1 = makeLimiter(2);
  node1->record("email:x");
  redis_->kill9();
  EXPECT_EQ(node1->blockedFor("email:x"), std::nullopt);
  node1->record("email:x");  // local count is 2 now
  EXPECT_TRUE(node1->blockedFor("email:x"));
}

}  // namespace
}  // namespace wind::cluster
