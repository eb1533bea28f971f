#include "dispatch/reply.h"

#include <chrono>

#include "dispatch/frame.h"

namespace wind::dispatch {

void CollectingReply::send(std::string_view type, std::string_view payloadJson) noexcept {
  try {
    frames_.push_back(makeFrame(type, payloadJson, nonce_));
  } catch (...) {
    // Out of memory: the frame is lost, the handler and the loop go on.
  }
}

void CollectingReply::error(sdk::ErrorCode code, std::string_view reason) noexcept {
  try {
    frames_.push_back(makeErrorFrame(code, reason, nonce_));
  } catch (...) {
    // As in send().
  }
}

std::string makeErrorFrame(sdk::ErrorCode code, std::string_view reason,
                           std::optional<std::string_view> nonce) {
  return makeFrame("error", makeErrorPayload(code, reason), nonce);
}

HandlerOutcome runHandler(const Route& route, const sdk::Request& request,
                          std::optional<std::string_view> nonce) {
  CollectingReply reply(nonce);
  HandlerOutcome outcome;
  const auto started = std::chrono::steady_clock::now();
  outcome.status = route.plugin->handle(request, reply);
  if (route.latency != nullptr) {
    route.latency->observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  }
  outcome.frames = std::move(reply.frames());
  if (!outcome.status.ok) {
    outcome.frames.push_back(makeErrorFrame(sdk::ErrorCode::internal, kInternalErrorReason, nonce));
  }
  return outcome;
}

}  // namespace wind::dispatch
