#include "cluster/redis_keys.h"

#include <gtest/gtest.h>

namespace wind::cluster::keys {
namespace {

TEST(RedisKeysTest, AddressOfTakesOnlyHostAndPort) {
  EXPECT_EQ(addressOf("redis://127.0.0.1:6379"), "127.0.0.1:6379");
  EXPECT_EQ(addressOf("redis://redis.internal:6380/"), "redis.internal:6380");
  for (const char* bad : {"", "redis://", "redis://host", "redis://host:", "http://h:1",
                          "redis://u@h:1", "redis://h:1/0", "redis://h:x1"}) {
    EXPECT_EQ(addressOf(bad), "") << bad;
  }
}

TEST(RedisKeysTest, KeysAndChannelsFollowTheDocumentedLayout) {
  EXPECT_EQ(nodeKey(7), "wind:node:7");
  EXPECT_EQ(userKey(123456789012345ULL), "wind:user:123456789012345");
  EXPECT_EQ(nodeChannel(1023), "wind:node:1023");
  const auto zadd = addPresence(5, 2, 1700000000000);
  ASSERT_EQ(zadd.size(), 4u);
  EXPECT_EQ(zadd.get<Poco::Redis::BulkString>(0).value(), "ZADD");
  EXPECT_EQ(zadd.get<Poco::Redis::BulkString>(1).value(), "wind:user:5");
  EXPECT_EQ(zadd.get<Poco::Redis::BulkString>(2).value(), "1700000000000");
  EXPECT_EQ(zadd.get<Poco::Redis::BulkString>(3).value(), "2");
}

}  // namespace
}  // namespace wind::cluster::keys
