// PROTOCOL.md §3.1–3.3 and §3.7 against the real server, transcript style.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>
#include <signal.h>

#include <thread>

#include "fixture.h"

namespace wind::itest {
namespace {

using Poco::Net::WebSocket;
using namespace std::chrono_literals;

class Ws_ : public ServerTest {};

TEST_F(Ws_, HeartbeatEchoesThePayloadTextExactly) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":{"count":1}})");
  s->expectText(R"({"type":"heartbeat","payload":{"count":1}})");
  s->send(R"({"type":"heartbeat","payload":{"n":1.50e+10,"x":[1, 2.000],"s":"\u00e9"}})");
  s->expectText(R"({"type":"heartbeat","payload":{"n":1.50e+10,"x":[1, 2.000],"s":"\u00e9"}})");
  s->send(R"({"type":"heartbeat","payload":12345678901234567890123})");
  s->expectText(R"({"type":"heartbeat","payload":12345678901234567890123})");
}

TEST_F(Ws_, NonceIsCopiedOntoRepliesAndErrors) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":7,"nonce":"n-1"})");
  auto echo = s->expectType("heartbeat");
  EXPECT_EQ(echo->getValue<std::string>("nonce"), "n-1");
  s->send(R"({"type":"chat","payload":{},"nonce":"n-2"})");
  auto err = s->expectJson();
  EXPECT_EQ(err->getValue<std::string>("type"), "error");
  EXPECT_EQ(err->getValue<std::string>("nonce"), "n-2");
  EXPECT_EQ(err->getObject("payload")->getValue<int>("code"), 4001);
  s->send(R"({"type":"heartbeat","payload":7,"nonce":")" + std::string(65, 'x') + R"("})");
  s->expectError(4000);
  s->send(R"({"type":"heartbeat","payload":7,"nonce":5})");
  s->expectError(4000);
}

TEST_F(Ws_, AuthBeforeFirstHeartbeatCloses4003) {
  auto a = createUser("alice");
  auto s = ws();
  s->send(R"({"type":"auth","payload":{"auth":")" + a.token + R"("}})");
  auto r = s->receive();
  ASSERT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 4003);
  EXPECT_EQ(r.closeReason, "First heartbeat payload was not received.");
}

TEST_F(Ws_, EverythingElseNeedsAuth) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":null})");
  s->expectType("heartbeat");
  s->send(R"({"type":"chat","payload":{"type":"send","chat_id":"1","content":"hi"}})");
  s->expectError(4001);
  s->send(R"({"type":"load","payload":{"type":"mutual_users"}})");
  s->expectError(4001);
}

TEST_F(Ws_, AuthSnapshotHasSelfAndArrays) {
  auto a = createUser("bob");
  auto s = ws();
  auto snapshot = s->authenticate(a.token);
  auto self = snapshot->getObject("self_user");
  EXPECT_EQ(self->getValue<std::string>("name"), "bob");
  EXPECT_TRUE(self->isNull("profile"));
  EXPECT_FALSE(self->getValue<std::string>("id").empty());
  EXPECT_TRUE(snapshot->isArray("mutual_requests"));
  EXPECT_TRUE(snapshot->isArray("mutual_users"));
  // The same user again gets a fresh snapshot.
  s->send(R"({"type":"auth","payload":{"auth":")" + a.token + R"("}})");
  auto again = s->expectType("auth");
  EXPECT_EQ(again->getObject("payload")->getObject("self_user")->getValue<std::string>("id"),
            self->getValue<std::string>("id"));
}

TEST_F(Ws_, AuthErrors) {
  auto a = createUser("carl");
  auto b = createUser("dora");
  auto s = ws();
  s->authenticate(a.token);
  s->send(R"({"type":"auth","payload":{"auth":")" + b.token + R"("}})");
  s->expectError(4005);
  s->send(R"({"type":"auth","payload":{"token":"x"}})");
  s->expectError(4000);
  // Third refused auth: its error, then close 4002.
  s->send(R"({"type":"auth","payload":{"auth":"bogus"}})");
  s->expectError(4002);
  s->expectClose(4002);
}

TEST_F(Ws_, ThreeBadTokensClose4002) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":0})");
  s->expectType("heartbeat");
  for (int i = 0; i < 2; ++i) {
    s->send(R"({"type":"auth","payload":{"auth":"nope"}})");
    s->expectError(4002);
  }
  s->send(R"({"type":"auth","payload":{"auth":"nope"}})");
  s->expectError(4002);
  s->expectClose(4002);
}

TEST_F(Ws_, BadFramesGetErrorsAndTheConnectionStays) {
  auto s = ws();
  s->sendBinary("\x01\x02");
  s->expectError(1003);
  s->send("not json");
  s->expectError(1007);
  s->send("[1,2]");
  s->expectError(1007);
  s->send(R"({"type":5,"payload":{}})");
  s->expectError(1007);
  s->send(std::string(100, '[') + std::string(100, ']'));
  s->expectError(1007);
  s->send(R"({"type":"heartbeat","payload":"still here"})");
  s->expectText(R"({"type":"heartbeat","payload":"still here"})");
}

TEST_F(Ws_, UnknownTypeIs4000) {
  auto a = createUser("eve");
  auto s = connectAs(a);
  s->send(R"({"type":"teleport","payload":{}})");
  s->expectError(4000);
}

TEST_F(Ws_, InvalidUtf8Closes1007) {
  auto s = ws();
  s->send(std::string("{\"type\":\"heartbeat\",\"payload\":\"\xc3\x28\"}"));
  auto r = s->receive();
  ASSERT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 1007);
}

