// Issue 11 part 2 against real processes: a private Redis and three
// wind-server nodes sharing one database. Alice on node 1, Bob with one
// device on node 2 and one on node 3: friends, chat send/edit/delete and
// load across nodes, every event exactly once per connection; node 3 killed;
// Redis restarted; a duplicate node id refused. Skipped without redis-server.
#include <Poco/JSON/Object.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "fixture.h"
#include "frames.h"
#include "private_postgres.h"
#include "private_redis.h"

namespace wind::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kQuiet = 300ms;

// The payloads of a chat frame's `type` and `content`, checked together.
void expectChat(Ws& socket, const std::string& type, const std::string& content) {
  auto payload = socket.expectType("chat")->getObject("payload");
  EXPECT_EQ(payload->getValue<std::string>("type"), type);
  EXPECT_EQ(payload->getValue<std::string>("content"), content);
}

// The contents a `load` returns, oldest first.
std::vector<std::string> loadContents(Ws& socket, const std::string& room) {
  socket.send(loadFrame(room));
  std::vector<std::string> contents;
  for (;;) {
    auto frame = socket.expectJson();
    const std::string type = frame->optValue<std::string>("type", "");
    if (type == "load") break;
    if (type != "chat") {
      ADD_FAILURE() << "unexpected frame during load: " << type;
      break;
    }
    contents.push_back(frame->getObject("payload")->getValue<std::string>("content"));
  }
  return contents;
}

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::PrivateRedis::available()) GTEST_SKIP() << "redis-server is not installed";
    redis_ = std::make_unique<testing::PrivateRedis>();
    std::string pattern = (fs::temp_directory_path() / "wind-cluster-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    shared_ = pattern;
    if (storageIsPostgres()) {
      const std::string url = postgresFixtureUrl();
      const std::string name = "wind_cluster_" + shared_.filename().string().substr(13);
      testsupport::createDatabase(url, name);
      postgresUrl_ = url.substr(0, url.rfind('/') + 1) + name;
    }
    for (unsigned node = 1; node <= 3; ++node) {
      nodes_.push_back(std::make_unique<ServerProcess>(nodeConfig(node)));
      nodes_.back()->start();
    }
  }

  void TearDown() override {
    if (HasFailure()) {
      for (std::size_t i = 0; i < nodes_.size(); ++i) {
        std::cerr << "---- node " << i + 1 << " log ----\n" << nodes_[i]->log() << "\n";
      }
    }
    nodes_.clear();
    redis_.reset();
    if (!postgresUrl_.empty()) testsupport::dropDatabase(postgresUrl_);
    std::error_code ec;
    if (!shared_.empty()) fs::remove_all(shared_, ec);
  }

  // The storage part of every node's configuration, the one place to change
  // when the nodes share PostgreSQL instead: one SQLite file (WAL works
  // across processes on one machine), or, when the suite runs on PostgreSQL
  // (Pg.ClusterTest.*), one database of the fixture's server.
  std::string storageConfig() const {
    if (!postgresUrl_.empty())
      return "storage:\n  driver: postgresql\n  url: \"" + postgresUrl_ + "\"\n";
    return "storage:\n  path: \"" + (shared_ / "wind.db").string() + "\"\n  synchronous: normal\n";
  }

  std::string nodeConfig(unsigned node) const {
    return "server:\n  listen: \"127.0.0.1:0\"\n  public_url: \"http://127.0.0.1\"\n  event_loops: "
           "1\n"
           "  workers: 2\n  node_id: " +
           std::to_string(node) + "\n" + storageConfig() +
           "auth:\n  email_verification: false\n  registrations_per_hour: 100000\n  "
           "login_attempts_per_minute: 3\n"
           "cluster:\n  bus: \"" +
           redis_->url() + "\"\n";
  }

  ServerProcess& node(unsigned id) { return *nodes_[id - 1]; }

  Account createUser(const std::string& name, ServerProcess& on) {
    Account account{name, name + "@example.com", "correct horse " + name, "", ""};
    Http http(on.port());
    auto registered =
        http.post("/api/v1/auth/register",
                  form({{"name", name}, {"email", account.email}, {"password", account.password}}));
    EXPECT_EQ(registered.status, 201) << registered.body;
    auto login = http.post("/api/v1/auth/login",
                           form({{"email", account.email}, {"password", account.password}}));
    EXPECT_EQ(login.status, 201) << login.body;
    account.token = login.json()->getObject("payload")->getValue<std::string>("token");
    return account;
  }

  std::unique_ptr<Ws> connect(const Account& account, ServerProcess& on,
                              std::string* id = nullptr) {
    auto socket = std::make_unique<Ws>(on.port());
    auto snapshot = socket->authenticate(account.token);
    if (id) *id = snapshot->getObject("self_user")->getValue<std::string>("id");
    return socket;
  }

  // Presence is published by the node's bus thread after the auth answer:
  // wait (bounded) until Redis lists `user` on `nodeId`.
  void awaitPresence(const std::string& user, unsigned nodeId) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      try {
        if (!redis_->command({"ZSCORE", "wind:user:" + user, std::to_string(nodeId)}).empty())
          return;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(10ms);
    }
    ADD_FAILURE() << "user " << user << " never showed up on node " << nodeId;
  }

  // Waits (bounded) until the node reports both bus connections up.
  void awaitBus(ServerProcess& on) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Http(on.port()).get("/metrics").body.find("wind_cluster_bus_connected 1") !=
          std::string::npos)
        return;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "the bus of the node on port " << on.port() << " did not reconnect";
  }

  static void expectSilence(std::initializer_list<Ws*> sockets) {
    for (Ws* socket : sockets) socket->expectSilence(kQuiet);
  }

  std::unique_ptr<testing::PrivateRedis> redis_;
  fs::path shared_;
  std::string postgresUrl_;  // the nodes' shared database when the suite runs on PostgreSQL
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
};

