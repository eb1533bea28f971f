#pragma once
// One WebSocket connection's protocol rules (PROTOCOL.md §3.1–3.3): the
// heartbeat deadline, heartbeat before auth, auth before everything else,
// the rate limit, the envelope and nonce, and the core-owned `auth` frame.
// Every other type goes to its plugin through dispatch::RouteTable, on the
// connection's strand (dispatch::Strand) so replies keep the order of the
// frames that caused them.
//
// Threads: a Session lives on its connection's event loop and is touched
// only there. Work handed to a worker captures copies and long-lived
// services, never the Session; its completion comes back through
// gateway::Transport::post, which skips connections that are gone, and
// finds the Session as the connection's ConnectionHandler.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "dispatch/answer_order.h"
#include "dispatch/envelope.h"
#include "dispatch/reply.h"
#include "dispatch/routes.h"
#include "dispatch/strand.h"
#include "dispatch/worker_pool.h"
#include "gateway/link.h"
#include "session/rate_limiter.h"
#include "session/session_registry.h"
#include "session/wire_metrics.h"

namespace Poco {
class Logger;
}

namespace wind::session {

// Counts shared by every session; read by metrics. Any thread.
struct SessionCounters {
  std::atomic<std::uint64_t> pluginFailures{
      0};                                     // handler or auth contributor Status failures (5000)
  std::atomic<std::uint64_t> rateLimited{0};  // 4029 answers
  std::atomic<std::uint64_t> authRefused{0};  // refused auth frames (4000, 4002, 4005)
};

// What every Session uses. Owned by SessionFactoryImpl, which must outlive
// its sessions and every worker task they queued (shut the WorkerPool down
// before destroying the factory).
struct SessionContext {
  const dispatch::RouteTable& routes;
  auth::TokenAuthenticator& authenticator;
  auth::UserDirectory& users;
  gateway::Transport& transport;
  SessionRegistry& registry;
  dispatch::WorkerPool& workers;
  Poco::Logger& logger;
  SessionCounters& counters;
  WireMetrics* wire = nullptr;  // per-type counters for /metrics; null in unit tests
};

// The websocket limits a Session takes when it opens and keeps for its life
// (a reload changes them only for later connections).
struct SessionLimits {
  std::chrono::milliseconds heartbeatTimeout;  // websocket.heartbeat_interval + heartbeat_grace
  unsigned framesPerSecond;                    // 0 = unlimited
  unsigned framesBurst;
};

// The result of a frame handled on a worker (or deferred), and of an auth check.
struct FrameDone {
  const dispatch::Route* route = nullptr;
  std::string type;
  dispatch::HandlerOutcome outcome;
  dispatch::AnswerOrder::Id answer = 0;  // the reserved place of a pipelined answer; 0 for none
};
struct AuthDone {
  std::optional<auth::Identity> identity;  // set when accepted
  std::string frame;                       // the snapshot or the error frame
  std::optional<sdk::ErrorCode> refusal;   // 4000, 4002 or 4005: counts toward close 4002
  std::string failure;                     // non-empty: an auth contributor failed (5000)
};

class Session final : public gateway::ConnectionHandler {
 public:
  // Called by SessionFactoryImpl::open on the loop thread; arms the first
  // heartbeat deadline. `link` and `context` outlive the Session; `limits`
  // is copied.
  Session(gateway::Link& link, const SessionContext& context, const SessionLimits& limits);

  void onText(std::string_view message) override;
  void onBinary() override;
  void onDeadline() override;
  void onClosed() override;

  // Worker completions, run on the loop thread through Transport::post.
  void finishFrame(FrameDone done);
  void finishAuth(AuthDone done);

 private:
  struct FrameRef {
    std::string_view type;
    std::string_view payload;
    std::optional<std::string_view> nonce;
  };
  struct OwnedFrame {
    explicit OwnedFrame(const FrameRef& ref);
    FrameRef ref() const noexcept;
    std::string type;
    std::string payload;
    std::optional<std::string> nonce;
  };

  using Outcome = dispatch::Strand::Outcome;

  bool admit(std::optional<std::string_view> nonce);
  // `route` is frame.type's, null when no plugin handles it.
  void queueFrame(const dispatch::Route* route, const FrameRef& frame);
  Outcome processFrame(dispatch::Strand::Lane lane, const dispatch::Route* route,
                       const FrameRef& frame);
  Outcome runOnLoop(bool pipelined, const dispatch::Route& route, const FrameRef& frame);
  Outcome submitToWorker(const dispatch::Route& route, const FrameRef& frame);
  void queueAuth(std::string_view payload, std::optional<std::string_view> nonce);
  Outcome beginAuth(const std::optional<std::string>& token,
                    const std::optional<std::string>& nonce);
  void refuseAuth(std::string frame);
  void reportFailure(const std::string& pluginName, std::string_view type,
                     const std::string& message);
  void armDeadline();
  void emit(std::string frame);
  bool roomToQueue();
  void write(std::string frame);
  void write(std::vector<std::string> frames);
  void sendNow(const std::string& frame);
  void closeAfterQueued(std::uint16_t code, std::string reason);
  void closeWith(std::uint16_t code, std::string_view reason);
  // "connection=<id> user=<id or ->" for every log line about this connection.
  std::string who() const;

  gateway::Link& link_;
  const SessionContext& context_;
  const sdk::ConnectionId id_;
  const std::chrono::milliseconds heartbeatTimeout_;
  dispatch::Strand strand_;
  dispatch::AnswerOrder answers_;  // in order behind pipelined answers still deferred
  TokenBucket bucket_;
  RefusalWindow refusals_;
  std::optional<sdk::UserId> user_;
  int refusedAuths_ = 0;
  bool heartbeatSeen_ = false;
  bool closing_ = false;
  bool draining_ = false;  // a close waits behind queued steps; input is ignored
};

}  // namespace wind::session
