#include "session/session.h"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <memory>
#include <thread>

#include "session/session_factory.h"
#include "session/session_test_support.h"

namespace wind::session {
namespace {

using namespace std::chrono_literals;
using testing::FakeLink;

class TestPlugin final : public sdk::Plugin {
 public:
  using Fn = std::function<sdk::Status(const sdk::Request&, sdk::Reply&)>;
  explicit TestPlugin(Fn fn) : fn_(std::move(fn)) {}
  sdk::Status handle(const sdk::Request& request, sdk::Reply& reply) noexcept override {
    calls.fetch_add(1);
    return fn_(request, reply);
  }
  std::atomic<int> calls{0};

 private:
  Fn fn_;
};

class Contributor final : public sdk::Plugin {
 public:
  sdk::Status handle(const sdk::Request&, sdk::Reply&) noexcept override {
    return sdk::Status::success();
  }
  sdk::Status contributeToAuth(sdk::UserId user, sdk::AuthSnapshot& snapshot) noexcept override {
    if (fail) return sdk::Status::failure("friends table locked");
    snapshot.add("mutual_users", "[{\"id\":\"2\"}]");
    snapshot.add("outgoing_requests", "[\"" + sdk::toString(user) + "\"]");
    return sdk::Status::success();
  }
  bool fail = false;
};

class CaptureChannel final : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(message.getText());
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> lines_;
};

sdk::Status echoAs(std::string_view type, const sdk::Request& request, sdk::Reply& reply) {
  reply.send(type, request.payload);
  return sdk::Status::success();
}

const std::string kAliceSnapshot =
    R"({"type":"auth","payload":{"self_user":{"id":"1","name":"alice","profile":null},)"
    R"("mutual_requests":[],"mutual_users":[]}})";

class SessionTest : public ::testing::Test {
 protected:
  struct Conn {
    explicit Conn(std::uint64_t id) : link(id) {}
    FakeLink link;
    std::unique_ptr<gateway::ConnectionHandler> handler;
  };

  SessionTest() {
    config_.websocket.heartbeatInterval = 4000ms;
    config_.websocket.heartbeatGrace = 1000ms;
    accounts_.addUser(1, "alice");
    accounts_.addUser(2, "bob");
    accounts_.addToken("alice-1", 1);
    accounts_.addToken("alice-2", 1);
    accounts_.addToken("bob-1", 2);
    route("heartbeat", heartbeat_, sdk::Execution::eventLoop, true);
    route("echo", echo_, sdk::Execution::worker);
    route("fast", fast_, sdk::Execution::eventLoop);
    route("slow", slow_, sdk::Execution::worker);
    route("fail", fail_, sdk::Execution::worker);
    route("fail_inline", failInline_, sdk::Execution::eventLoop);
    route("early", early_, sdk::Execution::worker, true);
    route("later", later_, sdk::Execution::eventLoop);
    route("later_worker", later_, sdk::Execution::worker);
    route("dropped", dropped_, sdk::Execution::eventLoop);
    route("piped", later_, sdk::Execution::eventLoop, false, true);
    route("piped_mixed", mixed_, sdk::Execution::eventLoop, false, true);
    route("piped_worker", later_, sdk::Execution::worker, false, true);
    logger_.setChannel(channel_);
    logger_.setLevel(Poco::Message::PRIO_INFORMATION);
  }

  ~SessionTest() override {
    {
      const std::lock_guard lock(heldMutex_);
      held_.clear();  // finishes what a test left open
    }
    gate_.set_value();
    pool_.shutdown();
    transport_.runPosted();
  }

  void route(std::string type, TestPlugin& plugin, sdk::Execution execution,
             bool beforeAuth = false, bool pipelined = false) {
    routes_.add(dispatch::Route{"test_" + type,
                                sdk::TypeSpec{type, execution, beforeAuth, pipelined}, &plugin});
  }

  Conn& open() {
    if (!factory_) {
      factory_ = std::make_unique<SessionFactoryImpl>(config_, routes_, accounts_, accounts_,
                                                      transport_, registry_, pool_, logger_);
    }
    auto& conn = *conns_.emplace_back(std::make_unique<Conn>(conns_.size() + 1));
    conn.handler = factory_->open(conn.link);
    transport_.attach(conn.link, *conn.handler);
    return conn;
  }

  void close(Conn& conn) {
    conn.handler->onClosed();
    transport_.detach(conn.link.id());
    conn.handler.reset();
  }

  static void text(Conn& conn, std::string_view message) { conn.handler->onText(message); }
  static void heartbeat(Conn& conn) { text(conn, R"({"type":"heartbeat","payload":null})"); }
  static std::string authFrame(std::string_view token) {
    return R"({"type":"auth","payload":{"auth":")" + std::string(token) + "\"}}";
  }

  // Heartbeat, auth, and the token check's completion; clears what was sent.
  void login(Conn& conn, std::string_view token) {
    heartbeat(conn);
    text(conn, authFrame(token));
    transport_.awaitPosts(1);
    ASSERT_FALSE(conn.link.sent.empty());
    EXPECT_NE(conn.link.sent.back().find("\"self_user\""), std::string::npos)
        << conn.link.sent.back();
    conn.link.sent.clear();
  }

