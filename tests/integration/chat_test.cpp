// PROTOCOL.md §3.4–3.5 (chat and load) against the real server: two and
// three users, two devices, the XOR collision, concurrency and a crash.
#include <Poco/Base64Encoder.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "fixture.h"
#include "frames.h"
#include "metrics.h"

namespace wind::itest {
namespace {

// Reads chat frames until the load end marker; returns their payloads.
std::vector<Poco::JSON::Object::Ptr> readLoad(Ws& s, int* count = nullptr) {
  std::vector<Poco::JSON::Object::Ptr> out;
  for (;;) {
    auto f = s.expectJson();
    std::string type = f->optValue<std::string>("type", "");
    if (type == "load") {
      if (count) *count = f->getObject("payload")->getValue<int>("count");
      EXPECT_EQ(f->getObject("payload")->getValue<std::string>("type"), "chat");
      return out;
    }
    if (type != "chat") {
      ADD_FAILURE() << "unexpected frame during load: type " << type;
      return out;
    }
    out.push_back(f->getObject("payload"));
  }
}

class Chat : public TwoUsersTest {
 protected:
  void SetUp() override {
    TwoUsersTest::SetUp();
    befriend(a_, *a1_, b_, *b1_);
    a2_->expectType("mutual_users");
    a2_->expectType("mutual_users");
    room_ = roomOf(a_, b_);
  }
  std::string room_;
};

TEST_F(Chat, SendReachesEveryConnectionOfBothParticipants) {
  a1_->send(R"({"type":"chat","payload":{"type":"send","chat_id":")" + room_ +
            R"(","content":"hi"},"nonce":"m1"})");
  auto mine = a1_->expectType("chat");
  EXPECT_EQ(mine->getValue<std::string>("nonce"), "m1");
  auto p = mine->getObject("payload");
  EXPECT_EQ(p->getValue<std::string>("type"), "send");
  EXPECT_EQ(p->getValue<std::string>("user_id"), a_.id);
  EXPECT_EQ(p->getValue<std::string>("chat_id"), room_);
  EXPECT_EQ(p->getValue<std::string>("content"), "hi");
  std::string createdAt = p->getValue<std::string>("created_at");
  EXPECT_EQ(createdAt.size(), 26u);
  EXPECT_EQ(createdAt[4], '-');
  EXPECT_EQ(createdAt[19], '.');
  for (auto* other : {a2_.get(), b1_.get()}) {
    auto f = other->expectType("chat");
    EXPECT_FALSE(f->has("nonce"));
    EXPECT_EQ(f->getObject("payload")->getValue<std::string>("id"), p->getValue<std::string>("id"));
  }
}

TEST_F(Chat, EmptySendIsIgnored) {
  a1_->send(sendFrame(room_, ""));
  a1_->send(sendFrame(room_, " \\t\\n\\u00a0\\u3000 "));
  a1_->expectSilence();
  b1_->expectSilence();
  a1_->send(loadFrame(room_));
  int count = -1;
  EXPECT_TRUE(readLoad(*a1_, &count).empty());
  EXPECT_EQ(count, 0);
}

TEST_F(Chat, EditAndDeleteByTheAuthorOnly) {
  a1_->send(sendFrame(room_, "first"));
  std::string id = a1_->expectType("chat")->getObject("payload")->getValue<std::string>("id");
  a2_->expectType("chat");
  b1_->expectType("chat");

  b1_->send(editFrame(room_, id, "hijack"));
  b1_->expectError(4005);
  a1_->send(editFrame(room_, "12345", "x"));
  a1_->expectError(4004);

  a1_->send(editFrame(room_, id, "second"));
  for (auto* s : {a1_.get(), a2_.get(), b1_.get()}) {
    auto p = s->expectType("chat")->getObject("payload");
    EXPECT_EQ(p->getValue<std::string>("type"), "edit");
    EXPECT_EQ(p->getValue<std::string>("id"), id);
    EXPECT_EQ(p->getValue<std::string>("content"), "second");
    EXPECT_TRUE(p->has("edited_at"));
  }
  b1_->send(loadFrame(room_));
  auto history = readLoad(*b1_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]->getValue<std::string>("content"), "second");
  EXPECT_EQ(history[0]->getValue<std::string>("type"), "send");
  EXPECT_TRUE(history[0]->has("edited_at"));

  a1_->send(editFrame(room_, id, "   "));
  for (auto* s : {a1_.get(), a2_.get(), b1_.get()}) {
    auto p = s->expectType("chat")->getObject("payload");
    EXPECT_EQ(p->getValue<std::string>("type"), "edit");
    EXPECT_EQ(p->getValue<std::string>("content"), "");
  }
  b1_->send(loadFrame(room_));
  EXPECT_TRUE(readLoad(*b1_).empty());
  a1_->send(editFrame(room_, id, "resurrect"));
  a1_->expectError(4004);
}

