#include "dispatch/reply.h"

#include <gtest/gtest.h>

namespace wind::dispatch {
namespace {

class ScriptedPlugin final : public sdk::Plugin {
 public:
  sdk::Status handle(const sdk::Request& request, sdk::Reply& reply) noexcept override {
    reply.send("echo", request.payload);
    reply.error(sdk::ErrorCode::notFound, "Nope.");
    return fail ? sdk::Status::failure("boom") : sdk::Status::success();
  }
  bool fail = false;
};

TEST(CollectingReply, PutsNonceOnEveryFrame) {
  CollectingReply reply(std::string_view("n1"));
  reply.send("chat", "{\"a\":1}");
  reply.error(sdk::ErrorCode::forbidden, "No \"way\".");
  ASSERT_EQ(reply.frames().size(), 2u);
  EXPECT_EQ(reply.frames()[0], R"({"type":"chat","payload":{"a":1},"nonce":"n1"})");
  EXPECT_EQ(reply.frames()[1],
            R"({"type":"error","payload":{"code":4005,"reason":"No \"way\"."},"nonce":"n1"})");
}

TEST(CollectingReply, NoNonceNoField) {
  CollectingReply reply(std::nullopt);
  reply.send("ok", "null");
  ASSERT_EQ(reply.frames().size(), 1u);
  EXPECT_EQ(reply.frames()[0], R"({"type":"ok","payload":null})");
}

TEST(RunHandler, CollectsFramesInOrder) {
  ScriptedPlugin plugin;
  const Route route{"scripted", sdk::TypeSpec{"echo"}, &plugin};
  sdk::Request request;
  request.type = "echo";
  request.payload = "[1.0]";
  const HandlerOutcome outcome = runHandler(route, request, std::nullopt);
  EXPECT_TRUE(outcome.status.ok);
  ASSERT_EQ(outcome.frames.size(), 2u);
  EXPECT_EQ(outcome.frames[0], R"({"type":"echo","payload":[1.0]})");
  EXPECT_EQ(outcome.frames[1], R"({"type":"error","payload":{"code":4004,"reason":"Nope."}})");
}

TEST(RunHandler, FailureAppendsInternalError) {
  ScriptedPlugin plugin;
  plugin.fail = true;
  const Route route{"scripted", sdk::TypeSpec{"echo"}, &plugin};
  sdk::Request request;
  request.payload = "null";
  const HandlerOutcome outcome = runHandler(route, request, std::string_view("z"));
  EXPECT_FALSE(outcome.status.ok);
  EXPECT_EQ(outcome.status.message, "boom");
  ASSERT_EQ(outcome.frames.size(), 3u);
  EXPECT_EQ(outcome.frames[2],
            R"({"type":"error","payload":{"code":5000,"reason":"Internal error."},"nonce":"z"})");
}

}  // namespace
}  // namespace wind::dispatch