  static std::string error(int code, std::string_view reason, std::string_view nonce = {}) {
    std::string out = R"({"type":"error","payload":{"code":)" + std::to_string(code) +
                      R"(,"reason":")" + std::string(reason) + "\"}";
    if (!nonce.empty()) out += R"(,"nonce":")" + std::string(nonce) + "\"";
    return out + "}";
  }

  config::Config config_;
  testing::FakeAccounts accounts_;
  testing::FakeTransport transport_;
  SessionRegistry registry_{transport_};
  std::promise<void> gate_;
  std::shared_future<void> gateOpen_ = gate_.get_future().share();
  TestPlugin heartbeat_{
      [](const sdk::Request& r, sdk::Reply& reply) { return echoAs("heartbeat", r, reply); }};
  TestPlugin echo_{[](const sdk::Request& r, sdk::Reply& reply) {
    return echoAs(r.authenticated ? "echo" : "echo_anonymous", r, reply);
  }};
  TestPlugin fast_{
      [](const sdk::Request& r, sdk::Reply& reply) { return echoAs("fast", r, reply); }};
  TestPlugin slow_{[this](const sdk::Request& r, sdk::Reply& reply) {
    gateOpen_.wait();
    return echoAs("slow", r, reply);
  }};
  TestPlugin fail_{[](const sdk::Request&, sdk::Reply& reply) {
    reply.send("partial", "1");
    return sdk::Status::failure("disk full");
  }};
  TestPlugin failInline_{
      [](const sdk::Request&, sdk::Reply&) { return sdk::Status::failure("inline boom"); }};
  TestPlugin early_{[](const sdk::Request& r, sdk::Reply& reply) {
    return echoAs(r.authenticated ? "early_user" : "early_anonymous", r, reply);
  }};
  // Answers "first" at once, then defers the rest to the test (held()).
  TestPlugin later_{[this](const sdk::Request& r, sdk::Reply& reply) {
    reply.send("first", r.payload);
    hold(reply.defer());
    return sdk::Status::success();
  }};
  // Answers "now" at once with "now"; defers anything else like later_.
  TestPlugin mixed_{[this](const sdk::Request& r, sdk::Reply& reply) {
    if (r.payload == "\"now\"") return echoAs("now", r, reply);
    reply.send("first", r.payload);
    hold(reply.defer());
    return sdk::Status::success();
  }};
  // Defers and lets go of the handle at once.
  TestPlugin dropped_{[](const sdk::Request& r, sdk::Reply& reply) {
    reply.send("dropped", r.payload);
    (void)reply.defer();
    return sdk::Status::success();
  }};
  void hold(sdk::DeferredReply answer) {
    {
      const std::lock_guard lock(heldMutex_);
      held_.push_back(std::move(answer));
    }
    heldChanged_.notify_all();
  }
  // The n-th deferred answer (0-based), once its handler deferred it.
  sdk::DeferredReply held(std::size_t n) {
    std::unique_lock lock(heldMutex_);
    EXPECT_TRUE(heldChanged_.wait_for(lock, 20s, [&] { return held_.size() > n; }));
    return held_.size() > n ? held_[n] : sdk::DeferredReply(nullptr);
  }
  // Finishes the n-th deferred answer with {"type":"done","payload":n}.
  void finishHeld(std::size_t n) {
    const sdk::DeferredReply answer = held(n);
    answer.send("done", std::to_string(n));
    answer.finish();
  }
  std::mutex heldMutex_;
  std::condition_variable heldChanged_;
  std::vector<sdk::DeferredReply> held_;
  Contributor contributor_;
  dispatch::RouteTable routes_;
  Poco::AutoPtr<CaptureChannel> channel_{new CaptureChannel};
  Poco::Logger& logger_ = Poco::Logger::get("session_test");
  std::unique_ptr<SessionFactoryImpl> factory_;
  std::vector<std::unique_ptr<Conn>> conns_;
  dispatch::WorkerPool pool_{2};
};

// --- 3.1 rule 1: heartbeat deadline

TEST_F(SessionTest, DeadlineArmedOnOpen) {
  Conn& conn = open();
  ASSERT_TRUE(conn.link.deadline);
  EXPECT_EQ(*conn.link.deadline, conn.link.clock + 5000ms);
}

TEST_F(SessionTest, HeartbeatRearmsDeadlineAndEchoesPayloadVerbatim) {
  Conn& conn = open();
  conn.link.advance(4500ms);
  text(conn, R"({"type":"heartbeat","payload":{"count": 1.50e+10, "x":[ -0.0 ]},"nonce":"h1"})");
  EXPECT_EQ(*conn.link.deadline, conn.link.clock + 5000ms);
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0],
            R"({"type":"heartbeat","payload":{"count": 1.50e+10, "x":[ -0.0 ]},"nonce":"h1"})");
  EXPECT_EQ(heartbeat_.calls.load(), 1);
}

TEST_F(SessionTest, DeadlineClosesWith4003) {
  Conn& conn = open();
  conn.handler->onDeadline();
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 4003);
  EXPECT_EQ(conn.link.closed->second, "Heartbeat missing.");
}