TEST_F(Chat, Errors) {
  a1_->send(sendFrame("0", "hi"));
  a1_->expectError(4000);
  a1_->send(sendFrame("abc", "hi"));
  a1_->expectError(4000);
  a1_->send(sendFrame("99999999999999999999", "hi"));
  a1_->expectError(4000);
  a1_->send(sendFrame(std::to_string(std::stoull(a_.id) ^ 1), "hi"));
  a1_->expectError(4004);
  a1_->send(sendFrame(room_, std::string(4001, 'x')));
  a1_->expectError(4013);
  a1_->send(R"({"type":"chat","payload":{"type":"shout","chat_id":")" + room_ +
            R"(","content":"x"}})");
  a1_->expectError(4000);
  a1_->send(R"({"type":"chat","payload":{"type":"send","chat_id":")" + room_ + R"("}})");
  a1_->expectError(4000);
  a1_->send(R"({"type":"chat","payload":{"type":"send","chat_id":5,"content":"x"}})");
  a1_->expectError(4000);
  a1_->send(R"({"type":"chat","payload":[1,2]})");
  a1_->expectError(4000);
  // 4000 characters exactly is fine (multi-byte characters count once).
  std::string longText;
  for (int i = 0; i < 4000; ++i) longText += "\xc3\xa9";
  a1_->send(sendFrame(room_, longText));
  EXPECT_EQ(a1_->expectType("chat")->getObject("payload")->getValue<std::string>("content"),
            longText);
}

TEST_F(Chat, StrangersCannotSendButFormerFriendsCanRead) {
  auto c = createUser("carol");
  auto c1 = connectAs(c);
  c1->send(sendFrame(roomOf(c, a_), "hello?"));
  c1->expectError(4005);

  a1_->send(sendFrame(room_, "before"));
  a1_->expectType("chat");
  b1_->send(R"({"type":"mutual_users","payload":{"type":"delete","id":")" + a_.id + R"("}})");
  b1_->expectType("chat");
  b1_->expectType("ok");
  b1_->send(sendFrame(room_, "after"));
  b1_->expectError(4005);
  b1_->send(loadFrame(room_));
  auto history = readLoad(*b1_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]->getValue<std::string>("content"), "before");
}

TEST_F(Chat, AThirdUserNeverReadsOrChangesThePair) {
  a1_->send(sendFrame(room_, "secret"));
  std::string id = a1_->expectType("chat")->getObject("payload")->getValue<std::string>("id");
  b1_->expectType("chat");
  auto c = createUser("carol");
  auto c1 = connectAs(c);
  // For carol the pair's room id names another (non-existent) peer.
  c1->send(loadFrame(room_));
  c1->expectError(4004);
  c1->send(editFrame(room_, id, "defaced"));
  auto err = c1->expectType("error");
  int code = err->getObject("payload")->getValue<int>("code");
  EXPECT_TRUE(code == 4004 || code == 4005) << code;
  c1->send(editFrame(roomOf(c, a_), id, "defaced"));
  code = c1->expectType("error")->getObject("payload")->getValue<int>("code");
  EXPECT_TRUE(code == 4004 || code == 4005) << code;
  b1_->send(loadFrame(room_));
  auto history = readLoad(*b1_);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]->getValue<std::string>("content"), "secret");
}

TEST_F(Chat, LoadPagesOldestFirstWithCountAndDatetime) {
  std::vector<std::string> createdAt;
  for (int i = 0; i < 7; ++i) {
    a1_->send(sendFrame(room_, "m" + std::to_string(i)));
    createdAt.push_back(
        a1_->expectType("chat")->getObject("payload")->getValue<std::string>("created_at"));
    b1_->expectType("chat");
  }
  b1_->send(loadFrame(room_, R"(,"count":3)"));
  int count = 0;
  auto page = readLoad(*b1_, &count);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(page[0]->getValue<std::string>("content"), "m4");
  EXPECT_EQ(page[2]->getValue<std::string>("content"), "m6");
  // Strictly before the oldest shown, plain and base64 (the Flutter client's form).
  b1_->send(loadFrame(room_, R"(,"count":3,"datetime":")" + createdAt[4] + "\""));
  page = readLoad(*b1_);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0]->getValue<std::string>("content"), "m1");
  std::ostringstream b64;
  {
    Poco::Base64Encoder enc(b64);
    enc << createdAt[2];
  }
  b1_->send(loadFrame(room_, R"(,"datetime":")" + b64.str() + "\""));
  page = readLoad(*b1_);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[1]->getValue<std::string>("content"), "m1");
  // Clamping and bad values.
  b1_->send(loadFrame(room_, R"(,"count":0)"));
  EXPECT_EQ(readLoad(*b1_).size(), 1u);
  b1_->send(loadFrame(room_, R"(,"count":-5)"));
  EXPECT_EQ(readLoad(*b1_).size(), 1u);
  b1_->send(loadFrame(room_, R"(,"count":1000000)"));
  EXPECT_EQ(readLoad(*b1_).size(), 7u);
  b1_->send(loadFrame(room_, R"(,"count":"5")"));
  b1_->expectError(4000);
  b1_->send(loadFrame(room_, R"(,"count":2.5)"));
  b1_->expectError(4000);
  b1_->send(loadFrame(room_, R"(,"datetime":"yesterday")"));
  b1_->expectError(4000);
  b1_->send(loadFrame("0"));
  b1_->expectError(4000);
  b1_->send(R"({"type":"load","payload":{"type":"files"}})");
  b1_->expectError(4000);
}

