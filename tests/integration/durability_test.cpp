// Durability and storage faults against the real server (SECURITY.md,
// PROTOCOL.md §3.4 "a client that saw it will find it in load after a
// crash"): kill -9 under load, a full disk, a locked or corrupt database.
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "fixture.h"
#include "frames.h"

namespace wind::itest {
namespace {

using namespace std::chrono_literals;

// The chat payloads of one `load` of `room` (count 100), until the end marker.
std::vector<Poco::JSON::Object::Ptr> loadRoom(Ws& socket, const std::string& room) {
  socket.send(R"({"type":"load","payload":{"type":"chat","load_id":")" + room +
              R"(","count":100}})");
  std::vector<Poco::JSON::Object::Ptr> out;
  for (;;) {
    auto frame = socket.expectJson();
    const std::string type = frame->optValue<std::string>("type", "");
    if (type != "chat") return out;
    out.push_back(frame->getObject("payload"));
  }
}

// A server whose storage runs with synchronous: full and no frame rate limit
// in the way of the load.
class Durability : public ServerTest {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ServerProcess>(
        "websocket:\n  frames_per_second: 100000\n  frames_burst: 100000\n",
        std::map<std::string, std::string>{{"WIND_STORAGE__SYNCHRONOUS", "full"}});
    server_->start();
  }
};

// Three friend pairs, both sides of each sending (six sender threads); the
// server is killed with SIGKILL while they send. After a restart every
// message any socket received is returned by load, and no content is
// stored twice.
TEST_F(Durability, Kill9DuringDmLoadLosesNothingDelivered) {
  constexpr int kPairs = 3;
  constexpr int kPerSender = 45;  // a room holds at most 90: one load of 100 reads it all
  std::vector<Account> users;
  std::vector<std::unique_ptr<Ws>> sockets;
  for (int i = 0; i < 2 * kPairs; ++i) {
    users.push_back(createUser("d" + std::to_string(i)));
    sockets.push_back(connectAs(users.back()));
  }
  for (int p = 0; p < kPairs; ++p)
    befriend(users[2 * p], *sockets[2 * p], users[2 * p + 1], *sockets[2 * p + 1]);

  std::mutex mutex;
  std::map<std::string, std::string> received;  // message id → content, from any socket
  std::atomic<int> seen{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2 * kPairs; ++i) {
    threads.emplace_back([&, i] {  // sender
      const std::string room = roomOf(users[i], users[i ^ 1]);
      try {
        for (int m = 0; m < kPerSender; ++m)
          sockets[i]->send(sendFrame(room, "s" + std::to_string(i) + "-" + std::to_string(m)));
      } catch (const Poco::Exception&) {
        // The server died mid-send.
      }
    });
    threads.emplace_back([&, i] {  // receiver
      for (;;) {
        Received frame;
        try {
          frame = sockets[i]->receive(3000ms);
        } catch (const Poco::Exception&) {
          return;
        }
        if (frame.kind != Received::Kind::text) return;
        auto object = parseObject(frame.text);
        if (object->optValue<std::string>("type", "") != "chat") continue;
        auto payload = object->getObject("payload");
        std::lock_guard lock(mutex);
        received[payload->getValue<std::string>("id")] = payload->getValue<std::string>("content");
        ++seen;
      }
    });
  }
  // Kill once a good part of the traffic went through, while senders still send.
  for (int i = 0; i < 500 && seen.load() < kPairs * kPerSender; ++i)
    std::this_thread::sleep_for(5ms);
  server_->kill9();
  for (auto& thread : threads) thread.join();
  sockets.clear();
  ASSERT_FALSE(received.empty());
  // Informative: how far the load got before the kill.
  RecordProperty("delivered_before_kill", static_cast<int>(received.size()));
  std::cout << "delivered before kill: " << received.size() << " of " << 2 * kPairs * kPerSender
            << "\n";

  server_->start();
  std::map<std::string, std::string> loaded;
  std::set<std::string> contents;
  for (int p = 0; p < kPairs; ++p) {
    auto socket = connectAs(users[2 * p]);
    for (auto& payload : loadRoom(*socket, roomOf(users[2 * p], users[2 * p + 1]))) {
      const std::string id = payload->getValue<std::string>("id");
      const std::string content = payload->getValue<std::string>("content");
      EXPECT_TRUE(loaded.emplace(id, content).second) << "id loaded twice: " << id;
      EXPECT_TRUE(contents.insert(content).second) << "content stored twice: " << content;
    }
  }
  for (const auto& [id, content] : received) {
    auto it = loaded.find(id);
    ASSERT_NE(it, loaded.end()) << "delivered message " << id << " (" << content << ") lost";
    EXPECT_EQ(it->second, content);
  }
}

// ---- full disk ---------------------------------------------------------------

// A small tmpfs mounted for one test; unmounted (and removed) at the end.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& size) {
    char pattern[] = "/tmp/wind-fulldisk-XXXXXX";
    if (mkdtemp(pattern) == nullptr) return;
    path_ = pattern;
    const std::string options = "size=" + size;
    mounted_ = ::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    if (!path_.empty()) ::rmdir(path_.c_str());
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