TEST_F(SessionTest, HeartbeatWithoutPluginIsEchoedByTheCore) {
  dispatch::RouteTable empty;
  SessionFactoryImpl factory(config_, empty, accounts_, accounts_, transport_, registry_, pool_,
                             logger_);
  FakeLink link(99);
  auto handler = factory.open(link);
  handler->onText(R"({"type":"heartbeat","payload":[1.0e0]})");
  ASSERT_EQ(link.sent.size(), 1u);
  EXPECT_EQ(link.sent[0], R"({"type":"heartbeat","payload":[1.0e0]})");
  handler->onClosed();
}

// --- 3.1 rule 2: heartbeat before auth

TEST_F(SessionTest, AuthBeforeFirstHeartbeatCloses4003) {
  Conn& conn = open();
  text(conn, authFrame("alice-1"));
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 4003);
  EXPECT_EQ(conn.link.closed->second, "First heartbeat payload was not received.");
  EXPECT_TRUE(conn.link.sent.empty());
  EXPECT_EQ(registry_.authenticatedCount(), 0u);
}

// --- 3.1 rule 3: auth before everything else

TEST_F(SessionTest, OtherTypesBeforeAuthGet4001AndAreNotProcessed) {
  Conn& conn = open();
  heartbeat(conn);
  conn.link.sent.clear();
  text(conn, R"({"type":"echo","payload":1,"nonce":"n"})");
  text(conn, R"({"type":"fast","payload":1})");
  text(conn, R"({"type":"no_such_type","payload":1})");
  ASSERT_EQ(conn.link.sent.size(), 3u);
  EXPECT_EQ(conn.link.sent[0], error(4001, "Authentication required.", "n"));
  EXPECT_EQ(conn.link.sent[1], error(4001, "Authentication required."));
  EXPECT_EQ(conn.link.sent[2], error(4001, "Authentication required."));
  EXPECT_EQ(echo_.calls.load() + fast_.calls.load(), 0);
  EXPECT_EQ(transport_.queued(), 0u);
  EXPECT_FALSE(conn.link.closed);
}

TEST_F(SessionTest, BeforeAuthTypesPassUnauthenticated) {
  Conn& conn = open();
  text(conn, R"({"type":"early","payload":"x"})");
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0], R"({"type":"early_anonymous","payload":"x"})");
}

TEST_F(SessionTest, FrameRightAfterAuthSeesTheAuthOutcome) {
  Conn& conn = open();
  heartbeat(conn);
  text(conn, authFrame("alice-1"));
  text(conn, R"({"type":"echo","payload":7,"nonce":"e"})");
  text(conn, R"({"type":"fast","payload":8})");
  transport_.runUntil([&] { return conn.link.sent.size() >= 4; });
  ASSERT_EQ(conn.link.sent.size(), 4u);
  EXPECT_EQ(conn.link.sent[1], kAliceSnapshot);
  EXPECT_EQ(conn.link.sent[2], R"({"type":"echo","payload":7,"nonce":"e"})");
  EXPECT_EQ(conn.link.sent[3], R"({"type":"fast","payload":8})");
}

// --- 3.1 rule 4: order

TEST_F(SessionTest, SlowWorkerFrameThenEventLoopFrameKeepOrder) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"slow","payload":1,"nonce":"a"})");
  text(conn, R"({"type":"fast","payload":2,"nonce":"b"})");
  text(conn, R"({"type":"nope","payload":3,"nonce":"c"})");
  text(conn, "not json");
  conn.handler->onBinary();
  text(conn, R"({"type":"heartbeat","payload":4})");
  EXPECT_TRUE(conn.link.sent.empty());  // all waiting behind the slow frame
  EXPECT_EQ(fast_.calls.load(), 0);
  gate_.set_value();
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{
      R"({"type":"slow","payload":1,"nonce":"a"})",
      R"({"type":"fast","payload":2,"nonce":"b"})",
      error(4000, "Unknown type.", "c"),
      error(1007, "Frame must be a JSON object with a string \\\"type\\\"."),
      error(1003, "Only text frames are accepted."),
      R"({"type":"heartbeat","payload":4})",
  };
  EXPECT_EQ(conn.link.sent, expected);
  gate_ = std::promise<void>();  // the destructor opens a fresh gate
}

TEST_F(SessionTest, WorkerFramesOfOneConnectionRunInOrder) {
  Conn& conn = open();
  login(conn, "alice-1");
  for (int i = 0; i < 20; ++i) text(conn, R"({"type":"echo","payload":)" + std::to_string(i) + "}");
  transport_.runUntil([&] { return conn.link.sent.size() >= 20; });
  ASSERT_EQ(conn.link.sent.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(conn.link.sent[i], R"({"type":"echo","payload":)" + std::to_string(i) + "}");
  }
}

// --- 3.1 rule 6: rate limit

class RateLimitedSessionTest : public SessionTest {
 protected:
  RateLimitedSessionTest() {
    config_.websocket.framesPerSecond = 2;
    config_.websocket.framesBurst = 3;
  }
};

