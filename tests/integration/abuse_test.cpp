// Abuse resistance against the real server (SECURITY.md §Limits): each test
// attacks one way and checks, within the same test, that a normal client is
// still served.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "fixture.h"

namespace wind::itest {
namespace {

using Poco::Net::WebSocket;
using namespace std::chrono_literals;

// The answer to a WebSocket upgrade; `socket` holds the connection when it was 101.
struct Upgrade {
  int status = 0;
  std::string body;
  std::string retryAfter;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  std::unique_ptr<WebSocket> socket;
  int code() const { return parseObject(body)->getObject("payload")->getValue<int>("code"); }
};

// An HTTP session whose connection comes from `source` (any 127.0.0.0/8
// address works on Linux loopback): a second "client address".
std::unique_ptr<Poco::Net::HTTPClientSession> sessionFrom(const std::string& source,
                                                          std::uint16_t port) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
  socket.impl()->bind(Poco::Net::SocketAddress(source, 0));
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  // Requests on it set their Host header themselves.
  return std::make_unique<Poco::Net::HTTPClientSession>(socket);
}

// Upgrades from `source` (any 127.0.0.0/8 address works on Linux loopback)
// with an optional Origin header.
Upgrade upgrade(std::uint16_t port, const std::string& source = "127.0.0.1",
                const std::string& origin = {}) {
  Upgrade out;
  out.session = sessionFrom(source, port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setHost("127.0.0.1", port);
  if (!origin.empty()) request.set("Origin", origin);
  Poco::Net::HTTPResponse response;
  try {
    out.socket = std::make_unique<WebSocket>(*out.session, request, response);
    out.status = 101;
  } catch (const Poco::Net::WebSocketException&) {
    out.status = static_cast<int>(response.getStatus());
    out.retryAfter = response.get("Retry-After", "");
  }
  return out;
}

// A handshake written by hand (Poco's client rewrites Connection on a
// session built from a socket), reading the whole refusal: status line,
// Retry-After and the JSON body (the server closes after a refusal or
// sends Content-Length).
Upgrade refusedUpgrade(std::uint16_t port, const std::string& source = "127.0.0.1",
                       const std::string& origin = {}) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
  socket.impl()->bind(Poco::Net::SocketAddress(source, 0));
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  std::string request =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  if (!origin.empty()) request += "Origin: " + origin + "\r\n";
  request += "\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string reply;
  char buffer[4096];
  for (;;) {
    const std::size_t headerEnd = reply.find("\r\n\r\n");
    if (headerEnd != std::string::npos) {
      const std::size_t lengthAt = reply.find("Content-Length: ");
      if (lengthAt != std::string::npos && lengthAt < headerEnd) {
        const std::size_t length = std::stoul(reply.substr(lengthAt + 16));
        if (reply.size() >= headerEnd + 4 + length) break;
      } else if (reply.compare(9, 3, "101") == 0) {
        break;
      }
    }
    const int n = socket.receiveBytes(buffer, sizeof buffer);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  Upgrade out;
  if (reply.size() < 12) return out;
  out.status = std::stoi(reply.substr(9, 3));
  const std::size_t headerEnd = reply.find("\r\n\r\n");
  const std::size_t retryAt = reply.find("Retry-After: ");
  if (retryAt != std::string::npos && retryAt < headerEnd) {
    out.retryAfter = reply.substr(retryAt + 13, reply.find("\r\n", retryAt) - retryAt - 13);
  }
  if (headerEnd != std::string::npos) out.body = reply.substr(headerEnd + 4);
  return out;
}

// A raw TCP connection that sends bytes slowly.
Poco::Net::StreamSocket rawConnect(std::uint16_t port) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", port));
  return socket;
}

void expectHeartbeat(std::uint16_t port) {
  Ws socket(port);
  socket.send(R"({"type":"heartbeat","payload":42})");
  socket.expectText(R"({"type":"heartbeat","payload":42})");
}

// ---- slowloris ---------------------------------------------------------------

class SlowClients : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "server:\n  listen: \"127.0.0.1:0\"\n  public_url: \"http://127.0.0.1\"\n  event_loops: "
           "2\n"
           "  workers: 4\n  http_threads: 4\n  request_header_timeout: 2s\n";
  }

  // Opens `count` connections (three times server.http_threads) that send
  // `prefix` and then one more byte every 200 ms from a background thread,
  // never finishing the request; meanwhile `probe` runs `rounds` times and
  // must succeed every time. Without a total header deadline the probes
  // queue behind the dribblers forever (each read is within the 10 s
  // receive timeout).
  void dribble(int count, const std::string& prefix, int rounds,
               const std::function<void()>& probe) {
    std::vector<Poco::Net::StreamSocket> slow;
    for (int i = 0; i < count; ++i) {
      slow.push_back(rawConnect(server_->port()));
      slow.back().sendBytes(prefix.data(), static_cast<int>(prefix.size()));
    }
    std::atomic<bool> stop{false};
    std::atomic<int> cut{0};
    std::thread dribbler([&] {
      std::vector<bool> gone(slow.size(), false);
      while (!stop) {
        for (std::size_t i = 0; i < slow.size(); ++i) {
          if (gone[i]) continue;
          try {
            slow[i].sendBytes("X", 1);
          } catch (const Poco::Exception&) {
            gone[i] = true;
            ++cut;
          }
        }
        std::this_thread::sleep_for(200ms);
      }
    });
    for (int round = 0; round < rounds; ++round) {
      try {
        probe();
      } catch (const Poco::Exception& error) {
        ADD_FAILURE() << "a normal client was not served: " << error.displayText();
      }
    }
    stop = true;
    dribbler.join();
    // The dribblers themselves are cut once their headers are overdue.
    for (auto& socket : slow) {
      socket.setReceiveTimeout(Poco::Timespan(30, 0));
      char buffer[512];
      int got = 0;
      try {
        do {
          got = socket.receiveBytes(buffer, sizeof buffer);
        } while (got > 0);
      } catch (const Poco::Exception&) {
        got = 0;  // reset: cut as well
      }
      EXPECT_EQ(got, 0);
    }
  }
};

