#include "mutual_users.h"

#include <gtest/gtest.h>

#include <thread>

#include "wind/sdk/testing/fake_host.h"

namespace wind::plugins::mutual_users {
namespace {

using sdk::ConnectionId;
using sdk::ErrorCode;
using sdk::UserId;
using sdk::testing::FakeHost;
using sdk::testing::FakeReply;

constexpr ConnectionId kConnection{7};

class MutualUsersTest : public ::testing::Test {
 protected:
  MutualUsersTest() {
    host_.fakeStorage().migrate(info());
    plugin_ = std::make_unique<MutualUsers>(sdk::Settings{}, host_);
    alice_ = host_.addUser("Alice");
    bob_ = host_.addUser("bob", 0, "https://example.com/bob.png");
    carol_ = host_.addUser("carol");
  }

  FakeReply act(const sdk::User& me, const std::string& payload) {
    FakeReply reply;
    const sdk::Request request{kConnection, me.id, true, "mutual_users", payload};
    lastStatus_ = plugin_->handle(request, reply);
    return reply;
  }
  FakeReply act(const sdk::User& me, const std::string& action, const sdk::User& target) {
    return act(me, R"({"type":")" + action + R"(","id":")" + sdk::toString(target.id) + R"("})");
  }
  std::optional<ErrorCode> errorOf(const sdk::User& me, const std::string& payload) {
    return act(me, payload).errorCode();
  }
  static std::string event(const std::string& action, const sdk::User& user, bool byMe = false) {
    return R"({"type":")" + action + R"(","user":)" + sdk::toJson(user) +
           (byMe ? R"(,"by_me":true})" : "}");
  }
  std::map<std::string, std::string> snapshotOf(const sdk::User& user) {
    sdk::AuthSnapshot snapshot;
    EXPECT_TRUE(plugin_->contributeToAuth(user.id, snapshot).ok);
    std::map<std::string, std::string> out(snapshot.fields().begin(), snapshot.fields().end());
    return out;
  }
  void befriend(const sdk::User& a, const sdk::User& b) {
    ASSERT_FALSE(act(a, "request", b).errorCode());
    ASSERT_FALSE(act(b, "response", a).errorCode());
    host_.clearSent();
  }

  FakeHost host_;
  std::unique_ptr<MutualUsers> plugin_;
  sdk::User alice_, bob_, carol_;
  sdk::Status lastStatus_;
};

TEST_F(MutualUsersTest, ProvidesTheFriendsService) {
  EXPECT_EQ(host_.providedFriends(), plugin_.get());
}

TEST_F(MutualUsersTest, RequestRepliesOkAndNotifiesTargetAndMyOtherConnections) {
  auto reply = act(alice_, "request", bob_);
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].type, "ok");
  EXPECT_EQ(reply.frames()[0].payload, "null");

  auto toBob = host_.sentToUser(bob_.id);
  ASSERT_EQ(toBob.size(), 1u);
  EXPECT_EQ(toBob[0].type, "mutual_users");
  EXPECT_EQ(toBob[0].payload, event("request", alice_));
  EXPECT_FALSE(toBob[0].except);

  auto toMe = host_.sentToUser(alice_.id);
  ASSERT_EQ(toMe.size(), 1u);
  EXPECT_EQ(toMe[0].payload, event("request", bob_, true));
  EXPECT_EQ(toMe[0].except, kConnection);
  EXPECT_EQ(host_.sent().size(), 2u);
}

TEST_F(MutualUsersTest, RequestByNameMatchesWithoutRegardToCase) {
  EXPECT_FALSE(errorOf(alice_, R"({"type":"request","name":"BOB"})"));
  EXPECT_EQ(snapshotOf(bob_)["mutual_requests"], "[" + sdk::toJson(alice_) + "]");
}

TEST_F(MutualUsersTest, UnknownUserIs4004) {
  EXPECT_EQ(errorOf(alice_, R"({"type":"request","id":"42"})"), ErrorCode::notFound);
  EXPECT_EQ(errorOf(alice_, R"({"type":"request","name":"nobody"})"), ErrorCode::notFound);
  EXPECT_TRUE(host_.sent().empty());
}

TEST_F(MutualUsersTest, SelfIs4000ByIdAndByName) {
  EXPECT_EQ(errorOf(alice_, R"({"type":"request","id":")" + sdk::toString(alice_.id) + R"("})"),
            ErrorCode::invalidRequest);
  EXPECT_EQ(errorOf(alice_, R"({"type":"request","name":"alice"})"), ErrorCode::invalidRequest);
}