TEST_F(RateLimitedSessionTest, OverTheLimitGets4029WithRetryAfterAndIsNotProcessed) {
  Conn& conn = open();
  login(conn, "alice-1");  // the auth frame took one token
  text(conn, R"({"type":"fast","payload":1})");
  text(conn, R"({"type":"fast","payload":2})");
  text(conn, R"({"type":"fast","payload":3,"nonce":"r"})");
  ASSERT_EQ(conn.link.sent.size(), 3u);
  EXPECT_EQ(
      conn.link.sent[2],
      R"({"type":"error","payload":{"code":4029,"reason":"Rate limited.","retry_after_ms":500},"nonce":"r"})");
  EXPECT_EQ(fast_.calls.load(), 2);
  conn.link.advance(500ms);
  text(conn, R"({"type":"fast","payload":4})");
  ASSERT_EQ(conn.link.sent.size(), 4u);
  EXPECT_EQ(conn.link.sent[3], R"({"type":"fast","payload":4})");
  EXPECT_EQ(factory_->counters().rateLimited.load(), 1u);
}

TEST_F(RateLimitedSessionTest, HeartbeatsAreAlwaysProcessed) {
  Conn& conn = open();
  login(conn, "alice-1");
  for (int i = 0; i < 10; ++i) text(conn, R"({"type":"fast","payload":1})");
  conn.link.sent.clear();
  conn.link.advance(1000ms);
  for (int i = 0; i < 10; ++i)
    text(conn, R"({"type":"heartbeat","payload":)" + std::to_string(i) + "}");
  ASSERT_EQ(conn.link.sent.size(), 10u);
  EXPECT_EQ(conn.link.sent[9], R"({"type":"heartbeat","payload":9})");
  EXPECT_EQ(*conn.link.deadline, conn.link.clock + 5000ms);
  // The heartbeats took no tokens: the refill of 1 s (2 tokens) is all there.
  text(conn, R"({"type":"fast","payload":"a"})");
  text(conn, R"({"type":"fast","payload":"b"})");
  EXPECT_EQ(conn.link.sent[10], R"({"type":"fast","payload":"a"})");
  EXPECT_EQ(conn.link.sent[11], R"({"type":"fast","payload":"b"})");
}

TEST_F(RateLimitedSessionTest, MoreThanTwentyRefusalsWithinTenSecondsClose1008) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"fast","payload":1})");
  text(conn, R"({"type":"fast","payload":1})");
  for (int i = 0; i < 20; ++i) text(conn, R"({"type":"fast","payload":1})");
  EXPECT_FALSE(conn.link.closed);
  text(conn, R"({"type":"fast","payload":1})");
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 1008);
}

// --- reload: new limits apply to connections opened afterwards

TEST_F(RateLimitedSessionTest, SetLimitsAppliesToLaterConnectionsOnly) {
  Conn& before = open();
  login(before, "alice-1");
  config_.websocket.framesPerSecond = 1;
  config_.websocket.framesBurst = 1;
  config_.websocket.heartbeatInterval = 1000ms;
  config_.websocket.heartbeatGrace = 500ms;
  factory_->setLimits(config_);
  Conn& after = open();
  EXPECT_EQ(*after.link.deadline, after.link.clock + 1500ms);
  login(after, "alice-1");  // the auth frame took the only token
  text(after, R"({"type":"fast","payload":1,"nonce":"r"})");
  ASSERT_EQ(after.link.sent.size(), 1u);
  EXPECT_EQ(
      after.link.sent[0],
      R"({"type":"error","payload":{"code":4029,"reason":"Rate limited.","retry_after_ms":1000},"nonce":"r"})");
  // The connection opened before keeps burst 3 at 2/s and its 5 s deadline.
  text(before, R"({"type":"fast","payload":1})");
  text(before, R"({"type":"fast","payload":2})");
  ASSERT_EQ(before.link.sent.size(), 2u);
  EXPECT_EQ(before.link.sent[1], R"({"type":"fast","payload":2})");
  heartbeat(before);
  EXPECT_EQ(*before.link.deadline, before.link.clock + 5000ms);
}

TEST_F(RateLimitedSessionTest, RefusalsQueuedBehindAWorkerFrameAreWrittenBeforeThe1008Close) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"slow","payload":1})");
  for (int i = 0; i < 21; ++i) text(conn, R"({"type":"fast","payload":1})");
  text(conn, R"({"type":"fast","payload":"the 21st refusal"})");
  text(conn, R"({"type":"fast","payload":"ignored while the close waits"})");
  EXPECT_FALSE(conn.link.closed);  // the close waits behind the slow frame
  gate_.set_value();
  transport_.awaitPosts(1);
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 1008);
  ASSERT_GE(conn.link.sent.size(), 22u);
  EXPECT_EQ(conn.link.sent.front(), R"({"type":"slow","payload":1})");
  std::size_t refusals = 0;
  for (const auto& frame : conn.link.sent)
    refusals += frame.find("\"code\":4029") != std::string::npos;
  EXPECT_EQ(refusals, 21u);
  gate_ = std::promise<void>();
}

TEST_F(RateLimitedSessionTest, InvalidAndBinaryFramesCountTowardTheLimit) {
  Conn& conn = open();
  conn.handler->onBinary();
  text(conn, "[");
  text(conn, "{}");
  conn.handler->onBinary();
  ASSERT_EQ(conn.link.sent.size(), 4u);
  EXPECT_NE(conn.link.sent[3].find("\"code\":4029"), std::string::npos);
}