// More dribbling clients than HTTP threads: normal requests are still answered.
TEST_F(SlowClients, HttpSlowlorisDoesNotStarveOthers) {
  dribble(12, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 5,
          [this] { EXPECT_EQ(http().get("/healthz").status, 200); });
}

TEST_F(SlowClients, WebSocketUpgradeSlowlorisDoesNotStarveOthers) {
  dribble(12,
          "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Version: 13\r\nX-Slow: ",
          5, [this] { expectHeartbeat(server_->port()); });
}

// A keep-alive connection that dribbles its second request is cut too, and
// a normal keep-alive client is not (its next request comes in time).
TEST_F(SlowClients, SecondRequestOnAKeptAliveConnectionHasADeadlineToo) {
  auto socket = rawConnect(server_->port());
  const std::string first = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  socket.sendBytes(first.data(), static_cast<int>(first.size()));
  socket.setReceiveTimeout(Poco::Timespan(30, 0));
  char buffer[1024];
  const int n = socket.receiveBytes(buffer, sizeof buffer);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, 12), "HTTP/1.1 200");
  const std::string second = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  socket.sendBytes(second.data(), static_cast<int>(second.size()));
  int got = 1;
  try {
    for (int i = 0; i < 100 && got > 0; ++i) {
      socket.sendBytes("X", 1);
      socket.setReceiveTimeout(Poco::Timespan(0, 200000));
      try {
        got = socket.receiveBytes(buffer, sizeof buffer);
      } catch (const Poco::TimeoutException&) {
        got = 1;  // still open
      }
    }
  } catch (const Poco::Exception&) {
    got = 0;
  }
  EXPECT_EQ(got, 0) << "the dribbled second request was not cut";
  EXPECT_EQ(http().get("/healthz").status, 200);
}

// ---- connection caps ---------------------------------------------------------

class ConnectionCaps : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "server:\n  listen: \"127.0.0.1:0\"\n  public_url: \"http://127.0.0.1\"\n  event_loops: "
           "2\n"
           "  workers: 4\n  max_connections: 6\n  max_connections_per_address: 3\n";
  }
};

