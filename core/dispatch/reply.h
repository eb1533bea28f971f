#pragma once
// The core-owned sdk::Reply: collects the frames a handler produces for the
// requesting connection, each carrying the request's nonce, so they can be
// written in one go on the connection's loop (after the handler ran on a
// worker). Used by one handler call on one thread; not thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/routes.h"
#include "wind/sdk/frame.h"
#include "wind/sdk/plugin.h"

namespace wind::dispatch {

class CollectingReply final : public sdk::Reply {
 public:
  explicit CollectingReply(std::optional<std::string_view> nonce) noexcept : nonce_(nonce) {}

  void send(std::string_view type, std::string_view payloadJson) noexcept override;
  void error(sdk::ErrorCode code, std::string_view reason) noexcept override;

  std::vector<std::string>& frames() noexcept { return frames_; }

 private:
  std::optional<std::string_view> nonce_;
  std::vector<std::string> frames_;
};

// {"type":"error","payload":{"code":…,"reason":…}[,"nonce":…]}
std::string makeErrorFrame(sdk::ErrorCode code, std::string_view reason,
                           std::optional<std::string_view> nonce);

inline constexpr std::string_view kInternalErrorReason = "Internal error.";

// What running one handler produced.
struct HandlerOutcome {
  std::vector<std::string> frames;  // to the requesting connection, in order
  sdk::Status status;               // a failure already has its 5000 frame appended
};

// Calls route.plugin->handle() on the calling thread (a worker, or the loop
// for Execution::eventLoop). A failed Status appends error 5000
// "Internal error."; logging and counting are the caller's.
HandlerOutcome runHandler(const Route& route, const sdk::Request& request,
                          std::optional<std::string_view> nonce);

}  // namespace wind::dispatch