// --- envelope errors, binary, unknown type

TEST_F(SessionTest, BinaryFrameGets1003AndStaysOpen) {
  Conn& conn = open();
  conn.handler->onBinary();
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0], error(1003, "Only text frames are accepted."));
  EXPECT_FALSE(conn.link.closed);
}

TEST_F(SessionTest, InvalidEnvelopeGets1007AndStaysOpen) {
  Conn& conn = open();
  for (const char* bad :
       {"", "nope", "[1]", R"({"type":1})", R"({"payload":{}})", R"({"type":"x",})"}) {
    text(conn, bad);
  }
  ASSERT_EQ(conn.link.sent.size(), 6u);
  for (const auto& frame : conn.link.sent) {
    EXPECT_EQ(frame, error(1007, "Frame must be a JSON object with a string \\\"type\\\"."));
  }
  EXPECT_FALSE(conn.link.closed);
  heartbeat(conn);
  EXPECT_EQ(conn.link.sent.size(), 7u);
}

TEST_F(SessionTest, InvalidNonceGets4000) {
  Conn& conn = open();
  text(conn, R"({"type":"heartbeat","payload":1,"nonce":7})");
  text(conn, R"({"type":"heartbeat","payload":1,"nonce":")" + std::string(65, 'x') + "\"}");
  ASSERT_EQ(conn.link.sent.size(), 2u);
  EXPECT_EQ(conn.link.sent[0], error(4000, "Invalid nonce."));
  EXPECT_EQ(conn.link.sent[1], error(4000, "Invalid nonce."));
  EXPECT_EQ(heartbeat_.calls.load(), 0);
}

TEST_F(SessionTest, UnknownTypeAfterAuthGets4000) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"teleport","payload":{},"nonce":"u"})");
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0], error(4000, "Unknown type.", "u"));
  EXPECT_FALSE(conn.link.closed);
}

// --- 3.3 auth

TEST_F(SessionTest, AuthReturnsSnapshotWithNonceAndRegisters) {
  Conn& conn = open();
  heartbeat(conn);
  text(conn, R"({"type":"auth","payload":{"auth":"alice-1"},"nonce":"x"})");
  EXPECT_EQ(conn.link.sent.size(), 1u);  // only the heartbeat: the check runs on a worker
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 2u);
  EXPECT_EQ(conn.link.sent[1],
            kAliceSnapshot.substr(0, kAliceSnapshot.size() - 1) + R"(,"nonce":"x"})");
  EXPECT_EQ(registry_.connectionsOf(sdk::UserId{1}),
            std::vector<sdk::ConnectionId>{conn.link.id()});
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
}

TEST_F(SessionTest, AuthSnapshotCarriesContributions) {
  routes_.addAuthContributor(&contributor_);
  Conn& conn = open();
  heartbeat(conn);
  text(conn, authFrame("alice-1"));
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 2u);
  EXPECT_EQ(conn.link.sent[1],
            R"({"type":"auth","payload":{"self_user":{"id":"1","name":"alice","profile":null},)"
            R"("mutual_requests":[],"mutual_users":[{"id":"2"}],"outgoing_requests":["1"]}})");
}

TEST_F(SessionTest, FailingContributorGives5000AndNoAuth) {
  contributor_.fail = true;
  routes_.addAuthContributor(&contributor_);
  Conn& conn = open();
  heartbeat(conn);
  text(conn, authFrame("alice-1"));
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 2u);
  EXPECT_EQ(conn.link.sent[1], error(5000, "Internal error."));
  EXPECT_EQ(registry_.authenticatedCount(), 0u);
  EXPECT_FALSE(conn.link.closed);
  EXPECT_EQ(factory_->counters().pluginFailures.load(), 1u);
}

TEST_F(SessionTest, AuthPayloadWithoutStringAuthGets4000) {
  Conn& conn = open();
  heartbeat(conn);
  conn.link.sent.clear();
  text(conn, R"({"type":"auth","payload":{"auth":5},"nonce":"p"})");
  text(conn, R"({"type":"auth","payload":"alice-1"})");
  ASSERT_EQ(conn.link.sent.size(), 2u);
  EXPECT_EQ(conn.link.sent[0], error(4000, "Auth payload needs a string \\\"auth\\\".", "p"));
  EXPECT_EQ(conn.link.sent[1], error(4000, "Auth payload needs a string \\\"auth\\\"."));
  EXPECT_FALSE(conn.link.closed);
}

TEST_F(SessionTest, InvalidTokenGets4002) {
  Conn& conn = open();
  heartbeat(conn);
  conn.link.sent.clear();
  text(conn, R"({"type":"auth","payload":{"auth":"wrong"},"nonce":"t"})");
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0], error(4002, "Invalid token.", "t"));
  EXPECT_FALSE(conn.link.closed);
  EXPECT_EQ(registry_.authenticatedCount(), 0u);
}

