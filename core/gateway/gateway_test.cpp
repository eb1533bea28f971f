// The Gateway behind a real Poco HTTPServer on 127.0.0.1, driven by Poco's
// blocking WebSocket client (and a raw socket where Poco's client can't).
#include "gateway/gateway.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace wind::gateway {
namespace {

using Poco::Net::WebSocket;
using namespace std::chrono_literals;

// Generous bound for "eventually": a guard against hangs, not a timing claim.
constexpr auto kPatience = 20s;

// What the sessions saw, shared with the test thread.
class Probe {
 public:
  void opened(sdk::ConnectionId id) {
    std::lock_guard lock(mutex_);
    opened_.push_back(id);
    changed_.notify_all();
  }
  void closed(sdk::ConnectionId id) {
    std::lock_guard lock(mutex_);
    closed_.insert(sdk::value(id));
    changed_.notify_all();
  }
  void binary() {
    std::lock_guard lock(mutex_);
    ++binaries_;
    changed_.notify_all();
  }
  sdk::ConnectionId waitOpened(std::size_t index) {
    std::unique_lock lock(mutex_);
    EXPECT_TRUE(changed_.wait_for(lock, kPatience, [&] { return opened_.size() > index; }));
    return opened_.size() > index ? opened_[index] : sdk::ConnectionId{};
  }
  bool waitClosed(sdk::ConnectionId id) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, [&] { return closed_.count(sdk::value(id)) != 0; });
  }
  int binaries() {
    std::lock_guard lock(mutex_);
    return binaries_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<sdk::ConnectionId> opened_;
  std::set<std::uint64_t> closed_;
  int binaries_ = 0;
};

// Echoes text; a few words are commands for the tests.
class EchoHandler final : public ConnectionHandler {
 public:
  EchoHandler(Link& link, Probe& probe) : link_(link), probe_(probe) {}
  void onText(std::string_view message) override {
    if (message == "arm deadline") {
      link_.setDeadline(link_.now() + 10s);
      link_.sendText("armed");
    } else if (message == "extend deadline") {
      link_.setDeadline(link_.now() + 20s);
      link_.sendText("extended");
    } else if (message == "close please") {
      link_.close(4003, "Heartbeat missing.");
    } else {
      link_.sendText(message);
    }
  }
  void onBinary() override {
    probe_.binary();
    link_.sendText("binary seen");
  }
  void onDeadline() override { link_.sendText("deadline passed"); }
  void onClosed() override { probe_.closed(link_.id()); }

 private:
  Link& link_;
  Probe& probe_;
};

class EchoFactory final : public SessionFactory {
 public:
  explicit EchoFactory(Probe& probe) : probe_(probe) {}
  std::unique_ptr<ConnectionHandler> open(Link& link) override {
    probe_.opened(link.id());
    return std::make_unique<EchoHandler>(link, probe_);
  }

 private:
  Probe& probe_;
};

class UpgradeRequestHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit UpgradeRequestHandler(http::UpgradeHandler& upgrades) : upgrades_(upgrades) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    upgrades_.upgrade(request, response);
  }

 private:
  http::UpgradeHandler& upgrades_;
};

class NotFoundHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&,
                     Poco::Net::HTTPServerResponse& response) override {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
    response.setContentLength(0);
    response.send();
  }
};

class TestRequestHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit TestRequestHandlerFactory(http::UpgradeHandler& upgrades) : upgrades_(upgrades) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override {
    if (request.getURI() == "/ws") return new UpgradeRequestHandler(upgrades_);
    return new NotFoundHandler;
  }

 private:
  http::UpgradeHandler& upgrades_;
};

// A clock the test moves by hand.
class FakeClock {
 public:
  SteadyTime now() const { return SteadyTime(std::chrono::nanoseconds(nanos_.load())); }
  void advance(std::chrono::nanoseconds step) { nanos_ += step.count(); }

