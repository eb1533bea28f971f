#include "hello.h"

#include <gtest/gtest.h>

#include "wind/sdk/testing/fake_host.h"

namespace hello {
namespace {

wind::sdk::Request helloRequest(std::string_view payload) {
  return {wind::sdk::ConnectionId{3}, wind::sdk::UserId{42}, true, "hello", payload};
}

wind::sdk::Settings greeting(std::string text) {
  return wind::sdk::Settings({{"greeting", std::move(text)}});
}

TEST(HelloPlugin, DeclaresHelloWithAGreetingSetting) {
  const wind::sdk::PluginInfo& declared = info();
  ASSERT_EQ(declared.types.size(), 1U);
  EXPECT_EQ(declared.types[0].type, "hello");
  EXPECT_FALSE(declared.types[0].beforeAuth);
  ASSERT_EQ(declared.settings.size(), 1U);
  EXPECT_EQ(declared.settings[0].name, "greeting");
  EXPECT_EQ(declared.settings[0].defaultValue, "Hello");
}

TEST(HelloPlugin, GreetsTheNamedUserWithTheConfiguredGreeting) {
  wind::sdk::testing::FakeHost host;
  Hello plugin(greeting("Hi"), host);
  wind::sdk::testing::FakeReply reply;
  EXPECT_TRUE(plugin.handle(helloRequest(R"({"name": "Ada"})"), reply).ok);
  ASSERT_EQ(reply.frames().size(), 1U);
  EXPECT_EQ(reply.frames()[0].type, "hello");
  EXPECT_EQ(reply.frames()[0].payload, R"({"text":"Hi, Ada!","user":"42"})");
}

TEST(HelloPlugin, DecodesAnEscapedName) {
  wind::sdk::testing::FakeHost host;
  Hello plugin(greeting("Hi"), host);
  wind::sdk::testing::FakeReply reply;
  plugin.handle(helloRequest(R"({"name": "A\"d\u00e1"})"), reply);
  ASSERT_EQ(reply.frames().size(), 1U);
  EXPECT_EQ(reply.frames()[0].payload, "{\"text\":\"Hi, A\\\"d\xc3\xa1!\",\"user\":\"42\"}");
}

TEST(HelloPlugin, GreetsTheWorldWithoutAStringName) {
  wind::sdk::testing::FakeHost host;
  Hello plugin(greeting("Hello"), host);
  for (std::string_view payload :
       {"null", "{}", R"({"name": 5})", R"({"name": ""})", R"({"name": "x")", R"(["name"])"}) {
    wind::sdk::testing::FakeReply reply;
    plugin.handle(helloRequest(payload), reply);
    ASSERT_EQ(reply.frames().size(), 1U) << payload;
    EXPECT_EQ(reply.frames()[0].payload, R"({"text":"Hello, world!","user":"42"})") << payload;
  }
}

TEST(HelloPlugin, QuotesTheGreetingAsJson) {
  wind::sdk::testing::FakeHost host;
  Hello plugin(greeting("Say \"hi\""), host);
  wind::sdk::testing::FakeReply reply;
  plugin.handle(helloRequest("null"), reply);
  ASSERT_EQ(reply.frames().size(), 1U);
  EXPECT_EQ(reply.frames()[0].payload, R"({"text":"Say \"hi\", world!","user":"42"})");
}

TEST(HelloPlugin, LogsItsGreetingOnceAtCreation) {
  wind::sdk::testing::FakeHost host;
  Hello plugin(greeting("Hi"), host);
  ASSERT_EQ(host.logs().size(), 1U);
  EXPECT_EQ(host.logs()[0].level, wind::sdk::LogLevel::info);
  EXPECT_EQ(host.logs()[0].message, "hello plugin greets with \"Hi\"");
}

}  // namespace
}  // namespace hello