TEST_F(SessionTest, ThirdRefusedAuthGetsItsErrorThenClose4002) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"auth","payload":{}})");  // 4000
  text(conn, authFrame("bob-1"));                 // 4005
  transport_.awaitPosts(1);
  EXPECT_FALSE(conn.link.closed);
  text(conn, authFrame("wrong"));  // 4002
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 3u);
  EXPECT_EQ(conn.link.sent[0], error(4000, "Auth payload needs a string \\\"auth\\\"."));
  EXPECT_EQ(conn.link.sent[1], error(4005, "Connection is authenticated as another user."));
  EXPECT_EQ(conn.link.sent[2], error(4002, "Invalid token."));
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 4002);
}

TEST_F(SessionTest, OtherUsersTokenGets4005AndKeepsTheFirstUser) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, authFrame("bob-1"));
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_EQ(conn.link.sent[0], error(4005, "Connection is authenticated as another user."));
  EXPECT_EQ(registry_.connectionsOf(sdk::UserId{1}).size(), 1u);
  EXPECT_TRUE(registry_.connectionsOf(sdk::UserId{2}).empty());
  text(conn, R"({"type":"echo","payload":1})");
  transport_.awaitPosts(1);
  EXPECT_EQ(conn.link.sent.back(), R"({"type":"echo","payload":1})");
}

TEST_F(SessionTest, SameUserAgainGetsAFreshSnapshot) {
  Conn& conn = open();
  login(conn, "alice-1");
  accounts_.addUser(1, "alice2");
  text(conn, authFrame("alice-2"));
  transport_.awaitPosts(1);
  ASSERT_EQ(conn.link.sent.size(), 1u);
  EXPECT_NE(conn.link.sent[0].find(R"("name":"alice2")"), std::string::npos) << conn.link.sent[0];
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
  // The connection now rides on the second token.
  registry_.tokenRevoked("hash-alice-1");
  transport_.runPosted();
  EXPECT_FALSE(conn.link.closed);
  registry_.tokenRevoked("hash-alice-2");
  transport_.runPosted();
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 4002);
}

TEST_F(SessionTest, LogoutDuringTokenCheckWins) {
  Conn& conn = open();
  heartbeat(conn);
  text(conn, authFrame("alice-1"));
  // The worker finished the check but the completion has not run yet.
  {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (transport_.queued() == 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
  }
  registry_.tokenRevoked("hash-alice-1");
  transport_.runPosted();
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 4002);
  EXPECT_EQ(conn.link.closed->second, "Token revoked.");
  EXPECT_EQ(registry_.authenticatedCount(), 0u);
}

// --- plugin failure

TEST_F(SessionTest, PluginFailureGives5000LogsAndKeepsConnection) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"fail","payload":null,"nonce":"f"})");
  transport_.awaitPosts(1);
  text(conn, R"({"type":"fail_inline","payload":null})");
  ASSERT_EQ(conn.link.sent.size(), 3u);
  EXPECT_EQ(conn.link.sent[0], R"({"type":"partial","payload":1,"nonce":"f"})");
  EXPECT_EQ(conn.link.sent[1], error(5000, "Internal error.", "f"));
  EXPECT_EQ(conn.link.sent[2], error(5000, "Internal error."));
  EXPECT_FALSE(conn.link.closed);
  EXPECT_EQ(factory_->counters().pluginFailures.load(), 2u);
  const auto lines = channel_->lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("test_fail"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"fail\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("disk full"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("inline boom"), std::string::npos) << lines[1];
  text(conn, R"({"type":"fast","payload":1})");
  EXPECT_EQ(conn.link.sent.back(), R"({"type":"fast","payload":1})");
}

// --- fan-out and revocation

TEST_F(SessionTest, FanOutReachesEveryConnectionOfTheUser) {
  Conn& phone = open();
  Conn& laptop = open();
  Conn& other = open();
  login(phone, "alice-1");
  login(laptop, "alice-2");
  login(other, "bob-1");
  registry_.sendToUser(sdk::UserId{1}, R"({"type":"chat","payload":1})", std::nullopt);
  registry_.sendToUser(sdk::UserId{1}, R"({"type":"chat","payload":2})", phone.link.id());
  transport_.runPosted();
  EXPECT_EQ(phone.link.sent, std::vector<std::string>{R"({"type":"chat","payload":1})"});
  EXPECT_EQ(laptop.link.sent, (std::vector<std::string>{R"({"type":"chat","payload":1})",
                                                        R"({"type":"chat","payload":2})"}));
  EXPECT_TRUE(other.link.sent.empty());
}

TEST_F(SessionTest, TokenRevokedClosesItsConnectionsWith4002) {
  Conn& first = open();
  Conn& second = open();
  Conn& otherToken = open();
  login(first, "alice-1");
  login(second, "alice-1");
  login(otherToken, "alice-2");
  EXPECT_EQ(registry_.authenticatedCount(), 3u);
  registry_.tokenRevoked("hash-alice-1");
  transport_.runPosted();
  for (Conn* conn : {&first, &second}) {
    ASSERT_TRUE(conn->link.closed);
    EXPECT_EQ(conn->link.closed->first, 4002);
    EXPECT_EQ(conn->link.closed->second, "Token revoked.");
  }
  EXPECT_FALSE(otherToken.link.closed);
  EXPECT_EQ(registry_.authenticatedCount(), 1u);
}

