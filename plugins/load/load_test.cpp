#include "load.h"

#include <gtest/gtest.h>

#include "wind/sdk/testing/fake_host.h"

namespace wind::plugins::load {
namespace {

using sdk::ErrorCode;
using sdk::HistoryEntry;
using sdk::UserId;
using sdk::testing::FakeHost;
using sdk::testing::FakeReply;

// Stands in for the chat plugin; records the last call.
class FakeHistory final : public sdk::History {
 public:
  std::optional<std::vector<HistoryEntry>> before(UserId a, UserId b, std::int64_t beforeMicros,
                                                  int count) const noexcept override {
    calls_.push_back({a, b, beforeMicros, count});
    if (fail_) return std::nullopt;
    return entries_;
  }
  struct Call {
    UserId a, b;
    std::int64_t before;
    int count;
  };
  mutable std::vector<Call> calls_;
  std::vector<HistoryEntry> entries_;
  bool fail_ = false;
};

// Stands in for the mutual_users plugin.
class FakeFriends final : public sdk::Friends {
 public:
  bool areFriends(UserId, UserId) const noexcept override { return false; }
  std::optional<std::vector<UserId>> friendsOf(UserId user) const noexcept override {
    asked_ = user;
    if (fail_) return std::nullopt;
    return list_;
  }
  mutable std::optional<UserId> asked_;
  std::vector<UserId> list_;
  bool fail_ = false;
};

class LoadTest : public ::testing::Test {
 protected:
  LoadTest() {
    alice_ = host_.addUser("alice");
    bob_ = host_.addUser("bob");
    carol_ = host_.addUser("carol");
    host_.setHistory(&history_);
    host_.setFriends(&friends_);
    start({});
  }
  void start(std::map<std::string, std::string, std::less<>> settings) {
    plugin_ = std::make_unique<Load>(sdk::Settings(std::move(settings)), host_);
  }
  std::string room() const { return sdk::toString(sdk::dmRoom(alice_.id, bob_.id)); }
  FakeReply load(const std::string& payload) {
    FakeReply reply;
    lastStatus_ = plugin_->handle({sdk::ConnectionId{9}, alice_.id, true, "load", payload}, reply);
    return reply;
  }
  FakeReply loadChat(const std::string& extra) {
    return load(R"({"type":"chat","load_id":")" + room() + "\"" + extra + "}");
  }
  const FakeHistory::Call& lastCall() const { return history_.calls_.back(); }

  FakeHost host_;
  FakeHistory history_;
  FakeFriends friends_;
  std::unique_ptr<Load> plugin_;
  sdk::User alice_, bob_, carol_;
  sdk::Status lastStatus_;
};

TEST_F(LoadTest, SendsEachMessageAsAChatSendFrameThenTheEndMarker) {
  history_.entries_ = {{sdk::MessageId{11}, alice_.id, "first", 1640218756000880, std::nullopt},
                       {sdk::MessageId{12}, bob_.id, "second", 1640218757000000, 1640218758000001}};
  auto reply = loadChat(R"(,"datetime":"2021-12-23 00:19:16.000880","count":20)");
  ASSERT_EQ(reply.frames().size(), 3u);
  EXPECT_EQ(reply.frames()[0].type, "chat");
  EXPECT_EQ(reply.frames()[0].payload,
            R"({"type":"send","id":"11","user_id":")" + sdk::toString(alice_.id) +
                R"(","chat_id":")" + room() +
                R"(","content":"first","created_at":"2021-12-23 00:19:16.000880"})");
  EXPECT_EQ(reply.frames()[1].payload,
            R"({"type":"send","id":"12","user_id":")" + sdk::toString(bob_.id) +
                R"(","chat_id":")" + room() +
                R"(","content":"second","created_at":"2021-12-23 00:19:17.000000")" +
                R"(,"edited_at":"2021-12-23 00:19:18.000001"})");
  EXPECT_EQ(reply.frames()[2].type, "load");
  EXPECT_EQ(reply.frames()[2].payload,
            R"({"type":"chat","load_id":")" + room() + R"(","count":2})");
  EXPECT_TRUE(host_.sent().empty());  // everything goes to the requesting connection only

  ASSERT_EQ(history_.calls_.size(), 1u);
  EXPECT_EQ(lastCall().a, alice_.id);
  EXPECT_EQ(lastCall().b, bob_.id);
  EXPECT_EQ(lastCall().before, 1640218756000880);
  EXPECT_EQ(lastCall().count, 20);
}

TEST_F(LoadTest, EmptyHistoryStillGetsTheEndMarker) {
  auto reply = loadChat("");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].payload,
            R"({"type":"chat","load_id":")" + room() + R"(","count":0})");
}

TEST_F(LoadTest, MissingDatetimeMeansNowAndCountDefaultsTo50) {
  host_.setNow(1700000000000000);
  loadChat("");
  EXPECT_EQ(lastCall().before, 1700000000000000);
  EXPECT_EQ(lastCall().count, 50);
}

