#include "session/session.h"

#include <Poco/Logger.h>

#include <functional>
#include <type_traits>
#include <utility>

#include "dispatch/frame.h"
#include "session/auth_snapshot.h"

namespace wind::session {
namespace {

using sdk::ErrorCode;

constexpr std::string_view kHeartbeat = "heartbeat";
constexpr std::string_view kAuth = "auth";
constexpr int kMaxRefusedAuths = 3;
// Frames (and answers) waiting behind one in flight. Heartbeats are never
// rate limited, so without a bound a client could grow this queue without
// limit while a handler blocks on storage.
constexpr std::size_t kMaxPendingSteps = 4096;
// Frames held behind pipelined answers still deferred. Past it, a
// connection's pipelined frames wait their turn like any other.
constexpr std::size_t kMaxHeldFrames = 1024;

std::string errorFrame(ErrorCode code, std::string_view reason,
                       std::optional<std::string_view> nonce) {
  return dispatch::makeErrorFrame(code, reason, nonce);
}

std::string rateLimitedFrame(std::chrono::milliseconds retryAfter,
                             std::optional<std::string_view> nonce) {
  std::string payload = dispatch::makeErrorPayload(ErrorCode::rateLimited, "Rate limited.");
  payload.pop_back();
  payload += ",\"retry_after_ms\":";
  payload += std::to_string(retryAfter.count());
  payload += '}';
  return dispatch::makeFrame("error", payload, nonce);
}

std::optional<std::string_view> viewOf(const std::optional<std::string>& text) {
  return text ? std::optional<std::string_view>(*text) : std::nullopt;
}

// Posts a worker's result to the connection's loop. The Session is looked
// up there as the connection's handler; a connection that is gone by then
// is skipped by the transport, so no pointer to the Session crosses threads.
template <typename Done>
void postToSession(gateway::Transport& transport, sdk::ConnectionId connection, Done done) {
  transport.post(connection, [done = std::move(done)](gateway::Link&,
                                                      gateway::ConnectionHandler& handler) mutable {
    if (auto* session = dynamic_cast<Session*>(&handler)) {
      if constexpr (std::is_same_v<Done, AuthDone>) {
        session->finishAuth(std::move(done));
      } else {
        session->finishFrame(std::move(done));
      }
    }
  });
}

// Where a deferred answer goes once finished (on whatever thread finished
// it): to the session, through the loop, like a worker's result. Lives on
// the handler's stack; bound by std::cref so that frames answered at once
// allocate nothing for it.
struct DeferTarget {
  gateway::Transport& transport;
  sdk::ConnectionId connection;
  const dispatch::Route& route;
  std::string_view type;
  dispatch::AnswerOrder::Id answer;  // its reserved place when pipelined, else 0

