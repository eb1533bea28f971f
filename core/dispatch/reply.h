#pragma once
// The core-owned sdk::Reply: collects the frames a handler produces for the
// requesting connection, each carrying the request's nonce, so they can be
// written in one go on the connection's loop (after the handler ran on a
// worker). Used by one handler call on one thread; not thread-safe. A
// handler that defers its answer (sdk::Reply::defer) continues it through a
// DeferredFrames, which is thread-safe.

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dispatch/routes.h"
#include "wind/sdk/frame.h"
#include "wind/sdk/plugin.h"

namespace wind::dispatch {

// What running one handler produced.
struct HandlerOutcome {
  std::vector<std::string> frames;  // to the requesting connection, in order
  sdk::Status status;               // a failure already has its 5000 frame appended
  // The handler deferred its answer: `frames` is empty and `status` ok here;
  // the real outcome arrives later through the DeferredDone.
  bool deferred = false;
};

// Receives the outcome of a deferred answer, once, on the thread that
// finished it (a storage writer, a worker, the loop). Must not block:
// normally it posts the outcome to the connection's loop.
using DeferredDone = std::function<void(HandlerOutcome)>;
// Builds the DeferredDone when (and only when) a handler defers, so frames
// answered at once cost no allocation for it. Called on the handler's thread.
using DeferredBinder = std::function<DeferredDone()>;

// The rest of a deferred answer: frames with the request's nonce, then one
// call of `done` when finished (explicitly, by a failed Status, or when the
// last handle lets go). Any thread.
class DeferredFrames final : public sdk::DeferredSink {
 public:
  DeferredFrames(std::optional<std::string> nonce, std::vector<std::string> frames,
                 DeferredDone done);
  // Finishes an answer nobody finished (as finish({})).
  ~DeferredFrames() override;
  DeferredFrames(const DeferredFrames&) = delete;
  DeferredFrames& operator=(const DeferredFrames&) = delete;

  void send(std::string_view type, std::string_view payloadJson) noexcept override;
  void error(sdk::ErrorCode code, std::string_view reason) noexcept override;
  void finish(std::string_view failure) noexcept override;

 private:
  void append(std::string frame) noexcept;

  std::mutex mutex_;
  const std::optional<std::string> nonce_;
  std::vector<std::string> frames_;  // guarded by mutex_
  DeferredDone done_;                // guarded by mutex_; empty once finished
};

class CollectingReply final : public sdk::Reply {
 public:
  // `bind` (may be null: then a deferred answer is dropped) is used only by defer().
  explicit CollectingReply(std::optional<std::string_view> nonce,
                           const DeferredBinder* bind = nullptr) noexcept
      : nonce_(nonce), bind_(bind) {}

  void send(std::string_view type, std::string_view payloadJson) noexcept override;
  void error(sdk::ErrorCode code, std::string_view reason) noexcept override;
  sdk::DeferredReply defer() override;

  std::vector<std::string>& frames() noexcept { return frames_; }
  // Set once defer() was called; the answer's frames went there.
  DeferredFrames* deferred() const noexcept { return deferred_.get(); }

 private:
  std::optional<std::string_view> nonce_;
  const DeferredBinder* bind_;
  std::vector<std::string> frames_;
  // Shared with the plugin's DeferredReply copies: whoever lets go last
  // destroys it (and so finishes an unfinished answer), on any thread.
  std::shared_ptr<DeferredFrames> deferred_;
};

// {"type":"error","payload":{"code":…,"reason":…}[,"nonce":…]}
std::string makeErrorFrame(sdk::ErrorCode code, std::string_view reason,
                           std::optional<std::string_view> nonce);

inline constexpr std::string_view kInternalErrorReason = "Internal error.";

// Calls route.plugin->handle() on the calling thread (a worker, or the loop
// for Execution::eventLoop). A failed Status appends error 5000
// "Internal error."; logging and counting are the caller's. When the
// handler defers, the outcome says so and the DeferredDone made by `bind`
// receives the real one later (a failed Status finishes it at once).
HandlerOutcome runHandler(const Route& route, const sdk::Request& request,
                          std::optional<std::string_view> nonce,
                          const DeferredBinder* bind = nullptr);

}  // namespace wind::dispatch
