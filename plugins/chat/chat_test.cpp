#include "chat.h"

#include <gtest/gtest.h>

#include <set>

#include "wind/sdk/testing/fake_host.h"

namespace wind::plugins::chat {
namespace {

using sdk::ConnectionId;
using sdk::ErrorCode;
using sdk::UserId;
using sdk::testing::FakeHost;
using sdk::testing::FakeReply;

constexpr ConnectionId kConnection{3};

// Stands in for the mutual_users plugin.
class StaticFriends final : public sdk::Friends {
 public:
  void add(UserId a, UserId b) { pairs_.insert(key(a, b)); }
  void clear() { pairs_.clear(); }
  bool areFriends(UserId a, UserId b) const noexcept override {
    return pairs_.count(key(a, b)) > 0;
  }
  std::optional<std::vector<UserId>> friendsOf(UserId) const noexcept override {
    return std::vector<UserId>{};
  }

 private:
  static std::pair<std::uint64_t, std::uint64_t> key(UserId a, UserId b) {
    auto pair = sdk::orderedPair(a, b);
    return {sdk::value(pair.low), sdk::value(pair.high)};
  }
  std::set<std::pair<std::uint64_t, std::uint64_t>> pairs_;
};

class ChatTest : public ::testing::Test {
 protected:
  ChatTest() { start({}); }

  void start(std::map<std::string, std::string, std::less<>> settings) {
    host_ = std::make_unique<FakeHost>();
    host_->fakeStorage().migrate(info());
    host_->setFriends(&friends_);
    alice_ = host_->addUser("alice");
    bob_ = host_->addUser("bob");
    carol_ = host_->addUser("carol");
    friends_.clear();
    friends_.add(alice_.id, bob_.id);
    plugin_ = std::make_unique<Chat>(sdk::Settings(std::move(settings)), *host_);
  }

  static std::string room(const sdk::User& a, const sdk::User& b) {
    return sdk::toString(sdk::dmRoom(a.id, b.id));
  }

  FakeReply act(const sdk::User& me, const std::string& payload) {
    FakeReply reply;
    lastStatus_ = plugin_->handle({kConnection, me.id, true, "chat", payload}, reply);
    return reply;
  }
  FakeReply sendText(const sdk::User& me, const sdk::User& peer, const std::string& content) {
    return act(me, R"({"type":"send","chat_id":")" + room(me, peer) + R"(","content":)" +
                       sdk::json::quoted(content) + "}");
  }
  FakeReply editText(const sdk::User& me, const sdk::User& peer, const std::string& id,
                     const std::string& content) {
    return act(me, R"({"type":"edit","chat_id":")" + room(me, peer) + R"(","id":")" + id +
                       R"(","content":)" + sdk::json::quoted(content) + "}");
  }
  std::vector<sdk::HistoryEntry> history(const sdk::User& a, const sdk::User& b, int count = 100) {
    auto entries = plugin_->before(a.id, b.id, INT64_MAX, count);
    EXPECT_TRUE(entries);
    return entries.value_or(std::vector<sdk::HistoryEntry>{});
  }

  StaticFriends friends_;
  std::unique_ptr<FakeHost> host_;
  std::unique_ptr<Chat> plugin_;
  sdk::User alice_, bob_, carol_;
  sdk::Status lastStatus_;
};

TEST_F(ChatTest, ProvidesTheHistoryService) { EXPECT_EQ(host_->providedHistory(), plugin_.get()); }

TEST_F(ChatTest, SendStoresAndDeliversToBothParticipantsEveryConnection) {
  const std::uint64_t expectedId = host_->nextId() + 1;
  auto reply = sendText(alice_, bob_, "hi \"bob\"");
  const std::string expected =
      R"({"type":"send","id":")" + std::to_string(expectedId) + R"(","user_id":")" +
      sdk::toString(alice_.id) + R"(","chat_id":")" + room(alice_, bob_) +
      R"(","content":"hi \"bob\"","created_at":"2021-12-23 00:19:16.000880"})";
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].type, "chat");
  EXPECT_EQ(reply.frames()[0].payload, expected);

  auto toAlice = host_->sentToUser(alice_.id);
  ASSERT_EQ(toAlice.size(), 1u);
  EXPECT_EQ(toAlice[0].payload, expected);
  EXPECT_EQ(toAlice[0].except, kConnection);
  auto toBob = host_->sentToUser(bob_.id);
  ASSERT_EQ(toBob.size(), 1u);
  EXPECT_EQ(toBob[0].type, "chat");
  EXPECT_EQ(toBob[0].payload, expected);
  EXPECT_FALSE(toBob[0].except);

  auto stored = history(alice_, bob_);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(sdk::value(stored[0].id), expectedId);
  EXPECT_EQ(stored[0].author, alice_.id);
  EXPECT_EQ(stored[0].content, "hi \"bob\"");
  EXPECT_EQ(stored[0].createdAt, FakeHost::kStartMicros);
  EXPECT_FALSE(stored[0].editedAt);
  EXPECT_EQ(host_->counterValue("messages_sent"), 1u);
  const std::vector<double> writes = host_->histogramObservations("send_write");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_GE(writes[0], 0.0);
}