TEST_F(SessionTest, ClosedConnectionLeavesTheRegistryAndIgnoresLateCompletions) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"slow","payload":1})");
  close(conn);
  EXPECT_EQ(registry_.authenticatedCount(), 0u);
  gate_.set_value();
  transport_.awaitPosts(1);  // skipped: the connection is gone
  EXPECT_TRUE(conn.link.sent.empty());
  gate_ = std::promise<void>();
}

TEST_F(SessionTest, TooManyPendingFramesClose1008) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"slow","payload":1})");
  for (int i = 0; i < 4096; ++i) heartbeat(conn);
  EXPECT_FALSE(conn.link.closed);
  heartbeat(conn);
  ASSERT_TRUE(conn.link.closed);
  EXPECT_EQ(conn.link.closed->first, 1008);
  gate_.set_value();
  transport_.awaitPosts(1);
  EXPECT_TRUE(conn.link.sent.empty());
  gate_ = std::promise<void>();
}

TEST_F(SessionTest, SlowReaderDisconnectStopsFurtherWrites) {
  Conn& conn = open();
  conn.link.acceptSends = false;
  text(conn, R"({"type":"heartbeat","payload":1})");
  text(conn, R"({"type":"heartbeat","payload":2})");
  EXPECT_EQ(conn.link.sent.size(), 1u);
}

// --- deferred answers (sdk::Reply::defer)

TEST_F(SessionTest, FramesAfterADeferredOneWaitUntilItFinishes) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"later","payload":1,"nonce":"a"})");
  text(conn, R"({"type":"fast","payload":2,"nonce":"b"})");
  text(conn, R"({"type":"heartbeat","payload":3})");
  EXPECT_TRUE(conn.link.sent.empty());
  EXPECT_EQ(fast_.calls.load(), 0);
  std::thread([answer = held(0)] {
    answer.send("done", "true");
    answer.finish();
  }).join();
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{
      R"({"type":"first","payload":1,"nonce":"a"})",
      R"({"type":"done","payload":true,"nonce":"a"})",
      R"({"type":"fast","payload":2,"nonce":"b"})",
      R"({"type":"heartbeat","payload":3})",
  };
  EXPECT_EQ(conn.link.sent, expected);
}

TEST_F(SessionTest, AWorkerHandlerThatDefersKeepsTheOrderToo) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"later_worker","payload":1})");
  text(conn, R"({"type":"echo","payload":2})");
  const sdk::DeferredReply answer = held(0);
  EXPECT_EQ(transport_.queued(), 0u);  // the worker deferred: nothing posted
  EXPECT_EQ(echo_.calls.load(), 0);
  answer.finish();
  transport_.runUntil([&] { return conn.link.sent.size() >= 2; });
  const std::vector<std::string> expected{R"({"type":"first","payload":1})",
                                          R"({"type":"echo","payload":2})"};
  EXPECT_EQ(conn.link.sent, expected);
}

TEST_F(SessionTest, ADeferredAnswerFinishedAfterTheCloseIsDropped) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"later","payload":1})");
  const sdk::DeferredReply answer = held(0);
  close(conn);
  answer.send("done", "true");
  answer.finish();
  transport_.awaitPosts(1);  // skipped: the connection is gone
  EXPECT_TRUE(conn.link.sent.empty());
  answer.send("too_late", "1");  // after finish: ignored, no crash
  answer.finish();
  EXPECT_EQ(transport_.queued(), 0u);
}

TEST_F(SessionTest, AnAbandonedDeferredAnswerFinishesWithWhatItSent) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"dropped","payload":1})");
  text(conn, R"({"type":"fast","payload":2})");
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{R"({"type":"dropped","payload":1})",
                                          R"({"type":"fast","payload":2})"};
  EXPECT_EQ(conn.link.sent, expected);
}

TEST_F(SessionTest, AFailedDeferredAnswerEndsWith5000AndIsLogged) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"later","payload":1,"nonce":"n"})");
  held(0).fail("commit failed");
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{R"({"type":"first","payload":1,"nonce":"n"})",
                                          error(5000, "Internal error.", "n")};
  EXPECT_EQ(conn.link.sent, expected);
  const auto lines = channel_->lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines.back().find("commit failed"), std::string::npos) << lines.back();
  EXPECT_FALSE(conn.link.closed);
}

// --- pipelined types (sdk::TypeSpec::pipelined)

TEST_F(SessionTest, PipelinedFramesStartAtOnceAndAnswerInFrameOrder) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped","payload":"a","nonce":"1"})");
  text(conn, R"({"type":"piped","payload":"b","nonce":"2"})");
  text(conn, R"({"type":"piped","payload":"c","nonce":"3"})");
  EXPECT_EQ(later_.calls.load(), 3);  // none waited for an earlier answer
  finishHeld(2);
  transport_.awaitPosts(1);
  EXPECT_TRUE(conn.link.sent.empty());  // the last one waits behind the first two
  finishHeld(0);
  transport_.awaitPosts(1);
  const std::vector<std::string> first{R"({"type":"first","payload":"a","nonce":"1"})",
                                       R"({"type":"done","payload":0,"nonce":"1"})"};
  EXPECT_EQ(conn.link.sent, first);
  finishHeld(1);
  transport_.awaitPosts(1);
  const std::vector<std::string> all{R"({"type":"first","payload":"a","nonce":"1"})",
                                     R"({"type":"done","payload":0,"nonce":"1"})",
                                     R"({"type":"first","payload":"b","nonce":"2"})",
                                     R"({"type":"done","payload":1,"nonce":"2"})",
                                     R"({"type":"first","payload":"c","nonce":"3"})",
                                     R"({"type":"done","payload":2,"nonce":"3"})"};
  EXPECT_EQ(conn.link.sent, all);
}