TEST_F(ClusterTest, ThreeNodesDeliverEachEventOnceAndSurviveANodeAndRedisGoingAway) {
  Account alice = createUser("alice", node(1));
  Account bob = createUser("bob", node(2));
  auto a = connect(alice, node(1), &alice.id);
  auto b2 = connect(bob, node(2), &bob.id);
  auto b3 = connect(bob, node(3));
  awaitPresence(alice.id, 1);
  awaitPresence(bob.id, 2);
  awaitPresence(bob.id, 3);
  const std::string room = roomOf(alice, bob);

  // Friends: the request reaches both of Bob's devices, the answer Alice and Bob's other device.
  a->send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + bob.id + R"("}})");
  a->expectType("ok");
  b2->expectType("mutual_users");
  b3->expectType("mutual_users");
  b2->send(R"({"type":"mutual_users","payload":{"type":"response","id":")" + alice.id + R"("}})");
  b2->expectType("ok");
  a->expectType("mutual_users");
  b3->expectType("mutual_users");
  expectSilence({a.get(), b2.get(), b3.get()});

  // Chat from node 1 reaches nodes 2 and 3 once each, and back.
  a->send(sendFrame(room, "hello"));
  auto own = a->expectType("chat")->getObject("payload");
  const std::string id = own->getValue<std::string>("id");
  expectChat(*b2, "send", "hello");
  expectChat(*b3, "send", "hello");
  b3->send(sendFrame(room, "from three"));
  expectChat(*b3, "send", "from three");
  expectChat(*a, "send", "from three");
  expectChat(*b2, "send", "from three");
  expectSilence({a.get(), b2.get(), b3.get()});

  // In order per sender.
  for (int i = 0; i < 20; ++i) a->send(sendFrame(room, "n" + std::to_string(i)));
  for (Ws* socket : {a.get(), b2.get(), b3.get()}) {
    for (int i = 0; i < 20; ++i) expectChat(*socket, "send", "n" + std::to_string(i));
  }
  expectSilence({a.get(), b2.get(), b3.get()});

  // Edit and delete (an empty edit).
  a->send(editFrame(room, id, "hello again"));
  for (Ws* socket : {a.get(), b2.get(), b3.get()}) expectChat(*socket, "edit", "hello again");
  a->send(editFrame(room, id, ""));
  for (Ws* socket : {a.get(), b2.get(), b3.get()}) expectChat(*socket, "edit", "");
  expectSilence({a.get(), b2.get(), b3.get()});
  auto history = loadContents(*b2, room);
  ASSERT_EQ(history.size(), 21u);
  EXPECT_EQ(history.front(), "from three");
  EXPECT_EQ(history.back(), "n19");

  // Node 3 dies: Alice and Bob's node-2 device carry on; the node-3 device
  // comes back on node 1 and loads what it missed.
  node(3).kill9();
  b3.reset();
  a->send(sendFrame(room, "while three is down"));
  expectChat(*a, "send", "while three is down");
  expectChat(*b2, "send", "while three is down");
  expectSilence({a.get(), b2.get()});
  auto b1 = connect(bob, node(1));
  EXPECT_EQ(loadContents(*b1, room).back(), "while three is down");
  b2->send(sendFrame(room, "welcome back"));
  for (Ws* socket : {b2.get(), a.get(), b1.get()}) expectChat(*socket, "send", "welcome back");
  expectSilence({a.get(), b2.get(), b1.get()});

  // Redis restarts: local delivery goes on meanwhile, cross-node delivery
  // comes back once the nodes reconnected and re-published presence.
  redis_->kill9();
  a->send(sendFrame(room, "redis is down"));
  for (Ws* socket : {a.get(), b1.get()}) expectChat(*socket, "send", "redis is down");
  redis_->start();
  awaitBus(node(1));
  awaitBus(node(2));
  awaitPresence(bob.id, 2);
  b2->expectSilence(kQuiet);  // the event sent while Redis was down was dropped, not replayed
  EXPECT_EQ(loadContents(*b2, room).back(), "redis is down");  // but it is stored
  a->send(sendFrame(room, "redis is back"));
  for (Ws* socket : {a.get(), b1.get(), b2.get()}) expectChat(*socket, "send", "redis is back");
  expectSilence({a.get(), b2.get(), b1.get()});

  // Logout on node 1 closes the token's sockets on every node.
  auto logout = Http(node(1).port())
                    .post("/api/v1/auth/logout", "", "application/x-www-form-urlencoded",
                          {{"Authorization", "Bearer " + bob.token}});
  EXPECT_EQ(logout.status, 200) << logout.body;
  b1->expectClose(4002);
  b2->expectClose(4002);
}