TEST_F(ConnectionCaps, PerAddressCapRefuses429WhileOtherAddressesAreServed) {
  std::vector<Upgrade> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(upgrade(server_->port(), "127.0.0.1"));
    ASSERT_EQ(held.back().status, 101);
  }
  const auto refused = refusedUpgrade(server_->port(), "127.0.0.1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.code(), 4029);
  EXPECT_FALSE(refused.retryAfter.empty());
  // Another address is still let in and served.
  auto other = upgrade(server_->port(), "127.0.0.2");
  ASSERT_EQ(other.status, 101);
  other.socket->sendFrame(R"({"type":"heartbeat","payload":1})", 32, WebSocket::FRAME_TEXT);
  char buffer[256];
  int flags = 0;
  other.socket->setReceiveTimeout(Poco::Timespan(5, 0));
  const int n = other.socket->receiveFrame(buffer, sizeof buffer, flags);
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(n)),
            R"({"type":"heartbeat","payload":1})");
  // Closing one gives the slot back (released on the loop thread: poll).
  held.front().socket->shutdown();
  held.front().socket->close();
  bool readmitted = false;
  for (int i = 0; i < 50 && !readmitted; ++i) {
    readmitted = upgrade(server_->port(), "127.0.0.1").status == 101;
    if (!readmitted) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(readmitted);
}

TEST_F(ConnectionCaps, GlobalCapRefuses503AndOpenSocketsKeepWorking) {
  std::vector<Upgrade> held;
  for (const char* source : {"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
    for (int i = 0; i < 2; ++i) {
      held.push_back(upgrade(server_->port(), source));
      ASSERT_EQ(held.back().status, 101);
    }
  }
  const auto refused = refusedUpgrade(server_->port(), "127.0.0.4");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.code(), 5000);
  // Plain HTTP and the open sockets are unaffected.
  EXPECT_EQ(http().get("/healthz").status, 200);
  for (auto& open : held) {
    open.socket->sendFrame(R"({"type":"heartbeat","payload":2})", 32, WebSocket::FRAME_TEXT);
    char buffer[256];
    int flags = 0;
    open.socket->setReceiveTimeout(Poco::Timespan(5, 0));
    const int n = open.socket->receiveFrame(buffer, sizeof buffer, flags);
    EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(n)),
              R"({"type":"heartbeat","payload":2})");
  }
}

// ---- Origin ------------------------------------------------------------------

class Origins : public ServerTest {};

TEST_F(Origins, ForeignOriginIsRefused403) {
  const auto refused = refusedUpgrade(server_->port(), "127.0.0.1", "https://evil.example");
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.code(), 4005);
  // Same origin (the Host the browser used) and no Origin at all are fine.
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_EQ(upgrade(server_->port(), "127.0.0.1", own).status, 101);
  EXPECT_EQ(upgrade(server_->port(), "127.0.0.1").status, 101);
  expectHeartbeat(server_->port());
}

class AllowedOrigins : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "websocket:\n  allowed_origins: \"https://app.example, https://other.example\"\n";
  }
};

TEST_F(AllowedOrigins, ListedOriginIsAcceptedOthersRefused) {
  EXPECT_EQ(upgrade(server_->port(), "127.0.0.1", "https://other.example").status, 101);
  EXPECT_EQ(refusedUpgrade(server_->port(), "127.0.0.1", "https://evil.example").status, 403);
  expectHeartbeat(server_->port());
}

// ---- frames ------------------------------------------------------------------

class FrameFlood : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "websocket:\n  frames_per_second: 5\n  frames_burst: 10\n";
  }
};