TEST_F(ChatTest, NothingIsDeliveredWhenStoringFails) {
  host_->fakeStorage().failWrites(true);
  auto reply = sendText(alice_, bob_, "hi");
  EXPECT_TRUE(lastStatus_.ok);
  EXPECT_TRUE(reply.finished());
  EXPECT_NE(reply.failure().find("injected write failure"),
            std::string::npos);  // the core answers 5000
  EXPECT_TRUE(reply.frames().empty());
  EXPECT_TRUE(host_->sent().empty());
}

TEST_F(ChatTest, NothingIsDeliveredBeforeTheCommitAndTheHandlerDoesNotWaitForIt) {
  host_->fakeStorage().holdAsyncWrites();
  auto reply = sendText(alice_, bob_, "hi");  // returns although the write is held
  EXPECT_TRUE(lastStatus_.ok);
  EXPECT_TRUE(reply.deferred());
  EXPECT_FALSE(reply.finished());
  EXPECT_TRUE(reply.frames().empty());
  EXPECT_TRUE(host_->sent().empty());
  EXPECT_TRUE(history(alice_, bob_).empty());
  EXPECT_EQ(host_->fakeStorage().heldAsyncWrites(), 1u);

  host_->fakeStorage().releaseAsyncWrites();
  EXPECT_TRUE(reply.finished());
  EXPECT_EQ(reply.failure(), "");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].type, "chat");
  EXPECT_EQ(host_->sentToUser(bob_.id).size(), 1u);
  EXPECT_EQ(host_->sentToUser(alice_.id).size(), 1u);
  EXPECT_EQ(history(alice_, bob_).size(), 1u);
}

TEST_F(ChatTest, AnEditIsDeliveredOnlyAfterItsCommitToo) {
  sendText(alice_, bob_, "first");
  const std::string stored = sdk::toString(history(alice_, bob_).at(0).id);
  host_->clearSent();
  host_->fakeStorage().holdAsyncWrites();
  auto reply = editText(alice_, bob_, stored, "second");
  EXPECT_FALSE(reply.finished());
  EXPECT_TRUE(host_->sent().empty());
  EXPECT_EQ(history(alice_, bob_).at(0).content, "first");
  host_->fakeStorage().releaseAsyncWrites();
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(host_->sentToUser(bob_.id).size(), 1u);
  EXPECT_EQ(history(alice_, bob_).at(0).content, "second");
}

TEST_F(ChatTest, AMessageDeletedWhileAnEditWaitsIsUnknown) {
  sendText(alice_, bob_, "first");
  const std::string stored = sdk::toString(history(alice_, bob_).at(0).id);
  host_->fakeStorage().holdAsyncWrites();
  auto remove = editText(alice_, bob_, stored, "");
  auto edit = editText(alice_, bob_, stored, "again");  // read before the removal committed
  host_->clearSent();
  host_->fakeStorage().releaseAsyncWrites();
  EXPECT_EQ(remove.frames().size(), 1u);
  EXPECT_EQ(edit.errorCode(), ErrorCode::notFound);
  EXPECT_EQ(host_->sentToUser(bob_.id).size(), 1u);  // the removal only
}

TEST_F(ChatTest, BlankSendIsIgnoredSilently) {
  for (const char* blank : {"", " ", "\t\n\r", "\xC2\xA0\xE3\x80\x80\xE2\x80\xA8"}) {
    auto reply = sendText(alice_, bob_, blank);
    EXPECT_TRUE(lastStatus_.ok);
    EXPECT_TRUE(reply.frames().empty()) << blank;
  }
  EXPECT_TRUE(host_->sent().empty());
  EXPECT_EQ(host_->fakeStorage().writeCount(), 0);
}