TEST_F(Chat, ManyClientsConcurrentlyExactlyOnceAndInOrder) {
  constexpr int kPairs = 10;
  constexpr int kMessages = 50;
  std::vector<Account> users;
  std::vector<std::unique_ptr<Ws>> sockets;
  for (int i = 0; i < 2 * kPairs; ++i) {
    users.push_back(createUser("u" + std::to_string(i)));
    sockets.push_back(connectAs(users.back()));
  }
  for (int p = 0; p < kPairs; ++p)
    befriend(users[2 * p], *sockets[2 * p], users[2 * p + 1], *sockets[2 * p + 1]);

  std::vector<std::thread> senders;
  for (int i = 0; i < 2 * kPairs; ++i) {
    senders.emplace_back([&, i] {
      const Account& peer = users[i ^ 1];
      for (int m = 0; m < kMessages; ++m)
        sockets[i]->send(sendFrame(roomOf(users[i], peer), std::to_string(m)));
    });
  }
  for (auto& t : senders) t.join();
  // Each socket sees its own 50 and its peer's 50, each sender's in order.
  for (int i = 0; i < 2 * kPairs; ++i) {
    std::map<std::string, int> next;
    std::set<std::string> ids;
    for (int k = 0; k < 2 * kMessages; ++k) {
      auto p = sockets[i]->expectType("chat")->getObject("payload");
      std::string author = p->getValue<std::string>("user_id");
      EXPECT_EQ(p->getValue<std::string>("content"), std::to_string(next[author]++));
      EXPECT_TRUE(ids.insert(p->getValue<std::string>("id")).second);
    }
    sockets[i]->expectSilence(std::chrono::milliseconds(50));
    EXPECT_EQ(next[users[i].id], kMessages);
    EXPECT_EQ(next[users[i ^ 1].id], kMessages);
  }
  sockets[0]->send(loadFrame(roomOf(users[0], users[1]), R"(,"count":100)"));
  EXPECT_EQ(readLoad(*sockets[0]).size(), static_cast<std::size_t>(2 * kMessages));
}

// Batches the storage writer committed so far.
long committedBatches(const Http& http) {
  const std::string series = "wind_storage_batch_statements_count";
  const Exposition metrics = parsePrometheus(http.get("/metrics").body);
  EXPECT_TRUE(metrics.samples.contains(series)) << "no " << series << " in /metrics";
  return static_cast<long>(metrics.value(series));
}

// Holds the SQLite write lock of `database` from outside the server for as
// long as it lives, so that the server's writer waits (busy_timeout).
class WriteLock {
 public:
  explicit WriteLock(const std::string& database) {
    EXPECT_EQ(sqlite3_open(database.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
  }
  ~WriteLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  WriteLock(const WriteLock&) = delete;
  WriteLock& operator=(const WriteLock&) = delete;

 private:
  sqlite3* db_ = nullptr;
};

// Chat sends are pipelined (sdk::TypeSpec::pipelined): while the first of a
// burst waits for its commit, the others are handled and queue for the next
// one, so the burst takes two commits where one frame at a time takes one
// per message. It is still answered in order, and a `load` right behind it
// waits for every one of them.
TEST_F(Chat, ABurstOfSendsIsCommittedTogetherAndAnsweredInOrder) {
  if (storageIsPostgres()) GTEST_SKIP() << "SQLite only: chat runs on workers with PostgreSQL";
  constexpr int kMessages = 32;
  const long batchesBefore = committedBatches(http());
  {
    const WriteLock lock((server_->dir() / "wind.db").string());
    for (int m = 0; m < kMessages; ++m) {
      a1_->send(R"({"type":"chat","payload":{"type":"send","chat_id":")" + room_ +
                R"(","content":")" + std::to_string(m) + R"("},"nonce":"m)" + std::to_string(m) +
                "\"}");
    }
    a1_->send(R"({"type":"load","payload":{"type":"chat","load_id":")" + room_ +
              R"(","count":100},"nonce":"l"})");
    a1_->expectSilence(std::chrono::milliseconds(300));  // nothing is answered before the commit
  }
  for (int m = 0; m < kMessages; ++m) {
    auto frame = a1_->expectType("chat");
    EXPECT_EQ(frame->getValue<std::string>("nonce"), "m" + std::to_string(m));
    EXPECT_EQ(frame->getObject("payload")->getValue<std::string>("content"), std::to_string(m));
  }
  const auto loaded = readLoad(*a1_);
  ASSERT_EQ(loaded.size(), static_cast<std::size_t>(kMessages));
  for (int m = 0; m < kMessages; ++m)
    EXPECT_EQ(loaded[m]->getValue<std::string>("content"), std::to_string(m));
  EXPECT_LE(committedBatches(http()) - batchesBefore, 2);
}

