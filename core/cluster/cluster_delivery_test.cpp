#include "cluster/cluster_delivery.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "session/session_test_support.h"

namespace wind::cluster {
namespace {

using session::testing::FakeLink;
using session::testing::FakeTransport;
using session::testing::NullHandler;

// Records what the delivery asks of the bus.
class RecordingBus final : public Bus {
 public:
  void start(Inbox&) override {}
  void stop() noexcept override {}
  void userOnline(sdk::UserId user) noexcept override {
    events.push_back("online " + std::to_string(sdk::value(user)));
  }
  void userOffline(sdk::UserId user) noexcept override {
    events.push_back("offline " + std::to_string(sdk::value(user)));
  }
  void sendToUser(sdk::UserId user, const std::string& frame) noexcept override {
    events.push_back("send " + std::to_string(sdk::value(user)) + " " + frame);
  }
  void revokeToken(std::string_view hash) noexcept override {
    events.push_back("revoke " + std::string(hash));
  }
  std::vector<std::string> events;
};

class ClusterDeliveryTest : public ::testing::Test {
 protected:
  ClusterDeliveryTest() {
    for (auto* link : {&a_, &b_}) transport_.attach(*link, handler_);
  }
  FakeTransport transport_;
  session::SessionRegistry registry_{transport_};
  RecordingBus bus_;
  ClusterDelivery delivery_{registry_, bus_};
  NullHandler handler_;
  FakeLink a_{1}, b_{2};
};

TEST_F(ClusterDeliveryTest, PresenceFollowsFirstAndLastConnectionOfAUser) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  registry_.add(b_.id(), sdk::UserId{7}, "h2");
  EXPECT_EQ(delivery_.localUsers(), std::vector<sdk::UserId>{sdk::UserId{7}});
  registry_.remove(a_.id(), sdk::UserId{7});
  EXPECT_EQ(bus_.events, std::vector<std::string>{"online 7"});
  registry_.remove(b_.id(), sdk::UserId{7});
  EXPECT_EQ(bus_.events, (std::vector<std::string>{"online 7", "offline 7"}));
  EXPECT_TRUE(delivery_.localUsers().empty());
}

TEST_F(ClusterDeliveryTest, RevokingTheLastTokenOfAUserTakesItOffline) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  delivery_.tokenRevoked("h1");
  EXPECT_EQ(bus_.events, (std::vector<std::string>{"online 7", "offline 7", "revoke h1"}));
  transport_.runPosted();
  ASSERT_TRUE(a_.closed);
  EXPECT_EQ(a_.closed->first, 4002);
}

TEST_F(ClusterDeliveryTest, LocalSendsGoToTheBusAndLocalConnectionsRemoteOnesOnlyLocally) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  registry_.add(b_.id(), sdk::UserId{7}, "h2");
  delivery_.sendToUser(sdk::UserId{7}, "local", a_.id());
  delivery_.deliverToUser(sdk::UserId{7}, "remote");
  transport_.runPosted();
  EXPECT_EQ(a_.sent, std::vector<std::string>{"remote"});
  EXPECT_EQ(b_.sent, (std::vector<std::string>{"local", "remote"}));
  EXPECT_EQ(bus_.events, (std::vector<std::string>{"online 7", "send 7 local"}));
}

TEST_F(ClusterDeliveryTest, ARemoteRevocationClosesLocalConnectionsWithoutEchoingIt) {
  registry_.add(a_.id(), sdk::UserId{7}, "h1");
  delivery_.revokeToken("h1");
  transport_.runPosted();
  ASSERT_TRUE(a_.closed);
  EXPECT_EQ(a_.closed->first, 4002);
  EXPECT_EQ(bus_.events, (std::vector<std::string>{"online 7", "offline 7"}));
}

}  // namespace
}  // namespace wind::cluster