 private:
  std::atomic<std::int64_t> nanos_{1'000'000'000};
};

config::Config testConfig(std::size_t maxConnections = 100) {
  config::Config config;
  config.server.maxConnections = maxConnections;
  config.server.eventLoops = 2;
  config.websocket.maxFrameBytes = 1024;
  config.websocket.outboundQueueBytes = 64 * 1024;
  return config;
}

class GatewayTest : public ::testing::Test {
 protected:
  void startServer(std::size_t maxConnections = 100) {
    GatewayOptions options;
    options.closeTimeout = 300ms;
    options.shutdownGrace = 2s;
    options.clock = [this] { return clock_.now(); };
    gateway_ = std::make_unique<Gateway>(testConfig(maxConnections), factory_,
                                         Poco::Logger::get("gateway_test"), options);
    gateway_->start();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new TestRequestHandlerFactory(*gateway_),
                                                      listener_, params);
    server_->start();
  }

  void TearDown() override {
    if (server_) server_->stopAll(true);
    if (gateway_) gateway_->shutdown();
  }

  std::unique_ptr<WebSocket> connect() {
    Poco::Net::HTTPClientSession session("127.0.0.1", listener_.address().port());
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse response;
    auto socket = std::make_unique<WebSocket>(session, request, response);
    socket->setReceiveTimeout(Poco::Timespan(20, 0));
    return socket;
  }

  struct Frame {
    int flags = 0;
    std::string payload;
    int opcode() const { return flags & WebSocket::FRAME_OP_BITMASK; }
    int closeCode() const {
      return payload.size() < 2 ? 0
                                : (static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]);
    }
  };

  static Frame receive(WebSocket& socket) {
    std::string buffer(256 * 1024, '\0');
    Frame frame;
    const int size =
        socket.receiveFrame(buffer.data(), static_cast<int>(buffer.size()), frame.flags);
    frame.payload = buffer.substr(0, static_cast<std::size_t>(std::max(size, 0)));
    return frame;
  }

  static void sendText(WebSocket& socket, const std::string& text) {
    socket.sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
  }

  std::string echo(WebSocket& socket, const std::string& text) {
    sendText(socket, text);
    return receive(socket).payload;
  }

  FakeClock clock_;
  Probe probe_;
  EchoFactory factory_{probe_};
  Poco::Net::ServerSocket listener_{Poco::Net::SocketAddress("127.0.0.1", 0)};
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST_F(GatewayTest, EchoesText) {
  startServer();
  auto socket = connect();
  Frame frame;
  sendText(*socket, "hello");
  frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_TEXT);
  EXPECT_EQ(frame.payload, "hello");
  const std::string large(1000, 'L');
  EXPECT_EQ(echo(*socket, large), large);
  EXPECT_EQ(gateway_->connectionCount(), 1U);
}

TEST_F(GatewayTest, ReassemblesFragments) {
  startServer();
  auto socket = connect();
  socket->sendFrame("Hel", 3, WebSocket::FRAME_OP_TEXT);
  socket->sendFrame("lo, ", 4, WebSocket::FRAME_OP_CONT);
  socket->sendFrame("world", 5, int{WebSocket::FRAME_OP_CONT} | int{WebSocket::FRAME_FLAG_FIN});
  EXPECT_EQ(receive(*socket).payload, "Hello, world");
}

TEST_F(GatewayTest, AnswersPingWithPong) {
  startServer();
  auto socket = connect();
  socket->sendFrame("abc", 3, int{WebSocket::FRAME_FLAG_FIN} | int{WebSocket::FRAME_OP_PING});
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_PONG);
  EXPECT_EQ(frame.payload, "abc");
}

TEST_F(GatewayTest, EchoesTheClientsCloseCode) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  socket->shutdown(4001, "bye");
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(frame.closeCode(), 4001);
  EXPECT_TRUE(probe_.waitClosed(id));
}

TEST_F(GatewayTest, SessionCloseSendsItsCode) {
  startServer();
  auto socket = connect();
  sendText(*socket, "close please");
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(frame.closeCode(), 4003);
  EXPECT_EQ(frame.payload.substr(2), "Heartbeat missing.");
}

TEST_F(GatewayTest, BinaryReachesOnBinary) {
  startServer();
  auto socket = connect();
  socket->sendFrame("\x01\x02", 2, WebSocket::FRAME_BINARY);
  EXPECT_EQ(receive(*socket).payload, "binary seen");
  EXPECT_EQ(probe_.binaries(), 1);
}

TEST_F(GatewayTest, InvalidUtf8Closes1007) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  sendText(*socket, "bad \xed\xa0\x80 text");
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(frame.closeCode(), 1007);
  EXPECT_TRUE(probe_.waitClosed(id));
}