TEST_F(Ws_, MessageOverTheLimitCloses1009) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":")" + std::string(70000, 'x') + R"("})");
  s->expectClose(1009);
}

TEST_F(Ws_, FanOutReachesEveryDeviceOfAUser) {
  auto a = createUser("fay");
  auto b = createUser("gus");
  auto a1 = connectAs(a);
  auto a2 = connectAs(a);
  auto b1 = connectAs(b);
  b1->send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + a.id + R"("}})");
  b1->expectType("ok");
  auto e1 = a1->expectType("mutual_users");
  auto e2 = a2->expectType("mutual_users");
  EXPECT_EQ(e1->getObject("payload")->getObject("user")->getValue<std::string>("id"), b.id);
  EXPECT_EQ(e2->getObject("payload")->getObject("user")->getValue<std::string>("id"), b.id);
}

TEST_F(Ws_, LogoutClosesSocketsOfThatToken) {
  auto a = createUser("hal");
  auto s = connectAs(a);
  auto out = http().post("/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + a.token}});
  EXPECT_EQ(out.status, 200);
  auto r = s->receive();
  ASSERT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 4002);
  EXPECT_EQ(r.closeReason, "Token revoked.");
}

TEST_F(Ws_, SigtermCloses1001) {
  auto s = ws();
  s->send(R"({"type":"heartbeat","payload":0})");
  s->expectType("heartbeat");
  std::thread stopper([&] { EXPECT_EQ(server_->stop(), 0); });
  auto r = s->receive();
  stopper.join();
  ASSERT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 1001);
}

class WsShortHeartbeat : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "websocket:\n  heartbeat_interval: \"600ms\"\n  heartbeat_grace: \"200ms\"\n";
  }
};

TEST_F(WsShortHeartbeat, SilentSocketIsClosed4003) {
  auto s = ws();
  auto r = s->receive(3000ms);
  ASSERT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 4003);
  EXPECT_EQ(r.closeReason, "Heartbeat missing.");
}

TEST_F(WsShortHeartbeat, HeartbeatsKeepTheSocketOpen) {
  auto s = ws();
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(400ms);
    s->send(R"({"type":"heartbeat","payload":{"count":)" + std::to_string(i) + "}}");
    s->expectType("heartbeat");
  }
  auto r = s->receive(3000ms);
  EXPECT_EQ(r.kind, Received::Kind::close);
  EXPECT_EQ(r.closeCode, 4003);
}

class WsRateLimit : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "websocket:\n  frames_per_second: 1\n  frames_burst: 3\n";
  }
};

TEST_F(WsRateLimit, FloodGets4029ThenClose1008) {
  auto a = createUser("ida");
  auto s = connectAs(a);  // heartbeat + auth use part of the burst
  bool saw4029 = false;
  for (int i = 0; i < 30; ++i) s->send(R"({"type":"load","payload":{"type":"mutual_users"}})");
  for (int i = 0; i < 40; ++i) {
    auto r = s->receive();
    if (r.kind == Received::Kind::close) {
      EXPECT_EQ(r.closeCode, 1008);
      EXPECT_TRUE(saw4029);
      return;
    }
    auto obj = parseObject(r.text);
    if (obj->getValue<std::string>("type") == "error") {
      auto p = obj->getObject("payload");
      EXPECT_EQ(p->getValue<int>("code"), 4029);
      EXPECT_GT(p->getValue<int>("retry_after_ms"), 0);
      saw4029 = true;
    }
  }
  ADD_FAILURE() << "connection was not closed";
}

TEST_F(WsRateLimit, HeartbeatsAreAlwaysProcessed) {
  auto s = ws();
  for (int i = 0; i < 10; ++i)
    s->send(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
  for (int i = 0; i < 10; ++i)
    s->expectText(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
}

class WsSmallQueue : public ServerTest {
 protected:
  std::string extraConfig() const override { return "websocket:\n  outbound_queue_bytes: 65536\n"; }
};

TEST_F(WsSmallQueue, SlowReaderIsCutWhileOthersAreServed) {
  // The slow reader asks for large echoes and never reads them.
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/ws",
                             Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse res;
  WebSocket slow(session, req, res);
  slow.setReceiveBufferSize(4096);
  std::string frame = R"({"type":"heartbeat","payload":")" + std::string(60000, 'y') + R"("})";
  auto fast = ws();
  bool cut = false;
  for (int i = 0; i < 400 && !cut; ++i) {
    try {
      slow.sendFrame(frame.data(), static_cast<int>(frame.size()), WebSocket::FRAME_TEXT);
    } catch (const std::exception&) {
      cut = true;
    }
    if (i % 20 == 0) {
      fast->send(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
      fast->expectText(R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
    }
  }
  // Either the send failed or the server has closed: reading shows the end.
  if (!cut) {
    slow.setReceiveTimeout(Poco::Timespan(5, 0));
    Poco::Buffer<char> buf(0);
    int flags = 0;
    bool closed = false;
    try {
      // Echoes the kernel accepted before the cut still arrive, slowly
      // through the tiny window; the reset at the close timeout ends them.
      const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      while (std::chrono::steady_clock::now() < giveUp) {
        int n = slow.receiveFrame(buf, flags);
        if (n == 0 || (flags & WebSocket::FRAME_OP_BITMASK) == WebSocket::FRAME_OP_CLOSE) {
          closed = true;
          break;
        }
      }
    } catch (const std::exception&) {
      closed = true;
    }
    EXPECT_TRUE(closed);
  }
  fast->send(R"({"type":"heartbeat","payload":"after"})");
  fast->expectText(R"({"type":"heartbeat","payload":"after"})");
}

}  // namespace
}  // namespace wind::itest
