// PluginBase (sdk/include/wind/sdk/plugin.h) keeps exceptions inside the
// plugin: every outcome of onFrame / onAuth becomes a Status or a reply.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fakes.h"
#include "wind/sdk/plugin.h"

namespace wind::sdk {
namespace {

class Scripted final : public PluginBase {
 public:
  enum class Outcome { ok, requestError, runtimeError, unknown };
  explicit Scripted(Outcome outcome) : outcome_(outcome) {}

 protected:
  void onFrame(const Request&, Reply& reply) override {
    reply.send("before", "1");
    act();
  }
  void onAuth(UserId, AuthSnapshot& snapshot) override {
    snapshot.add("field", "1");
    act();
  }

 private:
  void act() const {
    switch (outcome_) {
      case Outcome::ok:
        return;
      case Outcome::requestError:
        throw RequestError(ErrorCode::notFound, "no such user");
      case Outcome::runtimeError:
        throw std::runtime_error("broken");
      case Outcome::unknown:
        throw 42;
    }
  }
  Outcome outcome_;
};

Status frame(Scripted::Outcome outcome, testing::RecordingReply& reply) {
  Scripted plugin(outcome);
  return static_cast<Plugin&>(plugin).handle(Request{}, reply);
}

Status auth(Scripted::Outcome outcome) {
  Scripted plugin(outcome);
  AuthSnapshot snapshot;
  return static_cast<Plugin&>(plugin).contributeToAuth(UserId{1}, snapshot);
}

TEST(PluginBase, RequestErrorInAFrameAnswersTheErrorAndSucceeds) {
  testing::RecordingReply reply;
  Status status = frame(Scripted::Outcome::requestError, reply);
  EXPECT_TRUE(status.ok);
  ASSERT_EQ(reply.frames.size(), 2U);
  EXPECT_EQ(reply.frames[1].type, "error");
  EXPECT_EQ(reply.frames[1].payload, "4004 no such user");
}

TEST(PluginBase, OtherExceptionsInAFrameBecomeFailures) {
  testing::RecordingReply reply;
  Status status = frame(Scripted::Outcome::runtimeError, reply);
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(status.message, "broken");
  Status unknown = frame(Scripted::Outcome::unknown, reply);
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.message, "unknown exception");
}

TEST(PluginBase, AnyExceptionInOnAuthIsAFailure) {
  EXPECT_TRUE(auth(Scripted::Outcome::ok).ok);
  Status requestError = auth(Scripted::Outcome::requestError);
  EXPECT_FALSE(requestError.ok);
  EXPECT_EQ(requestError.message, "no such user");
  EXPECT_FALSE(auth(Scripted::Outcome::runtimeError).ok);
  EXPECT_FALSE(auth(Scripted::Outcome::unknown).ok);
}

}  // namespace
}  // namespace wind::sdk