TEST_F(MutualUsersTest, MalformedRequestsAre4000) {
  for (const char* payload :
       {R"(null)", R"([])", R"("request")", R"({})", R"({"type":"request"})",
        R"({"type":5,"name":"bob"})", R"({"type":"hug","name":"bob"})",
        R"({"type":"request","id":5})", R"({"type":"request","id":"abc"})",
        R"({"type":"request","id":"-5"})", R"({"type":"request","id":"9223372036854775808"})",
        R"({"type":"request","id":""})", R"({"type":"request","name":null})"}) {
    EXPECT_EQ(errorOf(alice_, payload), ErrorCode::invalidRequest) << payload;
  }
  EXPECT_TRUE(host_.sent().empty());
}

TEST_F(MutualUsersTest, RequestingTwiceIs4009) {
  act(alice_, "request", bob_);
  host_.clearSent();
  EXPECT_EQ(act(alice_, "request", bob_).errorCode(), ErrorCode::conflict);
  EXPECT_TRUE(host_.sent().empty());
}

TEST_F(MutualUsersTest, RequestWhenTheTargetAskedMeAcceptsAndTargetReceivesResponse) {
  act(bob_, "request", alice_);
  host_.clearSent();
  auto reply = act(alice_, "request", bob_);
  EXPECT_FALSE(reply.errorCode());
  auto toBob = host_.sentToUser(bob_.id);
  ASSERT_EQ(toBob.size(), 1u);
  EXPECT_EQ(toBob[0].payload, event("response", alice_));
  EXPECT_EQ(host_.sentToUser(alice_.id).at(0).payload, event("response", bob_, true));
  EXPECT_TRUE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_EQ(snapshotOf(alice_)["mutual_requests"], "[]");
  EXPECT_EQ(snapshotOf(bob_)["outgoing_requests"], "[]");
}

TEST_F(MutualUsersTest, RequestBetweenFriendsIs4009) {
  befriend(alice_, bob_);
  EXPECT_EQ(act(alice_, "request", bob_).errorCode(), ErrorCode::conflict);
  EXPECT_EQ(act(bob_, "request", alice_).errorCode(), ErrorCode::conflict);
}

TEST_F(MutualUsersTest, ResponseAcceptsAPendingRequest) {
  act(alice_, "request", bob_);
  host_.clearSent();
  EXPECT_FALSE(act(bob_, "response", alice_).errorCode());
  EXPECT_EQ(host_.sentToUser(alice_.id).at(0).payload, event("response", bob_));
  EXPECT_EQ(host_.sentToUser(bob_.id).at(0).payload, event("response", alice_, true));
  EXPECT_TRUE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_TRUE(plugin_->areFriends(bob_.id, alice_.id));
  EXPECT_EQ(snapshotOf(alice_)["mutual_users"], "[" + sdk::toJson(bob_) + "]");
  EXPECT_EQ(snapshotOf(bob_)["mutual_users"], "[" + sdk::toJson(alice_) + "]");
}

TEST_F(MutualUsersTest, ResponseWithNothingToAcceptIs4004) {
  EXPECT_EQ(act(bob_, "response", alice_).errorCode(), ErrorCode::notFound);
  act(alice_, "request", bob_);
  // Alice cannot accept her own request.
  EXPECT_EQ(act(alice_, "response", bob_).errorCode(), ErrorCode::notFound);
  EXPECT_FALSE(plugin_->areFriends(alice_.id, bob_.id));
}

TEST_F(MutualUsersTest, ResponseBetweenFriendsIs4009) {
  befriend(alice_, bob_);
  EXPECT_EQ(act(bob_, "response", alice_).errorCode(), ErrorCode::conflict);
}

TEST_F(MutualUsersTest, RemoveWithdrawsMyRequest) {
  act(alice_, "request", bob_);
  host_.clearSent();
  EXPECT_FALSE(act(alice_, "remove", bob_).errorCode());
  EXPECT_EQ(host_.sentToUser(bob_.id).at(0).payload, event("remove", alice_));
  EXPECT_EQ(host_.sentToUser(alice_.id).at(0).payload, event("remove", bob_, true));
  EXPECT_EQ(snapshotOf(bob_)["mutual_requests"], "[]");
  EXPECT_FALSE(act(alice_, "request", bob_).errorCode());
}

