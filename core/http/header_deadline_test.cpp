#include "http/header_deadline.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>

#include <thread>

namespace wind::http {
namespace {

using namespace std::chrono_literals;

// A connected pair on loopback: `server` is the side a deadline guards.
struct Pair {
  Pair() : listener(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    client.connect(listener.address());
    server = listener.acceptConnection();
    client.setReceiveTimeout(Poco::Timespan(5, 0));
  }
  Poco::Net::ServerSocket listener;
  Poco::Net::StreamSocket client;
  Poco::Net::StreamSocket server;
};

TEST(HeaderDeadline, ExpiredSocketIsShutDown) {
  HeaderDeadline deadline(100ms);
  Pair pair;
  deadline.arm(pair.server);
  char byte = 0;
  // The shutdown reaches the peer as end of stream.
  EXPECT_EQ(pair.client.receiveBytes(&byte, 1), 0);
  EXPECT_EQ(deadline.armedCount(), 0U);
}

TEST(HeaderDeadline, DisarmedSocketStaysOpen) {
  HeaderDeadline deadline(100ms);
  Pair pair;
  deadline.arm(pair.server);
  deadline.disarm(pair.server);
  std::this_thread::sleep_for(300ms);
  pair.server.sendBytes("k", 1);
  char byte = 0;
  EXPECT_EQ(pair.client.receiveBytes(&byte, 1), 1);
  EXPECT_EQ(byte, 'k');
}

TEST(HeaderDeadline, StopForgetsArmedSockets) {
  HeaderDeadline deadline(1h);
  Pair pair;
  deadline.arm(pair.server);
  EXPECT_EQ(deadline.armedCount(), 1U);
  deadline.stop();
  EXPECT_EQ(deadline.armedCount(), 0U);
}

}  // namespace
}  // namespace wind::http