// Fills the file system at `path` with a ballast file; returns its name.
std::string fill(const std::string& dir) {
  const std::string file = dir + "/ballast";
  std::ofstream out(file, std::ios::binary);
  const std::string block(64 * 1024, 'b');
  while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
  }
  out.close();
  // The last partial block may still fit: top up byte by byte.
  std::ofstream tail(file, std::ios::binary | std::ios::app);
  for (int i = 0; i < 65536 && tail.put('b'); ++i) {
  }
  return file;
}

std::string integrityOf(const std::string& database) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

class FullDisk : public ServerTest {
 protected:
  void SetUp() override {}  // the server is started inside the test, on the tmpfs
};

// With the data folder full, senders get an error frame (5000) instead of a
// delivery; nothing is corrupted; once space returns, sending works again.
TEST_F(FullDisk, SendersGetErrorsNoCorruptionAndRecovery) {
  if (storageIsPostgres()) GTEST_SKIP() << "SQLite only: fills the disk under the SQLite file";
  SmallDisk disk("8m");
  if (!disk.mounted())
    GTEST_SKIP() << "cannot mount a tmpfs here (" << disk.error()
                 << "): needs root / CAP_SYS_ADMIN";
  const std::string database = disk.path() + "/wind.db";
  server_ = std::make_unique<ServerProcess>(
      "", std::map<std::string, std::string>{{"WIND_STORAGE__PATH", database},
                                             {"WIND_STORAGE__SYNCHRONOUS", "full"}});
  server_->start();
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  befriend(alice, *a, bob, *b);
  const std::string room = roomOf(alice, bob);
  a->send(sendFrame(room, "before"));
  a->expectType("chat");
  b->expectType("chat");

  const std::string ballast = fill(disk.path());
  // Large messages make every write need new pages.
  const std::string big(3000, 'x');
  int errors = 0;
  for (int i = 0; i < 40 && errors == 0; ++i) {
    a->send(sendFrame(room, big + std::to_string(i)));
    auto frame = a->expectJson();
    if (frame->getValue<std::string>("type") == "error") {
      const int code = frame->getObject("payload")->getValue<int>("code");
      EXPECT_TRUE(code == 5000 || code == 4013) << code;
      std::cout << "full disk: error " << code << " after " << i << " large messages\n";
      ++errors;
    } else {
      b->expectType("chat");
    }
  }
  EXPECT_GT(errors, 0) << "no sender saw an error on a full disk";
  // The server keeps answering.
  a->send(R"({"type":"heartbeat","payload":1})");
  a->expectText(R"({"type":"heartbeat","payload":1})");

  std::remove(ballast.c_str());
  a->send(sendFrame(room, "after"));
  auto after = a->expectType("chat");
  EXPECT_EQ(after->getObject("payload")->getValue<std::string>("content"), "after");
  a.reset();
  b.reset();
  EXPECT_EQ(server_->stop(), 0);
  EXPECT_EQ(integrityOf(database), "ok");
  server_.reset();
}

// ---- locked / corrupt database at start -----------------------------------------

class BadDatabase : public ServerTest {
 protected:
  void SetUp() override { server_ = std::make_unique<ServerProcess>(); }
};

// Another process holds an exclusive lock: the server exits non-zero with a
// message naming the database, instead of hanging or serving half-ready.
TEST_F(BadDatabase, LockedDatabaseIsAClearErrorAndNonZeroExit) {
  if (storageIsPostgres()) GTEST_SKIP() << "SQLite only: the locked SQLite file";
  const std::string database = (server_->dir() / "wind.db").string();
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(database.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(
          holder,
          "CREATE TABLE IF NOT EXISTS ballast(x); BEGIN EXCLUSIVE; INSERT INTO ballast VALUES (1);",
          nullptr, nullptr, nullptr),
      SQLITE_OK);
  std::string output;
  const int status = ServerProcess::runTool({"-c", server_->configPath().string()}, output);
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("wind.db"), std::string::npos) << output;
  EXPECT_NE(output.find("lock"), std::string::npos) << output;
  std::cout << "exit " << status << ", output:\n" << output;
}

TEST_F(BadDatabase, CorruptDatabaseIsAClearErrorAndNonZeroExit) {
  if (storageIsPostgres()) GTEST_SKIP() << "SQLite only: the corrupt SQLite file";
  const std::string database = (server_->dir() / "wind.db").string();
  std::ofstream(database, std::ios::binary)
      << std::string(4096, '\x5a') << "this is not an SQLite database";
  std::string output;
  const int status = ServerProcess::runTool({"-c", server_->configPath().string()}, output);
  EXPECT_NE(status, 0) << output;
  EXPECT_NE(output.find("wind.db"), std::string::npos) << output;
  EXPECT_NE(output.find("not a database"), std::string::npos) << output;
  std::cout << "exit " << status << ", output:\n" << output;
}

}  // namespace
}  // namespace wind::itest