  dispatch::DeferredDone operator()() const {
    return [&transport = transport, connection = connection, &route = route,
            type = std::string(type), answer = answer](dispatch::HandlerOutcome outcome) {
      postToSession(transport, connection, FrameDone{&route, type, std::move(outcome), answer});
    };
  }
};

// Frames of a pipelined type handled on the loop may overlap one another
// (sdk::TypeSpec::pipelined); on a worker they run one after the other.
dispatch::Strand::Lane laneOf(const dispatch::Route* route) {
  if (route == nullptr || !route->spec.pipelined) return nullptr;
  return route->spec.execution == sdk::Execution::worker ? nullptr : route;
}

}  // namespace

Session::OwnedFrame::OwnedFrame(const FrameRef& ref)
    : type(ref.type),
      payload(ref.payload),
      nonce(ref.nonce ? std::optional<std::string>(*ref.nonce) : std::nullopt) {}

Session::FrameRef Session::OwnedFrame::ref() const noexcept {
  return FrameRef{type, payload, viewOf(nonce)};
}

Session::Session(gateway::Link& link, const SessionContext& context, const SessionLimits& limits)
    : link_(link),
      context_(context),
      id_(link.id()),
      heartbeatTimeout_(limits.heartbeatTimeout),
      bucket_(limits.framesPerSecond, limits.framesBurst, link.now()) {
  armDeadline();
  if (context_.logger.debug()) context_.logger.debug("session: opened " + who());
}

std::string Session::who() const {
  return "connection=" + sdk::toString(id_) +
         " user=" + (user_ ? sdk::toString(*user_) : std::string("-"));
}

void Session::onText(std::string_view message) {
  if (closing_ || draining_) return;
  dispatch::Envelope envelope;
  const dispatch::EnvelopeError error = dispatch::parseEnvelope(message, envelope);
  if (error != dispatch::EnvelopeError::none) {
    if (!admit(std::nullopt)) return;
    emit(error == dispatch::EnvelopeError::invalidJson
             ? errorFrame(ErrorCode::invalidJson,
                          "Frame must be a JSON object with a string \"type\".", std::nullopt)
             : errorFrame(ErrorCode::invalidRequest, "Invalid nonce.", std::nullopt));
    return;
  }
  const std::optional<std::string_view> nonce = viewOf(envelope.nonce);
  // Looked up once per frame, for the metrics and for dispatch.
  const dispatch::Route* route = context_.routes.find(envelope.type);
  if (context_.wire != nullptr) {
    const bool known = envelope.type == kHeartbeat || envelope.type == kAuth || route;
    context_.wire->frameIn(envelope.type, known);
  }
  if (envelope.type == kHeartbeat) {
    // The deadline counts arrivals, not replies: a heartbeat waiting behind
    // a slow frame still proves the client is alive. Never rate limited.
    heartbeatSeen_ = true;
    armDeadline();
  } else if (!admit(nonce)) {
    return;
  }
  if (envelope.type == kAuth) {
    if (!heartbeatSeen_) {
      closeWith(4003, "First heartbeat payload was not received.");
      return;
    }
    queueAuth(envelope.payload, nonce);
    return;
  }
  queueFrame(route, FrameRef{envelope.type, envelope.payload, nonce});
}

void Session::onBinary() {
  if (closing_ || draining_ || !admit(std::nullopt)) return;
  emit(errorFrame(ErrorCode::binaryFrame, "Only text frames are accepted.", std::nullopt));
}

void Session::onDeadline() { closeWith(4003, "Heartbeat missing."); }

void Session::onClosed() {
  if (context_.logger.debug()) context_.logger.debug("session: closed " + who());
  closing_ = true;
  strand_.clear();
  answers_.clear();
  if (user_) context_.registry.remove(id_, *user_);
}

bool Session::admit(std::optional<std::string_view> nonce) {
  const gateway::SteadyTime now = link_.now();
  if (bucket_.tryTake(now)) return true;
  context_.counters.rateLimited.fetch_add(1, std::memory_order_relaxed);
  emit(rateLimitedFrame(bucket_.retryAfter(now), nonce));
  if (refusals_.record(now)) closeAfterQueued(1008, "Rate limit exceeded.");
  return false;
}

void Session::queueFrame(const dispatch::Route* route, const FrameRef& frame) {
  // A connection that piled up too many answers loses its pipelining until
  // they are out.
  const dispatch::Strand::Lane lane =
      answers_.heldFrames() < kMaxHeldFrames ? laneOf(route) : nullptr;
  // Fast path: nothing holds the frame back, so it is handled (or handed
  // to a worker) straight from the message buffer.
  if (strand_.admits(lane)) {
    strand_.runNow(lane, [&] { return processFrame(lane, route, frame); });
    return;
  }
  if (!roomToQueue()) return;
  strand_.push(lane, [this, lane, route, owned = OwnedFrame(frame)] {
    return processFrame(lane, route, owned.ref());
  });
}

Session::Outcome Session::processFrame(dispatch::Strand::Lane lane, const dispatch::Route* route,
                                       const FrameRef& frame) {
  // Runs when the frame may start, so it sees the auth state left by every
  // earlier frame (an `auth` just before it included).
  const bool heartbeat = frame.type == kHeartbeat;
  if (!user_ && !heartbeat && !(route && route->spec.beforeAuth)) {
    write(errorFrame(ErrorCode::authRequired, "Authentication required.", frame.nonce));
    return Outcome::finished;
  }
  if (!route) {
    // The heartbeat echo is a session rule; without a heartbeat plugin the
    // core answers it itself.
    write(heartbeat ? dispatch::makeFrame(kHeartbeat, frame.payload, frame.nonce)
                    : errorFrame(ErrorCode::invalidRequest, "Unknown type.", frame.nonce));
    return Outcome::finished;
  }
  if (route->spec.execution == sdk::Execution::worker) return submitToWorker(*route, frame);
  return runOnLoop(lane != nullptr, *route, frame);
}

Session::Outcome Session::runOnLoop(bool pipelined, const dispatch::Route& route,
                                    const FrameRef& frame) {
  const sdk::Request request{id_, user_.value_or(sdk::UserId{0}), user_.has_value(), frame.type,
                             frame.payload};
  const DeferTarget target{context_.transport, id_, route, frame.type,
                           pipelined ? answers_.nextId() : 0};
  const dispatch::DeferredBinder bind = std::cref(target);
  dispatch::HandlerOutcome outcome = dispatch::runHandler(route, request, frame.nonce, &bind);
  if (outcome.deferred) {
    // Later frames wait for finishFrame(), except pipelined ones, which
    // start now; this answer's place among theirs is kept.
    if (!pipelined) return Outcome::waiting;
    answers_.reserve();
    return Outcome::overlapping;
  }
  if (!outcome.status.ok) reportFailure(route.pluginName, frame.type, outcome.status.message);
  write(std::move(outcome.frames));
  return Outcome::finished;
}

Session::Outcome Session::submitToWorker(const dispatch::Route& route, const FrameRef& frame) {
  gateway::Transport& transport = context_.transport;
  const sdk::ConnectionId connection = id_;
  const sdk::UserId user = user_.value_or(sdk::UserId{0});
  const bool authenticated = user_.has_value();
  const bool queued = context_.workers.submit(
      [&transport, &route, connection, user, authenticated, owned = OwnedFrame(frame)] {
        FrameDone done{&route, owned.type, {}};
        try {
          const FrameRef ref = owned.ref();
          const sdk::Request request{connection, user, authenticated, ref.type, ref.payload};
          const DeferTarget target{transport, connection, route, owned.type, 0};
          const dispatch::DeferredBinder bind = std::cref(target);
          done.outcome = dispatch::runHandler(route, request, ref.nonce, &bind);
          // The deferred answer posts its own completion.
          if (done.outcome.deferred) return;
        } catch (const std::exception& e) {
          // Out of memory while building frames: still finish the strand.
          done.outcome.status = sdk::Status::failure(e.what());
          done.outcome.frames.clear();
          try {
            done.outcome.frames.push_back(errorFrame(
                ErrorCode::internal, dispatch::kInternalErrorReason, viewOf(owned.nonce)));
          } catch (const std::exception&) {
            // finishFrame() still answers 5000, without the nonce.
          }
        }
        postToSession(transport, connection, std::move(done));
      });
  if (queued) return Outcome::waiting;
  write(errorFrame(ErrorCode::internal, dispatch::kInternalErrorReason, frame.nonce));
  return Outcome::finished;
}

void Session::finishFrame(FrameDone done) {
  if (closing_) return;
  const sdk::Status& status = done.outcome.status;
  if (!status.ok) {
    reportFailure(done.route->pluginName, done.type, status.message);
    if (done.outcome.frames.empty()) {
      done.outcome.frames.push_back(
          errorFrame(ErrorCode::internal, dispatch::kInternalErrorReason, std::nullopt));
    }
  }
  if (done.answer == 0) {
    write(std::move(done.outcome.frames));
    if (!closing_) strand_.done();
    return;
  }
  answers_.fill(done.answer, std::move(done.outcome.frames),
                [this](const std::string& frame) { sendNow(frame); });
  if (!closing_) strand_.overlapDone();
}

void Session::queueAuth(std::string_view payload, std::optional<std::string_view> nonce) {
  if (!roomToQueue()) return;
  std::optional<std::string> token = dispatch::stringMember(payload, "auth");
  std::optional<std::string> ownedNonce = nonce ? std::optional<std::string>(*nonce) : std::nullopt;
  strand_.push(nullptr, [this, token = std::move(token), ownedNonce = std::move(ownedNonce)] {
    return beginAuth(token, ownedNonce);
  });
}

Session::Outcome Session::beginAuth(const std::optional<std::string>& token,
                                    const std::optional<std::string>& nonce) {
  if (!token) {
    refuseAuth(errorFrame(ErrorCode::invalidRequest, "Auth payload needs a string \"auth\".",
                          viewOf(nonce)));
    return Outcome::finished;
  }
  // The token check blocks on storage, so it runs on a worker; the strand
  // keeps later frames of this connection waiting for its outcome.
  const SessionContext& context = context_;
  const bool queued =
      context_.workers.submit([&context, connection = id_, current = user_, token = *token, nonce] {
        AuthDone done = checkAuth(context, current, token, viewOf(nonce));
        postToSession(context.transport, connection, std::move(done));
      });
  if (queued) return Outcome::waiting;
  write(errorFrame(ErrorCode::internal, dispatch::kInternalErrorReason, viewOf(nonce)));
  return Outcome::finished;
}

void Session::finishAuth(AuthDone done) {
  if (closing_) return;
  if (done.refusal) {
    refuseAuth(std::move(done.frame));
  } else if (!done.failure.empty()) {
    reportFailure("(auth contributor)", kAuth, done.failure);
    write(std::move(done.frame));
  } else if (!context_.registry.add(id_, done.identity->user, done.identity->tokenHash)) {
    // Logged out while the token was being checked.
    closeWith(4002, "Token revoked.");
    return;
  } else {
    user_ = done.identity->user;
    if (context_.logger.debug()) context_.logger.debug("session: authenticated " + who());
    write(std::move(done.frame));
  }
  if (!closing_) strand_.done();
}

void Session::refuseAuth(std::string frame) {
  context_.counters.authRefused.fetch_add(1, std::memory_order_relaxed);
  write(std::move(frame));
  if (++refusedAuths_ >= kMaxRefusedAuths)
    closeWith(4002, "Too many failed authentication attempts.");
}

void Session::reportFailure(const std::string& pluginName, std::string_view type,
                            const std::string& message) {
  context_.counters.pluginFailures.fetch_add(1, std::memory_order_relaxed);
  context_.logger.error("plugin \"" + pluginName + "\" failed on type \"" + std::string(type) +
                        "\" (" + who() + "): " + message);
}

void Session::armDeadline() { link_.setDeadline(link_.now() + heartbeatTimeout_); }

void Session::emit(std::string frame) {
  // Answers decided on arrival still queue behind the replies of earlier
  // frames (PROTOCOL.md §3.1 rule 4).
  if (!roomToQueue()) return;
  strand_.push(nullptr, [this, frame = std::move(frame)]() mutable {
    write(std::move(frame));
    return Outcome::finished;
  });
}

bool Session::roomToQueue() {
  if (strand_.queued() < kMaxPendingSteps) return true;
  closeWith(1008, "Too many frames pending.");
  return false;
}

void Session::write(std::string frame) {
  if (closing_) return;
  if (answers_.holding()) {
    answers_.hold(std::move(frame));
    return;
  }
  sendNow(frame);
}

void Session::write(std::vector<std::string> frames) {
  for (std::string& frame : frames) write(std::move(frame));
}

void Session::sendNow(const std::string& frame) {
  if (closing_) return;
  if (context_.wire != nullptr) context_.wire->frameOut(frame);
  if (!link_.sendText(frame)) {
    // The link closed the connection (outbound queue over its bound).
    closing_ = true;
    strand_.clear();
    answers_.clear();
  }
}

void Session::closeAfterQueued(std::uint16_t code, std::string reason) {
  // The client is owed every answer already queued (its 4029s among them)
  // before the close; frames arriving meanwhile are ignored.
  if (closing_ || draining_) return;
  draining_ = true;
  strand_.push(nullptr, [this, code, reason = std::move(reason)] {
    closeWith(code, reason);
    return Outcome::finished;
  });
}

void Session::closeWith(std::uint16_t code, std::string_view reason) {
  if (closing_) return;
  closing_ = true;
  strand_.clear();
  answers_.clear();
  if (context_.logger.debug()) {
    context_.logger.debug("session: closing " + who() + " code=" + std::to_string(code) +
                          " reason=" + std::string(reason));
  }
  link_.close(code, reason);
}

}  // namespace wind::session