TEST_F(ClusterTest, FailedLoginsOnEveryNodeCountTowardsOneLimit) {
  const Account carol = createUser("carol", node(1));
  const std::string wrong = form({{"email", carol.email}, {"password", "not the password"}});
  EXPECT_EQ(Http(node(1).port()).post("/api/v1/auth/login", wrong).status, 401);
  EXPECT_EQ(Http(node(2).port()).post("/api/v1/auth/login", wrong).status, 401);
  EXPECT_EQ(Http(node(3).port()).post("/api/v1/auth/login", wrong).status, 401);
  const auto blocked = Http(node(1).port()).post("/api/v1/auth/login", wrong);
  EXPECT_EQ(blocked.status, 429) << blocked.body;
  EXPECT_EQ(Http(node(2).port()).post("/api/v1/auth/login", wrong).status, 429);
}

TEST_F(ClusterTest, ASecondNodeWithALiveNodesIdRefusesToStart) {
  ServerProcess duplicate(nodeConfig(2));
  std::string output;
  const int status = ServerProcess::runTool({"-c", duplicate.configPath().string()}, output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("server.node_id 2 is held by another live node"), std::string::npos)
      << output;
  // The live node 2 still serves.
  EXPECT_EQ(Http(node(2).port()).get("/healthz").status, 200);
}

}  // namespace
}  // namespace wind::itest