TEST_F(MutualUsersTest, RemoveDeclinesTheirRequest) {
  act(alice_, "request", bob_);
  EXPECT_FALSE(act(bob_, "remove", alice_).errorCode());
  EXPECT_EQ(snapshotOf(bob_)["mutual_requests"], "[]");
  EXPECT_EQ(snapshotOf(alice_)["outgoing_requests"], "[]");
  EXPECT_FALSE(plugin_->areFriends(alice_.id, bob_.id));
}

TEST_F(MutualUsersTest, RemoveWithNothingPendingIs4004EvenBetweenFriends) {
  EXPECT_EQ(act(alice_, "remove", bob_).errorCode(), ErrorCode::notFound);
  befriend(alice_, bob_);
  EXPECT_EQ(act(alice_, "remove", bob_).errorCode(), ErrorCode::notFound);
  EXPECT_TRUE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_TRUE(host_.sent().empty());
}

TEST_F(MutualUsersTest, DeleteEndsTheFriendshipForBothSides) {
  befriend(alice_, bob_);
  EXPECT_FALSE(act(bob_, "delete", alice_).errorCode());
  EXPECT_EQ(host_.sentToUser(alice_.id).at(0).payload, event("delete", bob_));
  EXPECT_EQ(host_.sentToUser(bob_.id).at(0).payload, event("delete", alice_, true));
  EXPECT_FALSE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_EQ(snapshotOf(alice_)["mutual_users"], "[]");
  EXPECT_EQ(snapshotOf(bob_)["mutual_users"], "[]");
}

TEST_F(MutualUsersTest, AFriendshipCheckedOftenIsReadOnceAndForgottenOnDelete) {
  befriend(alice_, bob_);
  EXPECT_TRUE(plugin_->areFriends(alice_.id, bob_.id));
  host_.fakeStorage().failQueries(true);  // the cached answer needs no read
  EXPECT_TRUE(plugin_->areFriends(bob_.id, alice_.id));
  host_.fakeStorage().failQueries(false);
  EXPECT_FALSE(act(bob_, "delete", alice_).errorCode());
  EXPECT_FALSE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_FALSE(plugin_->areFriends(bob_.id, alice_.id));
}

TEST(FriendCache, ARemovalDuringALookupIsNotUndone) {
  FriendCache cache(std::chrono::seconds(1));
  const auto now = FriendCache::Clock::now();
  const sdk::UserId a{1}, b{2};
  const std::uint64_t before = cache.generation();  // a lookup starts, reads "friends"
  cache.forget(a, b);                               // meanwhile the friendship is removed
  cache.remember(a, b, before, now);                // the stale answer must not stick
  EXPECT_FALSE(cache.contains(a, b, now));
  cache.remember(b, a, cache.generation(), now);
  EXPECT_TRUE(cache.contains(a, b, now));
}

TEST(FriendCache, AnEntryIsTrustedForTheTtlOnly) {
  FriendCache cache(std::chrono::seconds(1));
  const auto now = FriendCache::Clock::now();
  cache.remember(sdk::UserId{1}, sdk::UserId{2}, cache.generation(), now);
  EXPECT_TRUE(cache.contains(sdk::UserId{2}, sdk::UserId{1}, now + std::chrono::milliseconds(999)));
  EXPECT_FALSE(cache.contains(sdk::UserId{1}, sdk::UserId{2}, now + std::chrono::seconds(1)));
}

TEST_F(MutualUsersTest, DeleteWithoutFriendshipIs4004) {
  EXPECT_EQ(act(alice_, "delete", bob_).errorCode(), ErrorCode::notFound);
  act(alice_, "request", bob_);
  EXPECT_EQ(act(alice_, "delete", bob_).errorCode(), ErrorCode::notFound);
  EXPECT_EQ(snapshotOf(bob_)["mutual_requests"], "[" + sdk::toJson(alice_) + "]");
}

TEST_F(MutualUsersTest, AuthSnapshotHasJsonArraysOldestFirst) {
  act(bob_, "request", alice_);
  host_.advance(1000);
  act(carol_, "request", alice_);
  auto fields = snapshotOf(alice_);
  EXPECT_EQ(fields["mutual_requests"], "[" + sdk::toJson(bob_) + "," + sdk::toJson(carol_) + "]");
  EXPECT_EQ(fields["mutual_users"], "[]");
  EXPECT_EQ(fields["outgoing_requests"], "[]");
  EXPECT_EQ(snapshotOf(bob_)["outgoing_requests"], "[" + sdk::toJson(alice_) + "]");
}

