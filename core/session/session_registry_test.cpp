#include "session/session_registry.h"

#include <gtest/gtest.h>

#include <thread>

#include "session/session_test_support.h"

namespace wind::session {
namespace {

using testing::FakeLink;
using testing::FakeTransport;
using testing::NullHandler;

class RegistryTest : public ::testing::Test {
 protected:
  RegistryTest() {
    for (auto* link : {&a_, &b_, &c_}) transport_.attach(*link, handler_);
  }
  FakeTransport transport_;
  SessionRegistry registry_{transport_};
  NullHandler handler_;
  FakeLink a_{1}, b_{2}, c_{3};
};

TEST_F(RegistryTest, AddRemoveAndCount) {
  EXPECT_TRUE(registry_.add(a_.id(), sdk::UserId{7}, "h1"));
  EXPECT_TRUE(registry_.add(b_.id(), sdk::UserId{7}, "h2"));
  EXPECT_TRUE(registry_.add(b_.id(), sdk::UserId{7}, "h3"));  // re-auth: replaces, no double count
  EXPECT_EQ(registry_.authenticatedCount(), 2u);
  EXPECT_EQ(registry_.connectionsOf(sdk::UserId{7}),
            (std::vector<sdk::ConnectionId>{a_.id(), b_.id()}));
  registry_.remove(a_.id(), sdk::UserId{7});
  registry_.remove(a_.id(), sdk::UserId{7});
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
  EXPECT_EQ(registry_.connectionsOf(sdk::UserId{7}), std::vector<sdk::ConnectionId>{b_.id()});
}

TEST_F(RegistryTest, SendToUserSkipsExceptAndOtherUsers) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  registry_.add(b_.id(), sdk::UserId{7}, "h2");
  registry_.add(c_.id(), sdk::UserId{23}, "h3");  // same shard as user 7
  registry_.sendToUser(sdk::UserId{7}, "x", b_.id());
  registry_.sendToUser(sdk::UserId{7}, "y", std::nullopt);
  registry_.sendToUser(sdk::UserId{99}, "z", std::nullopt);
  transport_.runPosted();
  EXPECT_EQ(a_.sent, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(b_.sent, std::vector<std::string>{"y"});
  EXPECT_TRUE(c_.sent.empty());
}

TEST_F(RegistryTest, SendToConnectionGoesThroughTheTransport) {
  registry_.sendToConnection(c_.id(), "direct");
  EXPECT_TRUE(c_.sent.empty());  // queued to the loop, not written from here
  transport_.runPosted();
  EXPECT_EQ(c_.sent, std::vector<std::string>{"direct"});
}

TEST_F(RegistryTest, RevokedTokenClosesAndForgetsItsConnections) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  registry_.add(b_.id(), sdk::UserId{8}, "h1");
  registry_.add(c_.id(), sdk::UserId{7}, "h2");
  registry_.tokenRevoked("h1");
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
  EXPECT_EQ(registry_.connectionsOf(sdk::UserId{7}), std::vector<sdk::ConnectionId>{c_.id()});
  transport_.runPosted();
  ASSERT_TRUE(a_.closed);
  ASSERT_TRUE(b_.closed);
  EXPECT_EQ(*a_.closed, std::make_pair(std::uint16_t{4002}, std::string("Token revoked.")));
  EXPECT_FALSE(c_.closed);
  // A check that raced the logout cannot register the revoked token afterwards.
  EXPECT_FALSE(registry_.add(a_.id(), sdk::UserId{7}, "h1"));
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
}

TEST_F(RegistryTest, ConcurrentUseKeepsCountsRight) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (std::uint64_t i = 0; i < 500; ++i) {
        const sdk::ConnectionId id{1000 + t * 1000 + i};
        const sdk::UserId user{i % 37};
        registry_.add(id, user, "h");
        registry_.sendToUser(user, "f", id);
        if (i % 2 == 0) registry_.remove(id, user);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry_.authenticatedCount(), 4u * 250u);
}

}  // namespace
}  // namespace wind::session