TEST_F(GatewayTest, OversizeCloses1009) {
  startServer();
  auto socket = connect();
  sendText(*socket, std::string(5000, 'x'));
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(frame.closeCode(), 1009);
}

TEST_F(GatewayTest, PostedWorkRunsInOrder) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  std::thread poster([&] {
    for (int i = 0; i < 200; ++i) {
      if (i % 2 == 0) {
        gateway_->post(id,
                       [i](Link& link, ConnectionHandler&) { link.sendText(std::to_string(i)); });
      } else {
        gateway_->send(id, std::to_string(i));
      }
    }
  });
  poster.join();
  for (int i = 0; i < 200; ++i) ASSERT_EQ(receive(*socket).payload, std::to_string(i));
}

// An idle loop (no timers, nothing to read) sleeps in epoll_wait until
// something wakes it: work posted inside a WakeBatch waits for the end of
// the outermost scope. A loop still busy when the work arrives runs it on
// its own, so the test first lets the loop finish every iteration it has.
TEST_F(GatewayTest, WorkPostedInAWakeBatchRunsWhenTheBatchEnds) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  EXPECT_EQ(echo(*socket, "idle next"), "idle next");
  std::this_thread::sleep_for(200ms);
  std::atomic<int> ran{0};
  const auto work = [&ran](int i) {
    return [&ran, i](Link& link, ConnectionHandler&) {
      ++ran;
      link.sendText(std::to_string(i));
    };
  };
  {
    const WakeBatch outer;
    gateway_->post(id, work(0));
    {
      const WakeBatch inner;
      gateway_->post(id, work(1));
    }
    gateway_->send(id, "2");
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(ran.load(), 0);
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(receive(*socket).payload, std::to_string(i));
  EXPECT_EQ(ran.load(), 2);
}

TEST_F(GatewayTest, UnknownIdsAreIgnored) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  gateway_->send(sdk::ConnectionId{sdk::value(id) + (1ULL << 32)}, "to nobody");
  gateway_->send(sdk::ConnectionId{0xFFFFFFFFFFULL}, "to nobody");
  gateway_->send(id, "to you");
  EXPECT_EQ(receive(*socket).payload, "to you");
}

TEST_F(GatewayTest, DeadlineFiresWhenTheClockPassesIt) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  EXPECT_EQ(echo(*socket, "arm deadline"), "armed");
  EXPECT_EQ(echo(*socket, "not yet"), "not yet");  // the loop ran its timers: nothing due
  clock_.advance(11s);
  gateway_->post(id, [](Link&, ConnectionHandler&) {});  // wakes the loop
  EXPECT_EQ(receive(*socket).payload, "deadline passed");
}

TEST_F(GatewayTest, ALaterDeadlineReplacesAnEarlierOne) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  // The loop runs due timers in the same iteration as posted work, right
  // after it: anything due is sent before the next client message's echo.
  auto wake = [&] {
    gateway_->post(id, [](Link& link, ConnectionHandler&) { link.sendText("woke"); });
    EXPECT_EQ(receive(*socket).payload, "woke");
  };
  EXPECT_EQ(echo(*socket, "arm deadline"), "armed");
  EXPECT_EQ(echo(*socket, "extend deadline"), "extended");
  clock_.advance(11s);
  wake();
  EXPECT_EQ(echo(*socket, "not yet"), "not yet");
  clock_.advance(10s);
  wake();
  EXPECT_EQ(receive(*socket).payload, "deadline passed");
  clock_.advance(60s);
  wake();
  EXPECT_EQ(echo(*socket, "only once"), "only once");
}

TEST_F(GatewayTest, SlowReaderIsCutWhileOthersKeepGoing) {
  startServer();
  auto slow = connect();
  const sdk::ConnectionId slowId = probe_.waitOpened(0);
  auto fast = connect();
  probe_.waitOpened(1);
  const std::string chunk(16 * 1024, 's');
  std::atomic<bool> stop{false};
  std::thread flooder([&] {
    // Far more than the kernel buffers plus the 64 KiB queue can hold.
    for (int i = 0; i < 4000 && !stop; ++i) gateway_->send(slowId, chunk);
  });
  EXPECT_TRUE(probe_.waitClosed(slowId));
  stop = true;
  flooder.join();
  EXPECT_EQ(echo(*fast, "still here"), "still here");
}

