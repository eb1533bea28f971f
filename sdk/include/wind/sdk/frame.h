#pragma once
// What a plugin receives for one WebSocket frame, and the sink it answers through.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wind/sdk/errors.h"
#include "wind/sdk/ids.h"
#include "wind/sdk/visibility.h"

namespace wind::sdk {

// One frame routed to a plugin. The views are valid only during the call.
struct Request {
  ConnectionId connection{};
  UserId user{};               // the authenticated user; UserId{0} before auth
  bool authenticated = false;  // always true except for types allowed before auth (heartbeat)
  std::string_view type;       // envelope "type"
  std::string_view payload;    // envelope "payload" as its original JSON text; "null" when absent
};

// The core's side of a DeferredReply (implemented by the core and by the
// SDK's test doubles; plugins use DeferredReply). Thread-safe. Destroyed when
// the last DeferredReply copy and the core let go of it; a sink destroyed
// unfinished finishes itself (as finish()).
class WIND_SDK_VISIBLE DeferredSink {
 public:
  virtual ~DeferredSink() = default;
  virtual void send(std::string_view type, std::string_view payloadJson) noexcept = 0;
  virtual void error(ErrorCode code, std::string_view reason) noexcept = 0;
  // Ends the answer: `failure` empty = success; otherwise the core logs it,
  // counts it and appends error 5000 (like a failed Status). Only the first
  // call counts; frames sent after it are dropped.
  virtual void finish(std::string_view failure) noexcept = 0;
};

// The rest of a frame's answer, given LATER from any thread (typically a
// Storage::writeAsync completion). Until it finishes, later frames of the
// same connection wait (PROTOCOL.md §3.1: answers in request order), so a
// handler that defers must make sure the answer finishes. A cheap copyable
// handle; every copy refers to the same answer; thread-safe. When the last
// copy goes away unfinished, the answer finishes as with finish(). If the
// connection closed meanwhile, everything is dropped silently.
class DeferredReply {
 public:
  explicit DeferredReply(std::shared_ptr<DeferredSink> sink) noexcept : sink_(std::move(sink)) {}

  // Same frames as Reply::send / Reply::error, after those sent before defer().
  void send(std::string_view type, std::string_view payloadJson) const noexcept {
    if (sink_) sink_->send(type, payloadJson);
  }
  void error(ErrorCode code, std::string_view reason) const noexcept {
    if (sink_) sink_->error(code, reason);
  }
  // The answer is complete: its frames go out and the connection's next frame runs.
  void finish() const noexcept {
    if (sink_) sink_->finish({});
  }
  // Internal failure: error 5000 after the frames already sent, logged with `why`.
  void fail(std::string_view why) const noexcept {
    if (sink_) sink_->finish(why.empty() ? std::string_view("failed") : why);
  }

 private:
  std::shared_ptr<DeferredSink> sink_;  // shared with the core, which owns its lifetime rules
};

// The core-owned sink for frames to the requesting connection. Frames are
// sent in call order, after earlier replies of this connection, and carry
// the request's nonce. Valid only during the handle() call; not thread-safe.
class WIND_SDK_VISIBLE Reply {
 public:
  virtual ~Reply() = default;
  // Sends {"type": type, "payload": payloadJson}; payloadJson must be valid JSON.
  virtual void send(std::string_view type, std::string_view payloadJson) noexcept = 0;
  // Sends {"type":"error","payload":{"code":code,"reason":reason}}.
  virtual void error(ErrorCode code, std::string_view reason) noexcept = 0;
  // Called during handle() (once): the answer continues after handle()
  // returns, through the returned handle, from any thread. Frames sent so
  // far come first; later send()/error() calls on this Reply go to the
  // handle too (so a RequestError that PluginBase turns into an error frame
  // after defer() joins the answer). A failed Status (any other exception
  // caught by PluginBase) finishes the answer with error 5000. Calling it
  // again returns the same answer. Throws std::bad_alloc only.
  virtual DeferredReply defer() = 0;
};

// Fields a plugin adds to the `auth` snapshot (PROTOCOL.md §3.3), e.g.
// ("mutual_users", "[…]"). Values are JSON text. Owned by the core.
class AuthSnapshot {
 public:
  void add(std::string field, std::string jsonValue) {
    fields_.emplace_back(std::move(field), std::move(jsonValue));
  }
  const std::vector<std::pair<std::string, std::string>>& fields() const noexcept {
    return fields_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace wind::sdk