TEST_F(Chat, DeliveredMessagesSurviveKill9) {
  std::set<std::string> delivered;
  for (int i = 0; i < 30; ++i) {
    a1_->send(sendFrame(room_, "durable " + std::to_string(i)));
    delivered.insert(b1_->expectType("chat")->getObject("payload")->getValue<std::string>("id"));
  }
  a1_.reset();
  a2_.reset();
  b1_.reset();
  server_->kill9();
  server_->start();
  auto b = connectAs(b_);
  b->send(loadFrame(room_, R"(,"count":100)"));
  std::set<std::string> loaded;
  for (auto& p : readLoad(*b)) loaded.insert(p->getValue<std::string>("id"));
  EXPECT_EQ(loaded, delivered);
}

TEST_F(Chat, FlutterClientFrames) {
  // heartbeat {"count": n}, auth again to refresh, mutual_users by name, base64 datetime.
  a1_->send(R"({"type":"heartbeat","payload":{"count":42}})");
  a1_->expectText(R"({"type":"heartbeat","payload":{"count":42}})");
  a1_->send(R"({"type":"auth","payload":{"auth":")" + a_.token + R"("}})");
  auto snap = a1_->expectType("auth")->getObject("payload");
  EXPECT_EQ(snap->getArray("mutual_users")->getObject(0)->getValue<std::string>("id"), b_.id);
  a1_->send(sendFrame(room_, "hey"));
  a1_->expectType("chat");
  std::ostringstream b64;
  {
    Poco::Base64Encoder enc(b64);
    enc << "2999-01-01 00:00:00.000000";
  }
  b1_->expectType("chat");
  b1_->send(loadFrame(room_, R"(,"datetime":")" + b64.str() + R"(","count":50)"));
  EXPECT_EQ(readLoad(*b1_).size(), 1u);
}

TEST_F(Chat, XorCollidingPairsNeverSeeEachOther) {
  // Snowflakes of users registered at nearby times collide under XOR often
  // enough: search the registered users for two disjoint pairs.
  std::vector<Account> users{a_, b_};
  std::map<std::uint64_t, std::pair<int, int>> byXor;
  std::pair<int, int> first{-1, -1}, second{-1, -1};
  auto consider = [&](int j) {
    for (int i = 0; i < j; ++i) {
      std::uint64_t x = std::stoull(users[i].id) ^ std::stoull(users[j].id);
      auto [it, inserted] = byXor.emplace(x, std::make_pair(i, j));
      if (!inserted) {
        first = it->second;
        second = {i, j};
        return true;
      }
    }
    return false;
  };
  consider(1);
  for (int n = 2; n < 80 && first.first < 0; ++n) {
    users.push_back(createUser("x" + std::to_string(n)));
    consider(n);
  }
  ASSERT_GE(first.first, 0) << "no XOR collision among " << users.size() << " users";
  const Account& p = users[first.first];
  const Account& q = users[first.second];
  const Account& r = users[second.first];
  const Account& s = users[second.second];
  ASSERT_EQ(roomOf(p, q), roomOf(r, s));
  auto p1 = connectAs(p);
  auto q1 = connectAs(q);
  auto r1 = connectAs(r);
  auto s1 = connectAs(s);
  if (p.id != a_.id || q.id != b_.id) befriend(p, *p1, q, *q1);
  befriend(r, *r1, s, *s1);
  p1->send(sendFrame(roomOf(p, q), "for q only"));
  p1->expectType("chat");
  q1->expectType("chat");
  r1->send(loadFrame(roomOf(r, s)));
  EXPECT_TRUE(readLoad(*r1).empty());
  s1->expectSilence();
}

}  // namespace
}  // namespace wind::itest