TEST_F(LoadTest, DatetimeMayBeBase64AsTheOriginalClientSendsIt) {
  loadChat(R"(,"datetime":"MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA=")");
  EXPECT_EQ(lastCall().before, 1640218756000880);
  loadChat(R"(,"datetime":"MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA")");
  EXPECT_EQ(lastCall().before, 1640218756000880);
}

TEST_F(LoadTest, InvalidDatetimeIs4000) {
  for (const char* datetime : {R"("yesterday")", R"("2021-12-23 00:19:16")", R"(1640218756)",
                               R"(null)", R"("bm90IGEgZGF0ZQ==")", R"({})"}) {
    EXPECT_EQ(loadChat(std::string(R"(,"datetime":)") + datetime).errorCode(),
              ErrorCode::invalidRequest)
        << datetime;
  }
  EXPECT_TRUE(history_.calls_.empty());
}

TEST_F(LoadTest, CountIsClampedToOneThroughMaxCount) {
  loadChat(R"(,"count":0)");
  EXPECT_EQ(lastCall().count, 1);
  loadChat(R"(,"count":-7)");
  EXPECT_EQ(lastCall().count, 1);
  loadChat(R"(,"count":101)");
  EXPECT_EQ(lastCall().count, 100);
  loadChat(R"(,"count":9223372036854775807)");
  EXPECT_EQ(lastCall().count, 100);
  start({{"max_count", "10"}});
  loadChat(R"(,"count":11)");
  EXPECT_EQ(lastCall().count, 10);
  loadChat("");
  EXPECT_EQ(lastCall().count, 10);
}

TEST_F(LoadTest, NonIntegerCountIs4000) {
  for (const char* count : {R"("5")", "2.5", "1e2", "true", "null", "[]"}) {
    EXPECT_EQ(loadChat(std::string(R"(,"count":)") + count).errorCode(), ErrorCode::invalidRequest)
        << count;
  }
  EXPECT_TRUE(history_.calls_.empty());
}

TEST_F(LoadTest, BadLoadIdIs4000) {
  for (const char* payload :
       {R"({"type":"chat"})", R"({"type":"chat","load_id":3})", R"({"type":"chat","load_id":"x"})",
        R"({"type":"chat","load_id":"0"})", R"({"type":"chat","load_id":"9223372036854775808"})"}) {
    EXPECT_EQ(load(payload).errorCode(), ErrorCode::invalidRequest) << payload;
  }
}

TEST_F(LoadTest, UnknownPeerIs4004AndRevealsNothing) {
  auto reply = load(R"({"type":"chat","load_id":"987654321"})");
  EXPECT_EQ(reply.errorCode(), ErrorCode::notFound);
  EXPECT_EQ(reply.frames().size(), 1u);
  EXPECT_TRUE(history_.calls_.empty());
}

TEST_F(LoadTest, HistoryFailureIsAnInternalErrorWithNoFrames) {
  history_.fail_ = true;
  auto reply = loadChat("");
  EXPECT_FALSE(lastStatus_.ok);
  EXPECT_TRUE(reply.frames().empty());
}

TEST_F(LoadTest, WithoutAHistoryProviderThereIsNoHistory) {
  host_.setHistory(nullptr);
  auto reply = loadChat("");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].type, "load");
}

TEST_F(LoadTest, MalformedOrUnknownSubTypeIs4000) {
  for (const char* payload : {"null", "[]", "{}", R"({"type":1})", R"({"type":"guilds"})"}) {
    EXPECT_EQ(load(payload).errorCode(), ErrorCode::invalidRequest) << payload;
  }
}

TEST_F(LoadTest, FriendListIsAnArrayOfUserObjects) {
  friends_.list_ = {bob_.id, UserId{424242}, carol_.id};  // 424242: a deactivated account
  auto reply = load(R"({"type":"mutual_users"})");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].type, "mutual_users");
  EXPECT_EQ(reply.frames()[0].payload, "[" + sdk::toJson(bob_) + "," + sdk::toJson(carol_) + "]");
  EXPECT_EQ(friends_.asked_, alice_.id);
}

TEST_F(LoadTest, FriendListWithoutFriendsOrProviderIsEmpty) {
  EXPECT_EQ(load(R"({"type":"mutual_users"})").frames().at(0).payload, "[]");
  host_.setFriends(nullptr);
  EXPECT_EQ(load(R"({"type":"mutual_users"})").frames().at(0).payload, "[]");
}

TEST_F(LoadTest, FriendListFailureIsAnInternalError) {
  friends_.fail_ = true;
  auto reply = load(R"({"type":"mutual_users"})");
  EXPECT_FALSE(lastStatus_.ok);
  EXPECT_TRUE(reply.frames().empty());
}

TEST_F(LoadTest, InvalidMaxCountRefusesToStart) {
  EXPECT_THROW(start({{"max_count", "0"}}), std::invalid_argument);
  EXPECT_EQ(info().settings.at(0).defaultValue, "100");
  EXPECT_EQ(info().types.at(0).type, "load");
  EXPECT_TRUE(info().migrations.empty());
}

}  // namespace
}  // namespace wind::plugins::load