// The flood itself is covered by websocket_test (WsRateLimit); here: while
// one socket floods, another one's requests keep being answered.
TEST_F(FrameFlood, FloodingSocketDoesNotSlowOthers) {
  auto flooder = createUser("flooder");
  auto normal = createUser("normal");
  auto flood = connectAs(flooder);
  auto calm = connectAs(normal);
  std::thread sender([&] {
    try {
      for (int i = 0; i < 2000; ++i)
        flood->send(R"({"type":"load","payload":{"type":"mutual_users"}})");
    } catch (const Poco::Exception&) {
      // Closed with 1008 mid-flood: expected.
    }
  });
  for (int i = 0; i < 5; ++i) {
    calm->send(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
    calm->expectText(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
  }
  sender.join();
}

class Fragments : public ServerTest {};

// 10,000 one-byte continuation frames of one message: answered (or closed),
// never a crash; the server keeps serving.
TEST_F(Fragments, TenThousandOneByteFragmentsAreHandled) {
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  WebSocket socket(session, request, response);
  const std::string message =
      R"({"type":"heartbeat","payload":")" + std::string(10000 - 33, 'f') + R"("})";
  socket.sendFrame(message.data(), 1, WebSocket::FRAME_OP_TEXT);  // no FIN
  for (std::size_t i = 1; i + 1 < message.size(); ++i)
    socket.sendFrame(&message[i], 1, WebSocket::FRAME_OP_CONT);
  socket.sendFrame(
      &message.back(), 1,
      static_cast<int>(WebSocket::FRAME_FLAG_FIN) | static_cast<int>(WebSocket::FRAME_OP_CONT));
  socket.setReceiveTimeout(Poco::Timespan(10, 0));
  Poco::Buffer<char> buffer(0);
  int flags = 0;
  const int n = socket.receiveFrame(buffer, flags);
  const int opcode = flags & WebSocket::FRAME_OP_BITMASK;
  if (opcode == WebSocket::FRAME_OP_TEXT) {
    EXPECT_EQ(std::string(buffer.begin(), static_cast<std::size_t>(n)), message);
  } else {
    EXPECT_EQ(opcode, WebSocket::FRAME_OP_CLOSE);
  }
  expectHeartbeat(server_->port());
}

// ---- nesting -----------------------------------------------------------------

class DeepJson : public ServerTest {};

TEST_F(DeepJson, DeeplyNestedWebSocketMessageIs1007AndTheSocketStays) {
  auto socket = ws();
  const int depth = 30000;  // 60 kB, under websocket.max_frame_bytes
  socket->send(R"({"type":"heartbeat","payload":)" + std::string(depth, '[') +
               std::string(depth, ']') + "}");
  socket->expectError(1007);
  socket->send(R"({"type":"heartbeat","payload":7})");
  socket->expectText(R"({"type":"heartbeat","payload":7})");
}

TEST_F(DeepJson, DeeplyNestedHttpBodyIs400) {
  const int depth = 30000;  // 60 kB, under server.max_body_bytes
  const std::string body = R"({"name":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  const auto result = http().post("/api/v1/auth/register", body, "application/json");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.code(), 4000);
  EXPECT_EQ(http().get("/healthz").status, 200);
}

// ---- headers -----------------------------------------------------------------

class HugeHeaders : public ServerTest {
 protected:
  // Sends a GET /healthz with `headers` and returns the status line, or ""
  // when the server closed (or reset) the connection without answering: it
  // may refuse before the client finished sending, and then the kernel
  // resets the connection and the 400 can be lost.
  std::string statusLineFor(const std::string& headers) {
    auto socket = rawConnect(server_->port());
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n";
    std::string reply;
    try {
      socket.sendBytes(request.data(), static_cast<int>(request.size()));
      char buffer[1024];
      int n = 0;
      while (reply.find("\r\n") == std::string::npos &&
             (n = socket.receiveBytes(buffer, sizeof buffer)) > 0) {
        reply.append(buffer, static_cast<std::size_t>(n));
      }
    } catch (const Poco::Exception&) {
      // Reset by the server while sending or reading: refused.
    }
    return reply.substr(0, reply.find("\r\n"));
  }
};

// An oversized header field or too many fields are refused (Poco: 8 KiB per
// field, 100 fields) with 400, never served; the server keeps serving.
TEST_F(HugeHeaders, OversizedHeaderIsRefused400) {
  const std::string huge = statusLineFor("X-Huge: " + std::string(100000, 'h') + "\r\n");
  EXPECT_TRUE(huge.empty() || huge.rfind("HTTP/1.1 400", 0) == 0) << huge;
  std::string many;
  for (int i = 0; i < 200; ++i) many += "X-Many-" + std::to_string(i) + ": v\r\n";
  const std::string tooMany = statusLineFor(many);
  EXPECT_TRUE(tooMany.empty() || tooMany.rfind("HTTP/1.1 400", 0) == 0) << tooMany;
  // Just over the field limit, sent in one piece: the 400 itself arrives.
  EXPECT_EQ(statusLineFor("X-Big: " + std::string(9000, 'b') + "\r\n").substr(0, 12),
            "HTTP/1.1 400");
  EXPECT_EQ(http().get("/healthz").status, 200);
}

// ---- registration and friend-request floods -----------------------------------

class RegisterFlood : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "auth:\n  email_verification: true\n  registrations_per_hour: 3\n";
  }
};

