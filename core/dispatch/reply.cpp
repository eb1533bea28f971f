#include "dispatch/reply.h"

#include <chrono>

#include "dispatch/frame.h"

namespace wind::dispatch {

namespace {

std::optional<std::string_view> viewOf(const std::optional<std::string>& text) noexcept {
  return text ? std::optional<std::string_view>(*text) : std::nullopt;
}

}  // namespace

DeferredFrames::DeferredFrames(std::optional<std::string> nonce, std::vector<std::string> frames,
                               DeferredDone done)
    : nonce_(std::move(nonce)), frames_(std::move(frames)), done_(std::move(done)) {}

DeferredFrames::~DeferredFrames() { finish({}); }

void DeferredFrames::append(std::string frame) noexcept {
  try {
    const std::lock_guard lock(mutex_);
    if (done_) frames_.push_back(std::move(frame));
  } catch (...) {
    // Out of memory: the frame is lost, the answer still finishes.
  }
}

void DeferredFrames::send(std::string_view type, std::string_view payloadJson) noexcept {
  try {
    append(makeFrame(type, payloadJson, viewOf(nonce_)));
  } catch (...) {
    // As in append().
  }
}

void DeferredFrames::error(sdk::ErrorCode code, std::string_view reason) noexcept {
  try {
    append(makeErrorFrame(code, reason, viewOf(nonce_)));
  } catch (...) {
    // As in append().
  }
}

void DeferredFrames::finish(std::string_view failure) noexcept {
  HandlerOutcome outcome;
  DeferredDone done;
  {
    const std::lock_guard lock(mutex_);
    if (!done_) return;
    done.swap(done_);
    outcome.frames.swap(frames_);
  }
  try {
    if (!failure.empty()) {
      outcome.status = sdk::Status::failure(std::string(failure));
      outcome.frames.push_back(
          makeErrorFrame(sdk::ErrorCode::internal, kInternalErrorReason, viewOf(nonce_)));
    }
  } catch (...) {
    // Out of memory: the session still answers a failure with 5000.
  }
  // Outside the lock: `done` may run anything short of blocking.
  try {
    done(std::move(outcome));
  } catch (...) {
    // Out of memory while posting: the connection's strand stays in
    // flight until it closes; nothing else is affected.
  }
}

void CollectingReply::send(std::string_view type, std::string_view payloadJson) noexcept {
  if (deferred_) {
    deferred_->send(type, payloadJson);
    return;
  }
  try {
    frames_.push_back(makeFrame(type, payloadJson, nonce_));
  } catch (...) {
    // Out of memory: the frame is lost, the handler and the loop go on.
  }
}

void CollectingReply::error(sdk::ErrorCode code, std::string_view reason) noexcept {
  if (deferred_) {
    deferred_->error(code, reason);
    return;
  }
  try {
    frames_.push_back(makeErrorFrame(code, reason, nonce_));
  } catch (...) {
    // As in send().
  }
}

sdk::DeferredReply CollectingReply::defer() {
  if (!deferred_) {
    std::optional<std::string> nonce = nonce_ ? std::optional<std::string>(*nonce_) : std::nullopt;
    DeferredDone done =
        (bind_ != nullptr && *bind_) ? (*bind_)() : DeferredDone([](HandlerOutcome) {});
    deferred_ =
        std::make_shared<DeferredFrames>(std::move(nonce), std::move(frames_), std::move(done));
    frames_.clear();
  }
  return sdk::DeferredReply(deferred_);
}

std::string makeErrorFrame(sdk::ErrorCode code, std::string_view reason,
                           std::optional<std::string_view> nonce) {
  return makeFrame("error", makeErrorPayload(code, reason), nonce);
}

HandlerOutcome runHandler(const Route& route, const sdk::Request& request,
                          std::optional<std::string_view> nonce, const DeferredBinder* bind) {
  CollectingReply reply(nonce, bind);
  HandlerOutcome outcome;
  const auto started = std::chrono::steady_clock::now();
  outcome.status = route.plugin->handle(request, reply);
  if (route.latency != nullptr) {
    route.latency->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  if (DeferredFrames* deferred = reply.deferred()) {
    // The answer goes on through the handle; a failure ends it here. The
    // reply's reference is dropped on return: if the plugin kept none, that
    // finishes the answer now.
    if (!outcome.status.ok)
      deferred->finish(outcome.status.message.empty() ? "failed" : outcome.status.message);
    outcome.status = sdk::Status::success();
    outcome.deferred = true;
    return outcome;
  }
  outcome.frames = std::move(reply.frames());
  if (!outcome.status.ok) {
    outcome.frames.push_back(makeErrorFrame(sdk::ErrorCode::internal, kInternalErrorReason, nonce));
  }
  return outcome;
}

}  // namespace wind::dispatch
