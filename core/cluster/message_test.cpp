#include "cluster/message.h"

#include <gtest/gtest.h>

namespace wind::cluster {
namespace {

TEST(BusMessageTest, RoundTripsEveryKind) {
  const BusMessage user{BusMessage::Kind::user, 3, 1234567890123ULL,
                        R"({"t":"MESSAGE_CREATE","d":{"x":"a b"}})"};
  const BusMessage revoke{BusMessage::Kind::revoke, 1023, 0, "q0Zx-hash"};
  const BusMessage ping{BusMessage::Kind::ping, 0, 0, ""};
  for (const auto& message : {user, revoke, ping}) EXPECT_EQ(decode(encode(message)), message);
  EXPECT_EQ(encode(user), std::string("u 3 1234567890123 ") + user.payload);
  EXPECT_EQ(encode(ping), "p 0");
}

TEST(BusMessageTest, RejectsWhatItDidNotMake) {
  for (const char* text :
       {"", "u", "u ", "x 1 2 f", "u 1", "u 1 2", "u 1 2 ", "u a 2 f", "u 1 b f", "r 1", "r 1 ",
        "p 1 extra", "p", "u 1 99999999999999999999999 f", "u -1 2 f", "u 1x 2 f"}) {
    EXPECT_EQ(decode(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace wind::cluster