TEST_F(GatewayTest, ShutdownSends1001) {
  startServer();
  auto socket = connect();
  const sdk::ConnectionId id = probe_.waitOpened(0);
  EXPECT_EQ(echo(*socket, "before"), "before");
  std::thread stopper([&] { gateway_->shutdown(); });
  const Frame frame = receive(*socket);
  EXPECT_EQ(frame.opcode(), WebSocket::FRAME_OP_CLOSE);
  EXPECT_EQ(frame.closeCode(), 1001);
  EXPECT_EQ(frame.payload.substr(2), "Server shutting down.");
  socket->close();
  stopper.join();
  EXPECT_TRUE(probe_.waitClosed(id));
  EXPECT_EQ(gateway_->connectionCount(), 0U);
}

TEST_F(GatewayTest, KeepsBytesSentRightBehindTheHandshake) {
  startServer();
  Poco::Net::StreamSocket raw(listener_.address());
  raw.setReceiveTimeout(Poco::Timespan(20, 0));
  // Handshake and a masked text frame "early" in one write.
  std::string wire =
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  const char key[4] = {1, 2, 3, 4};
  const std::string payload = "early";
  wire += "\x81";
  wire += static_cast<char>(0x80 | payload.size());
  wire.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    wire += static_cast<char>(payload[i] ^ key[i % 4]);
  raw.sendBytes(wire.data(), static_cast<int>(wire.size()));

  std::string received;
  char buffer[4096];
  const std::string expectedFrame = "\x81\x05" + payload;
  while (received.find("\r\n\r\n") == std::string::npos ||
         received.size() < received.find("\r\n\r\n") + 4 + expectedFrame.size()) {
    const int got = raw.receiveBytes(buffer, sizeof buffer);
    ASSERT_GT(got, 0);
    received.append(buffer, static_cast<std::size_t>(got));
  }
  EXPECT_NE(received.find("HTTP/1.1 101"), std::string::npos);
  // RFC 6455 §1.3's sample key and answer.
  EXPECT_NE(received.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos);
  EXPECT_EQ(received.substr(received.find("\r\n\r\n") + 4), expectedFrame);
}

std::string httpGet(const Poco::Net::SocketAddress& address, Poco::Net::HTTPRequest& request,
                    Poco::Net::HTTPResponse& response) {
  Poco::Net::HTTPClientSession session(address);
  session.sendRequest(request);
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), body);
  return body.str();
}

TEST_F(GatewayTest, RejectsABadHandshakeWithJson) {
  startServer();
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse response;
  const std::string body = httpGet(listener_.address(), request, response);
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
  EXPECT_EQ(body.rfind(R"({"type":"error","payload":{"code":4000,"message":")", 0), 0U) << body;

  Poco::Net::HTTPRequest versionless(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                                     Poco::Net::HTTPMessage::HTTP_1_1);
  versionless.set("Upgrade", "websocket");
  versionless.set("Connection", "Upgrade");
  versionless.set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  versionless.set("Sec-WebSocket-Version", "8");
  httpGet(listener_.address(), versionless, response);
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
  EXPECT_EQ(gateway_->connectionCount(), 0U);
}

TEST_F(GatewayTest, AnswersServiceUnavailableOverTheLimit) {
  startServer(1);
  auto first = connect();
  try {
    connect();
    ADD_FAILURE() << "the second connection was accepted";
  } catch (const Poco::Net::WebSocketException&) {
  }
  EXPECT_EQ(echo(*first, "first still works"), "first still works");
  EXPECT_EQ(gateway_->connectionCount(), 1U);
}

TEST_F(GatewayTest, IdsNameTheirLoop) {
  startServer();
  auto a = connect();
  auto b = connect();
  const sdk::ConnectionId first = probe_.waitOpened(0);
  const sdk::ConnectionId second = probe_.waitOpened(1);
  EXPECT_NE(first, second);
  // Two loops, least-loaded placement: one connection on each.
  EXPECT_NE(loopIndexOf(first), loopIndexOf(second));
  EXPECT_LT(loopIndexOf(first), gateway_->eventLoopCount());
}

}  // namespace
}  // namespace wind::gateway
