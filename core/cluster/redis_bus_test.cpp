// RedisBus against a private redis-server (skipped when it is not installed).
#include "cluster/redis_bus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "log/logging.h"
#include "private_redis.h"

namespace wind::cluster {
namespace {

using namespace std::chrono_literals;

// Records what arrives; answers localUsers() with the users it was given.
class FakeInbox final : public Inbox {
 public:
  explicit FakeInbox(std::vector<sdk::UserId> users = {}) : users_(std::move(users)) {}
  void deliverToUser(sdk::UserId user, std::string frame) noexcept override {
    record(std::to_string(sdk::value(user)) + " " + frame);
  }
  void revokeToken(std::string_view hash) noexcept override {
    record("revoke " + std::string(hash));
  }
  std::vector<sdk::UserId> localUsers() const override { return users_; }

  // Waits (bounded) until `count` events arrived; returns all so far.
  std::vector<std::string> await(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 10s, [&] { return events_.size() >= count; });
    return events_;
  }

 private:
  void record(std::string event) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    changed_.notify_all();
  }
  std::vector<sdk::UserId> users_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> events_;
};

class RedisBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PrivateRedis::available()) GTEST_SKIP() << "redis-server is not installed";
    redis_ = std::make_unique<testing::PrivateRedis>();
  }

  std::unique_ptr<RedisBus> makeBus(unsigned node, std::chrono::milliseconds ttl = 15s,
                                    std::function<void()> onLeaseLost = {}) {
    RedisBusOptions options;
    options.address = redis_->address();
    options.nodeId = node;
    options.ttl = ttl;
    options.onLeaseLost = std::move(onLeaseLost);
    return std::make_unique<RedisBus>(options, metrics_, log::get("wind.cluster"));
  }

  // Polls Redis (bounded) until `words` answers `expected`.
  bool eventually(std::initializer_list<std::string> words, const std::string& expected) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (redis_->command(words) == expected) return true;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  bool nodesOfUser(std::uint64_t user, const std::string& nodes) {
    return eventually({"ZRANGE", "wind:user:" + std::to_string(user), "0", "-1"}, nodes);
  }

  metrics::Registry metrics_;
  std::unique_ptr<testing::PrivateRedis> redis_;
};

TEST_F(RedisBusTest, ANodeIdHeldByALiveNodeIsRefusedUntilReleased) {
  FakeInbox inbox;
  auto first = makeBus(4);
  first->start(inbox);
  EXPECT_EQ(redis_->command({"GET", "wind:node:4"}), first->instance());
  auto second = makeBus(4);
  try {
    second->start(inbox);
    FAIL() << "a second node 4 started";
  } catch (const ClusterError& e) {
    EXPECT_NE(std::string(e.what()).find("server.node_id 4 is held by another live node"),
              std::string::npos)
        << e.what();
  }
  first->stop();
  EXPECT_EQ(redis_->command({"EXISTS", "wind:node:4"}), "0");  // released at clean shutdown
  auto third = makeBus(4);
  EXPECT_NO_THROW(third->start(inbox));
}

TEST_F(RedisBusTest, ANodeWhoseIdWasTakenIsToldAndLeavesTheOtherLeaseAlone) {
  FakeInbox inbox;
  std::mutex mutex;
  std::condition_variable told;
  bool lost = false;
  auto bus = makeBus(6, 1s, [&] {
    {
      std::lock_guard lock(mutex);
      lost = true;
    }
    told.notify_all();
  });
  bus->start(inbox);
  // As if Redis had lost the key and another process had taken the id meanwhile.
  EXPECT_EQ(redis_->command({"SET", "wind:node:6", "intruder"}), "OK");
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(told.wait_for(lock, 10s, [&] { return lost; }));  // at the next renewal, ttl/3
  }
  bus->stop();
  EXPECT_EQ(redis_->command({"GET", "wind:node:6"}), "intruder");
}

TEST_F(RedisBusTest, FramesGoInOrderToEveryOtherNodeHoldingTheUserOnce) {
  FakeInbox inbox1, inbox2, inbox3;
  auto bus1 = makeBus(1), bus2 = makeBus(2), bus3 = makeBus(3);
  bus1->start(inbox1);
  bus2->start(inbox2);
  bus3->start(inbox3);
  bus2->userOnline(sdk::UserId{7});
  bus3->userOnline(sdk::UserId{8});
  ASSERT_TRUE(nodesOfUser(7, "2"));
  ASSERT_TRUE(nodesOfUser(8, "3"));

  for (int i = 0; i < 50; ++i) bus1->sendToUser(sdk::UserId{7}, "f" + std::to_string(i));
  bus2->sendToUser(sdk::UserId{7}, "not to itself");
  bus1->sendToUser(sdk::UserId{8}, "marker");
  const auto got2 = inbox2.await(50);
  ASSERT_EQ(got2.size(), 50u);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(got2[static_cast<std::size_t>(i)], "7 f" + std::to_string(i));
  EXPECT_EQ(inbox3.await(1), std::vector<std::string>{"8 marker"});
  // bus2's own frame went nowhere: node 3 heard only its marker, node 1 nothing.
  bus2->sendToUser(sdk::UserId{8}, "second marker");
  EXPECT_EQ(inbox3.await(2), (std::vector<std::string>{"8 marker", "8 second marker"}));
  EXPECT_TRUE(inbox1.await(0).empty());
  EXPECT_EQ(inbox2.await(0).size(), 50u);

  bus2->userOffline(sdk::UserId{7});
  EXPECT_TRUE(eventually({"ZCARD", "wind:user:7"}, "0"));
}

TEST_F(RedisBusTest, RevocationsReachEveryOtherNode) {
  FakeInbox inbox1, inbox2;
  auto bus1 = makeBus(1), bus2 = makeBus(2);
  bus1->start(inbox1);
  bus2->start(inbox2);
  bus1->revokeToken("hash-1");
  EXPECT_EQ(inbox2.await(1), std::vector<std::string>{"revoke hash-1"});
  bus2->revokeToken("hash-2");
  EXPECT_EQ(inbox1.await(1), std::vector<std::string>{"revoke hash-2"});
  EXPECT_EQ(inbox2.await(0).size(), 1u);  // its own revocation is not echoed back
}

TEST_F(RedisBusTest, ARedisRestartIsSurvived) {
  FakeInbox inbox1;
  FakeInbox inbox2({sdk::UserId{7}});  // node 2 holds user 7 throughout
  auto bus1 = makeBus(1), bus2 = makeBus(2);
  bus1->start(inbox1);
  bus2->start(inbox2);
  bus2->userOnline(sdk::UserId{7});
  ASSERT_TRUE(nodesOfUser(7, "2"));

  redis_->kill9();
  redis_->start();  // empty: no lease, no presence
  // Both nodes reconnect, take their leases again and re-publish presence.
  ASSERT_TRUE(nodesOfUser(7, "2"));
  ASSERT_TRUE(eventually({"EXISTS", "wind:node:1"}, "1"));
  ASSERT_TRUE(eventually({"GET", "wind:node:2"}, bus2->instance()));
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(bus1->connected() && bus2->connected()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(bus1->connected() && bus2->connected());
  bus1->sendToUser(sdk::UserId{7}, "after");
  const auto got = inbox2.await(1);
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got.back(), "7 after");
}

}  // namespace
}  // namespace wind::cluster