HttpResult registerFrom(std::uint16_t port, const std::string& source, const std::string& name) {
  auto session = sessionFrom(source, port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/auth/register",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  const std::string body =
      form({{"name", name}, {"email", name + "@example.com"}, {"password", "password1"}});
  request.setContentType("application/x-www-form-urlencoded");
  request.setHost("127.0.0.1", port);
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  session->sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  HttpResult result;
  Poco::StreamCopier::copyToString(session->receiveResponse(response), result.body);
  result.status = static_cast<int>(response.getStatus());
  result.headers["retry-after"] = response.get("Retry-After", "");
  return result;
}

TEST_F(RegisterFlood, RegistrationsPerAddressAreLimited429) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(registerFrom(server_->port(), "127.0.0.5", "flood" + std::to_string(i)).status, 201);
  const auto limited = registerFrom(server_->port(), "127.0.0.5", "flood9");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code(), 4029);
  EXPECT_GE(std::stoi(limited.headers.at("retry-after")), 1);
  // Someone else registers and logs in normally.
  auto account = createUser("normal");
  EXPECT_FALSE(account.token.empty());
}

class FriendFlood : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "plugins:\n  heartbeat: {}\n  mutual_users:\n    requests_per_minute: 3\n  chat: {}\n  "
           "load: {}\n";
  }
};

TEST_F(FriendFlood, FriendRequestsPerUserAreLimited4029) {
  auto spammer = createUser("spammer");
  auto normal = createUser("normal");
  std::vector<Account> targets;
  for (int i = 0; i < 4; ++i) targets.push_back(createUser("target" + std::to_string(i)));
  auto socket = connectAs(spammer);
  for (int i = 0; i < 3; ++i) {
    socket->send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + targets[i].id +
                 R"("}})");
    socket->expectType("ok");
  }
  socket->send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + targets[3].id +
               R"("}})");
  EXPECT_GT(socket->expectError(4029)->getValue<int>("retry_after_ms"), 0);
  // Another user is served.
  auto other = connectAs(normal);
  other->send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + targets[3].id +
              R"("}})");
  other->expectType("ok");
}

// ---- secrets -----------------------------------------------------------------

class Secrets : public ServerTest {};

std::string fileText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// After a full register / verify / login / chat / logout flow at log level
// debug, neither the server log nor the database files hold a password, a
// login token or a verification key in clear.
TEST_F(Secrets, NeverLoggedNorStoredInClear) {
  if (storageIsPostgres())
    GTEST_SKIP() << "SQLite only: reads the stored secrets from the SQLite file";
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  const auto aliceKey = server_->verifyKeyFor(alice.email);
  const auto bobKey = server_->verifyKeyFor(bob.email);
  ASSERT_TRUE(aliceKey && bobKey);
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  befriend(alice, *a, bob, *b);
  a->send(R"({"type":"chat","payload":{"type":"send","chat_id":")" +
          std::to_string(std::stoull(alice.id) ^ std::stoull(bob.id)) + R"(","content":"hello"}})");
  a->expectType("chat");
  EXPECT_EQ(login(alice.email, "wrong password!").status, 401);
  EXPECT_EQ(http()
                .post("/api/v1/auth/logout", "", "application/x-www-form-urlencoded",
                      {{"Authorization", "Bearer " + bob.token}})
                .status,
            200);
  a.reset();
  b.reset();
  EXPECT_EQ(server_->stop(), 0);

  std::string stored;
  for (const auto& entry : std::filesystem::directory_iterator(server_->dir())) {
    if (entry.path().filename().string().rfind("wind.db", 0) == 0) stored += fileText(entry.path());
  }
  const std::string log = server_->log();
  ASSERT_FALSE(log.empty());
  ASSERT_FALSE(stored.empty());
  for (const std::string& secret : {alice.password, bob.password, std::string("wrong password!"),
                                    alice.token, bob.token, *aliceKey, *bobKey}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "server log holds a secret: " << secret;
    EXPECT_EQ(stored.find(secret), std::string::npos)
        << "database holds a secret in clear: " << secret;
  }
}

}  // namespace
}  // namespace wind::itest