TEST_F(MutualUsersTest, ListsSkipUsersThatNoLongerExist) {
  befriend(alice_, bob_);
  befriend(alice_, carol_);
  host_.removeUser(bob_.id);
  EXPECT_EQ(snapshotOf(alice_)["mutual_users"], "[" + sdk::toJson(carol_) + "]");
}

TEST_F(MutualUsersTest, FriendsOfListsEveryFriendOldestFirst) {
  befriend(carol_, alice_);
  host_.advance(1000);
  befriend(alice_, bob_);
  auto friends = plugin_->friendsOf(alice_.id);
  ASSERT_TRUE(friends);
  EXPECT_EQ(*friends, (std::vector<UserId>{carol_.id, bob_.id}));
  EXPECT_EQ(plugin_->friendsOf(bob_.id), (std::vector<UserId>{alice_.id}));
}

TEST_F(MutualUsersTest, StorageFailuresBecomeInternalErrorsAndSendNothing) {
  host_.fakeStorage().failWrites(true);
  auto reply = act(alice_, "request", bob_);
  EXPECT_FALSE(lastStatus_.ok);
  EXPECT_TRUE(reply.frames().empty());
  EXPECT_TRUE(host_.sent().empty());

  host_.fakeStorage().failQueries(true);
  EXPECT_FALSE(plugin_->areFriends(alice_.id, bob_.id));
  EXPECT_FALSE(plugin_->friendsOf(alice_.id));
  sdk::AuthSnapshot snapshot;
  EXPECT_FALSE(plugin_->contributeToAuth(alice_.id, snapshot).ok);
}

TEST_F(MutualUsersTest, CrossedRequestsAtTheSameTimeEndAsFriends) {
  for (int round = 0; round < 50; ++round) {
    const auto x = host_.addUser("x" + std::to_string(round));
    const auto y = host_.addUser("y" + std::to_string(round));
    FakeReply fromX, fromY;
    auto ask = [this](const sdk::User& me, const sdk::User& target, FakeReply& reply) {
      const std::string payload =
          R"({"type":"request","id":")" + sdk::toString(target.id) + R"("})";
      EXPECT_TRUE(plugin_->handle({kConnection, me.id, true, "mutual_users", payload}, reply).ok);
    };
    std::thread first(ask, std::cref(x), std::cref(y), std::ref(fromX));
    std::thread second(ask, std::cref(y), std::cref(x), std::ref(fromY));
    first.join();
    second.join();
    EXPECT_FALSE(fromX.errorCode());
    EXPECT_FALSE(fromY.errorCode());
    EXPECT_TRUE(plugin_->areFriends(x.id, y.id)) << round;
    EXPECT_EQ(snapshotOf(x)["mutual_requests"], "[]");
    EXPECT_EQ(snapshotOf(y)["mutual_requests"], "[]");
  }
}

// A user who floods friend requests gets 4029 past requests_per_minute; the
// window slides, so the next minute is served again.
TEST_F(MutualUsersTest, FriendRequestFloodIsLimitedPerUser) {
  plugin_ = std::make_unique<MutualUsers>(
      sdk::Settings(std::map<std::string, std::string, std::less<>>{{"requests_per_minute", "3"}}),
      host_);
  std::vector<sdk::User> targets;
  for (int i = 0; i < 5; ++i) targets.push_back(host_.addUser("target" + std::to_string(i)));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(act(alice_, "request", targets[i]).errorCode()) << i;
  const auto limited = act(alice_, "request", targets[3]);
  ASSERT_EQ(limited.frames().size(), 1U);
  EXPECT_EQ(limited.frames()[0].type, "error");
  EXPECT_EQ(
      limited.frames()[0].payload,
      R"({"code":4029,"reason":"too many friend requests; slow down","retry_after_ms":60000})");
  // Another user is not affected.
  EXPECT_FALSE(act(bob_, "request", targets[3]).errorCode());
  host_.advance(61'000'000);
  EXPECT_FALSE(act(alice_, "request", targets[3]).errorCode());
}

TEST_F(MutualUsersTest, DeclaresTheRequestsPerMinuteSetting) {
  ASSERT_EQ(info().settings.size(), 1U);
  EXPECT_EQ(info().settings[0].name, "requests_per_minute");
  EXPECT_EQ(info().settings[0].defaultValue, "120");
}

}  // namespace
}  // namespace wind::plugins::mutual_users