TEST_F(ChatTest, ZeroWidthSpaceIsNotBlank) {
  auto reply = sendText(alice_, bob_, "\xE2\x80\x8B");
  EXPECT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(history(alice_, bob_).size(), 1u);
}

TEST_F(ChatTest, LengthIsCountedInCodePoints) {
  start({{"max_length", "3"}});
  EXPECT_FALSE(
      sendText(alice_, bob_, "h\xC3\xA9\xF0\x9F\x98\x80").errorCode());  // 3 code points, 7 bytes
  EXPECT_EQ(sendText(alice_, bob_, "abcd").errorCode(), ErrorCode::tooLarge);
  EXPECT_EQ(history(alice_, bob_).size(), 1u);
}

TEST_F(ChatTest, ReconfigureChangesMaxLengthAndRejectsInvalidValues) {
  start({{"max_length", "3"}});
  EXPECT_EQ(sendText(alice_, bob_, "abcd").errorCode(), ErrorCode::tooLarge);
  EXPECT_TRUE(
      plugin_->reconfigure(sdk::Settings({{"max_length", "4"}, {"dm_policy", "friends"}})).ok);
  EXPECT_FALSE(sendText(alice_, bob_, "abcd").errorCode());
  EXPECT_FALSE(
      plugin_->reconfigure(sdk::Settings({{"max_length", "0"}, {"dm_policy", "friends"}})).ok);
  EXPECT_EQ(sendText(alice_, bob_, "abcde").errorCode(), ErrorCode::tooLarge);  // still 4
  EXPECT_TRUE(info().settings[0].reloadable);
  EXPECT_FALSE(info().settings[1].reloadable);
}

TEST_F(ChatTest, DefaultLimitIs4000Characters) {
  EXPECT_FALSE(sendText(alice_, bob_, std::string(4000, 'x')).errorCode());
  EXPECT_EQ(sendText(alice_, bob_, std::string(4001, 'x')).errorCode(), ErrorCode::tooLarge);
}