TEST_F(SessionTest, AnswersGivenAtOnceWaitBehindEarlierPipelinedAnswers) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped_mixed","payload":"a"})");
  text(conn, R"({"type":"piped_mixed","payload":"now"})");
  EXPECT_EQ(mixed_.calls.load(), 2);
  EXPECT_TRUE(conn.link.sent.empty());
  finishHeld(0);
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{R"({"type":"first","payload":"a"})",
                                          R"({"type":"done","payload":0})",
                                          R"({"type":"now","payload":"now"})"};
  EXPECT_EQ(conn.link.sent, expected);
}

TEST_F(SessionTest, OtherTypesWaitForEveryPipelinedAnswerBeforeThem) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped","payload":"a"})");
  text(conn, R"({"type":"piped","payload":"b"})");
  text(conn, R"({"type":"fast","payload":"c"})");
  text(conn, R"({"type":"piped","payload":"d"})");  // behind fast: waits too
  EXPECT_EQ(later_.calls.load(), 2);
  EXPECT_EQ(fast_.calls.load(), 0);
  finishHeld(0);
  transport_.awaitPosts(1);
  EXPECT_EQ(fast_.calls.load(), 0);  // b is still deferred
  finishHeld(1);
  transport_.awaitPosts(1);
  EXPECT_EQ(fast_.calls.load(), 1);
  EXPECT_EQ(later_.calls.load(), 3);
  finishHeld(2);
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{
      R"({"type":"first","payload":"a"})", R"({"type":"done","payload":0})",
      R"({"type":"first","payload":"b"})", R"({"type":"done","payload":1})",
      R"({"type":"fast","payload":"c"})",  R"({"type":"first","payload":"d"})",
      R"({"type":"done","payload":2})"};
  EXPECT_EQ(conn.link.sent, expected);
}

TEST_F(SessionTest, AFailedPipelinedAnswerGets5000InItsPlace) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped","payload":"a","nonce":"1"})");
  text(conn, R"({"type":"piped","payload":"b","nonce":"2"})");
  finishHeld(1);
  held(0).fail("commit failed");
  transport_.awaitPosts(2);
  const std::vector<std::string> expected{R"({"type":"first","payload":"a","nonce":"1"})",
                                          error(5000, "Internal error.", "1"),
                                          R"({"type":"first","payload":"b","nonce":"2"})",
                                          R"({"type":"done","payload":1,"nonce":"2"})"};
  EXPECT_EQ(conn.link.sent, expected);
  EXPECT_FALSE(conn.link.closed);
}

TEST_F(SessionTest, PipelinedAnswersFinishedAfterTheCloseAreDropped) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped","payload":"a"})");
  text(conn, R"({"type":"piped","payload":"b"})");
  close(conn);
  finishHeld(1);
  finishHeld(0);
  transport_.awaitPosts(2);  // skipped: the connection is gone
  EXPECT_TRUE(conn.link.sent.empty());
}

TEST_F(SessionTest, AConnectionHoldsAtMost1024AnswersBehindAPipelinedOne) {
  config_.websocket.framesPerSecond = 0;  // unlimited: the bound is what is tested
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped_mixed","payload":"a"})");
  for (int i = 0; i < 1100; ++i) text(conn, R"({"type":"piped_mixed","payload":"now"})");
  // 1,024 answers wait behind the deferred one; the other 76 frames wait unhandled.
  EXPECT_EQ(mixed_.calls.load(), 1 + 1024);
  EXPECT_TRUE(conn.link.sent.empty());
  finishHeld(0);
  transport_.awaitPosts(1);
  EXPECT_EQ(mixed_.calls.load(), 1 + 1100);
  ASSERT_EQ(conn.link.sent.size(), 2u + 1100u);
  EXPECT_EQ(conn.link.sent[1], R"({"type":"done","payload":0})");
  EXPECT_EQ(conn.link.sent.back(), R"({"type":"now","payload":"now"})");
}

TEST_F(SessionTest, APipelinedTypeOnAWorkerStillRunsOneFrameAtATime) {
  Conn& conn = open();
  login(conn, "alice-1");
  text(conn, R"({"type":"piped_worker","payload":"a"})");
  text(conn, R"({"type":"piped_worker","payload":"b"})");
  const sdk::DeferredReply first = held(0);
  EXPECT_EQ(later_.calls.load(), 1);
  first.finish();
  transport_.awaitPosts(1);  // its completion sends b to a worker
  held(1).finish();
  transport_.awaitPosts(1);
  const std::vector<std::string> expected{R"({"type":"first","payload":"a"})",
                                          R"({"type":"first","payload":"b"})"};
  EXPECT_EQ(conn.link.sent, expected);
}

}  // namespace
}  // namespace wind::session
