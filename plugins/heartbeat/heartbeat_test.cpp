#include "heartbeat.h"

#include <gtest/gtest.h>

#include "wind/sdk/testing/fake_host.h"

namespace wind::plugins::heartbeat {
namespace {

sdk::Request heartbeatRequest(std::string_view payload) {
  return {sdk::ConnectionId{7}, sdk::UserId{0}, false, "heartbeat", payload};
}

TEST(HeartbeatPlugin, DeclaresHeartbeatOnTheEventLoopBeforeAuth) {
  const sdk::PluginInfo& declared = info();
  ASSERT_EQ(declared.types.size(), 1U);
  EXPECT_EQ(declared.types[0].type, "heartbeat");
  EXPECT_EQ(declared.types[0].execution, sdk::Execution::eventLoop);
  EXPECT_TRUE(declared.types[0].beforeAuth);
  EXPECT_TRUE(declared.settings.empty());
  EXPECT_TRUE(declared.migrations.empty());
}

TEST(HeartbeatPlugin, EchoesThePayloadUnchanged) {
  sdk::testing::FakeHost host;
  Heartbeat plugin(sdk::Settings{}, host);
  for (std::string_view payload :
       {"null", "42", "\"hi\"", "{\"a\":[1,2,{\"b\":null}]}", "[ 1 , 2 ]"}) {
    sdk::testing::FakeReply reply;
    sdk::Status status = plugin.handle(heartbeatRequest(payload), reply);
    EXPECT_TRUE(status.ok);
    ASSERT_EQ(reply.frames().size(), 1U) << payload;
    EXPECT_EQ(reply.frames()[0].type, "heartbeat");
    EXPECT_EQ(reply.frames()[0].payload, payload);
    EXPECT_FALSE(reply.errorCode().has_value());
  }
}

TEST(HeartbeatPlugin, UsesNoHostService) {
  sdk::testing::FakeHost host;
  Heartbeat plugin(sdk::Settings{}, host);
  sdk::testing::FakeReply reply;
  plugin.handle(heartbeatRequest("1"), reply);
  EXPECT_TRUE(host.sent().empty());
  EXPECT_TRUE(host.logs().empty());
}

}  // namespace
}  // namespace wind::plugins::heartbeat