TEST_F(ChatTest, MalformedRequestsAre4000) {
  const std::string ab = room(alice_, bob_);
  for (const std::string& payload : {
           std::string(R"(null)"),
           std::string(R"([])"),
           std::string(R"({})"),
           std::string(R"({"type":"shout","chat_id":")") + ab + R"(","content":"x"})",
           std::string(R"({"type":7,"chat_id":")") + ab + R"(","content":"x"})",
           std::string(R"({"type":"send","content":"x"})"),
           std::string(R"({"type":"send","chat_id":3,"content":"x"})"),
           std::string(R"({"type":"send","chat_id":"abc","content":"x"})"),
           std::string(R"({"type":"send","chat_id":"-1","content":"x"})"),
           std::string(R"({"type":"send","chat_id":"9223372036854775808","content":"x"})"),
           std::string(R"({"type":"send","chat_id":"0","content":"x"})"),
           std::string(R"({"type":"send","chat_id":")") + ab + R"("})",
           std::string(R"({"type":"send","chat_id":")") + ab + R"(","content":5})",
           std::string(R"({"type":"send","chat_id":")") + ab + R"(","content":null})",
           std::string(R"({"type":"edit","chat_id":")") + ab + R"(","content":"x"})",
           std::string(R"({"type":"edit","chat_id":")") + ab + R"(","id":"x1","content":"x"})",
           std::string(R"({"type":"edit","chat_id":")") + ab + R"(","id":12,"content":"x"})",
           std::string(R"({"type":"edit","chat_id":")") + ab + R"(","id":"12"})",
       }) {
    EXPECT_EQ(act(alice_, payload).errorCode(), ErrorCode::invalidRequest) << payload;
  }
  EXPECT_TRUE(host_->sent().empty());
}

TEST_F(ChatTest, UnknownPeerIs4004) {
  auto reply = act(alice_, R"({"type":"send","chat_id":"12345","content":"x"})");
  EXPECT_EQ(reply.errorCode(), ErrorCode::notFound);
  EXPECT_EQ(act(alice_, R"({"type":"edit","chat_id":"12345","id":"1","content":"x"})").errorCode(),
            ErrorCode::notFound);
}

TEST(KnownUsers, TrustsAFoundUserForTheTtlOnly) {
  KnownUsers known(std::chrono::seconds(1));
  const auto t0 = KnownUsers::Clock::now();
  const sdk::UserId user{7};
  EXPECT_FALSE(known.contains(user, t0));
  known.remember(user, t0);
  EXPECT_TRUE(known.contains(user, t0 + std::chrono::milliseconds(999)));
  EXPECT_FALSE(known.contains(user, t0 + std::chrono::seconds(1)));
  EXPECT_FALSE(known.contains(sdk::UserId{8}, t0));
}

TEST_F(ChatTest, NonFriendsAreForbiddenByDefault) {
  EXPECT_EQ(sendText(alice_, carol_, "hi").errorCode(), ErrorCode::forbidden);
  host_->setFriends(nullptr);
  EXPECT_EQ(sendText(alice_, bob_, "hi").errorCode(),
            ErrorCode::forbidden);  // no friends service: nobody is
  EXPECT_TRUE(history(alice_, carol_).empty());
  EXPECT_TRUE(host_->sent().empty());
}

TEST_F(ChatTest, PolicyAnyoneLetsStrangersWrite) {
  start({{"dm_policy", "anyone"}});
  host_->setFriends(nullptr);
  EXPECT_FALSE(sendText(alice_, carol_, "hi").errorCode());
  EXPECT_EQ(history(carol_, alice_).size(), 1u);
}

TEST_F(ChatTest, XorCollidingPairsNeverSeeEachOther) {
  FakeHost& host = *host_;
  const auto u1 = host.addUser("u1", 1), u2 = host.addUser("u2", 2), u5 = host.addUser("u5", 5),
             u6 = host.addUser("u6", 6);
  friends_.add(u1.id, u2.id);
  friends_.add(u5.id, u6.id);
  ASSERT_EQ(room(u1, u2), room(u5, u6));
  auto reply = sendText(u1, u2, "secret");
  ASSERT_EQ(reply.frames().size(), 1u);
  const std::string id = sdk::toString(history(u1, u2).at(0).id);
  EXPECT_TRUE(history(u5, u6).empty());
  EXPECT_EQ(editText(u5, u6, id, "mine now").errorCode(), ErrorCode::notFound);
  EXPECT_EQ(history(u1, u2).at(0).content, "secret");
}

TEST_F(ChatTest, EditReplacesContentAndTellsBothParticipants) {
  sendText(alice_, bob_, "helo");
  const auto original = history(alice_, bob_).at(0);
  host_->clearSent();
  host_->advance(1500000);
  auto reply = editText(alice_, bob_, sdk::toString(original.id), "hello");
  const std::string expected = R"({"type":"edit","id":")" + sdk::toString(original.id) +
                               R"(","user_id":")" + sdk::toString(alice_.id) + R"(","chat_id":")" +
                               room(alice_, bob_) +
                               R"(","content":"hello","created_at":"2021-12-23 00:19:16.000880")" +
                               R"(,"edited_at":"2021-12-23 00:19:17.500880"})";
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0].payload, expected);
  EXPECT_EQ(host_->sentToUser(bob_.id).at(0).payload, expected);
  EXPECT_EQ(host_->sentToUser(alice_.id).at(0).payload, expected);
  EXPECT_EQ(host_->sentToUser(alice_.id).at(0).except, kConnection);

  const auto edited = history(alice_, bob_).at(0);
  EXPECT_EQ(edited.id, original.id);
  EXPECT_EQ(edited.content, "hello");
  EXPECT_EQ(edited.createdAt, original.createdAt);
  EXPECT_EQ(edited.editedAt, FakeHost::kStartMicros + 1500000);
}

TEST_F(ChatTest, BlankEditDeletesTheMessage) {
  sendText(alice_, bob_, "oops");
  const std::string id = sdk::toString(history(alice_, bob_).at(0).id);
  host_->clearSent();
  auto reply = editText(alice_, bob_, id, " \n");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_NE(reply.frames()[0].payload.find(R"("type":"edit")"), std::string::npos);
  EXPECT_NE(reply.frames()[0].payload.find(R"("content":"")"), std::string::npos);
  EXPECT_EQ(host_->sentToUser(bob_.id).size(), 1u);
  EXPECT_TRUE(history(alice_, bob_).empty());
  EXPECT_EQ(editText(alice_, bob_, id, "back").errorCode(), ErrorCode::notFound);
  EXPECT_EQ(editText(alice_, bob_, id, "").errorCode(), ErrorCode::notFound);
}

TEST_F(ChatTest, OnlyTheAuthorMayEdit) {
  sendText(alice_, bob_, "mine");
  const std::string id = sdk::toString(history(alice_, bob_).at(0).id);
  host_->clearSent();
  EXPECT_EQ(editText(bob_, alice_, id, "yours").errorCode(), ErrorCode::forbidden);
  EXPECT_EQ(editText(bob_, alice_, id, "").errorCode(), ErrorCode::forbidden);
  EXPECT_EQ(history(alice_, bob_).at(0).content, "mine");
  EXPECT_TRUE(host_->sent().empty());
}

TEST_F(ChatTest, EditOfUnknownIdIs4004AndTooLongIs4013) {
  EXPECT_EQ(editText(alice_, bob_, "424242", "x").errorCode(), ErrorCode::notFound);
  sendText(alice_, bob_, "short");
  const std::string id = sdk::toString(history(alice_, bob_).at(0).id);
  EXPECT_EQ(editText(alice_, bob_, id, std::string(4001, 'y')).errorCode(), ErrorCode::tooLarge);
}

TEST_F(ChatTest, EditDoesNotRequireFriendship) {
  sendText(alice_, bob_, "before");
  const std::string id = sdk::toString(history(alice_, bob_).at(0).id);
  friends_.clear();
  EXPECT_FALSE(editText(alice_, bob_, id, "after").errorCode());
  EXPECT_EQ(history(alice_, bob_).at(0).content, "after");
}

TEST_F(ChatTest, HistoryIsStrictlyBeforeNewestPageOldestFirst) {
  for (int i = 0; i < 5; ++i) {
    sendText(alice_, i % 2 ? bob_ : alice_, "m" + std::to_string(i));  // alternate authors
    host_->advance(10);
  }
  sendText(bob_, alice_, "same-time");  // same created_at as the next one: ordered by id
  sendText(alice_, bob_, "same-time-2");

  auto all = history(alice_, bob_);
  ASSERT_EQ(all.size(), 4u);  // alice→alice is not a DM: room 0 is refused
  auto page = plugin_->before(bob_.id, alice_.id, all[3].createdAt + 1, 2);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].content, "same-time");
  EXPECT_EQ((*page)[1].content, "same-time-2");
  auto older = plugin_->before(alice_.id, bob_.id, all[2].createdAt, 50);
  ASSERT_TRUE(older);
  ASSERT_EQ(older->size(), 2u);
  EXPECT_EQ((*older)[0].content, "m1");
  EXPECT_EQ((*older)[1].content, "m3");
  EXPECT_TRUE(plugin_->before(alice_.id, bob_.id, all[0].createdAt, 50)->empty());
}

TEST_F(ChatTest, HistoryReportsStorageFailure) {
  host_->fakeStorage().failQueries(true);
  EXPECT_FALSE(plugin_->before(alice_.id, bob_.id, INT64_MAX, 10));
}

TEST_F(ChatTest, InvalidSettingsRefuseToStart) {
  EXPECT_THROW(start({{"max_length", "0"}}), std::invalid_argument);
  EXPECT_THROW(start({{"dm_policy", "everyone"}}), std::invalid_argument);
}

TEST_F(ChatTest, InfoDeclaresTypeSettingsAndDefaults) {
  const auto& declared = info();
  ASSERT_EQ(declared.types.size(), 1u);
  EXPECT_EQ(declared.types[0].type, "chat");
  EXPECT_EQ(declared.types[0].execution, sdk::Execution::eventLoopWhenStorageIsLocal);
  ASSERT_EQ(declared.settings.size(), 2u);
  EXPECT_EQ(declared.settings[0].name, "max_length");
  EXPECT_EQ(declared.settings[0].defaultValue, "4000");
  EXPECT_EQ(declared.settings[0].min, 1);
  EXPECT_EQ(declared.settings[1].name, "dm_policy");
  EXPECT_EQ(declared.settings[1].defaultValue, "friends");
  EXPECT_EQ(declared.settings[1].choices, (std::vector<std::string>{"friends", "anyone"}));
}

}  // namespace
}  // namespace wind::plugins::chat
