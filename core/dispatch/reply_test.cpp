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

// Defers after one frame; the test finishes the answer through `kept`.
class DeferringPlugin final : public sdk::Plugin {
 public:
  sdk::Status handle(const sdk::Request&, sdk::Reply& reply) noexcept override {
    reply.send("before", "1");
    kept.push_back(reply.defer());
    reply.send("after", "2");  // goes to the deferred answer too
    return fail ? sdk::Status::failure("late boom") : sdk::Status::success();
  }
  std::vector<sdk::DeferredReply> kept;
  bool fail = false;
};

struct Finished {
  int calls = 0;
  HandlerOutcome outcome;
};

DeferredBinder recordInto(Finished& finished) {
  return [&finished] {
    return DeferredDone([&finished](HandlerOutcome outcome) {
      ++finished.calls;
      finished.outcome = std::move(outcome);
    });
  };
}

TEST(RunHandler, ADeferredAnswerArrivesOnceWithEveryFrameInOrder) {
  DeferringPlugin plugin;
  const Route route{"deferring", sdk::TypeSpec{"x"}, &plugin};
  Finished finished;
  const DeferredBinder bind = recordInto(finished);
  sdk::Request request;
  const HandlerOutcome now = runHandler(route, request, std::string_view("n"), &bind);
  EXPECT_TRUE(now.deferred);
  EXPECT_TRUE(now.frames.empty());
  EXPECT_EQ(finished.calls, 0);
  plugin.kept.at(0).send("last", "3");
  plugin.kept.at(0).finish();
  plugin.kept.at(0).finish();  // only the first counts
  plugin.kept.clear();         // nor does letting go afterwards
  EXPECT_EQ(finished.calls, 1);
  EXPECT_TRUE(finished.outcome.status.ok);
  const std::vector<std::string> expected{R"({"type":"before","payload":1,"nonce":"n"})",
                                          R"({"type":"after","payload":2,"nonce":"n"})",
                                          R"({"type":"last","payload":3,"nonce":"n"})"};
  EXPECT_EQ(finished.outcome.frames, expected);
}

TEST(RunHandler, AFailedStatusAfterDeferFinishesTheAnswerWith5000) {
  DeferringPlugin plugin;
  plugin.fail = true;
  const Route route{"deferring", sdk::TypeSpec{"x"}, &plugin};
  Finished finished;
  const DeferredBinder bind = recordInto(finished);
  sdk::Request request;
  const HandlerOutcome now = runHandler(route, request, std::nullopt, &bind);
  EXPECT_TRUE(now.deferred);
  EXPECT_TRUE(now.status.ok);  // reported once, through the deferred outcome
  ASSERT_EQ(finished.calls, 1);
  EXPECT_FALSE(finished.outcome.status.ok);
  EXPECT_EQ(finished.outcome.status.message, "late boom");
  ASSERT_EQ(finished.outcome.frames.size(), 3u);
  EXPECT_EQ(finished.outcome.frames[2],
            R"({"type":"error","payload":{"code":5000,"reason":"Internal error."}})");
  plugin.kept.at(0).send("ignored", "1");
  plugin.kept.clear();
  EXPECT_EQ(finished.calls, 1);
}

TEST(RunHandler, LettingGoOfEveryHandleFinishesTheAnswer) {
  DeferringPlugin plugin;
  const Route route{"deferring", sdk::TypeSpec{"x"}, &plugin};
  Finished finished;
  const DeferredBinder bind = recordInto(finished);
  sdk::Request request;
  (void)runHandler(route, request, std::nullopt, &bind);
  EXPECT_EQ(finished.calls, 0);
  plugin.kept.clear();
  ASSERT_EQ(finished.calls, 1);
  EXPECT_TRUE(finished.outcome.status.ok);
  EXPECT_EQ(finished.outcome.frames.size(), 2u);
}

}  // namespace
}  // namespace wind::dispatch
