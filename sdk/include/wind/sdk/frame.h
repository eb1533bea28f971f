#pragma once
// What a plugin receives for one WebSocket frame, and the sink it answers through.

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
};

// Fields a plugin adds to the `auth` snapshot (PROTOCOL.md §3.3), e.g.
// ("mutual_users", "[…]"). Values are JSON text. Owned by the core.
class AuthSnapshot {
 public:
  void add(std::string field, std::string jsonValue) { fields_.emplace_back(std::move(field), std::move(jsonValue)); }
  const std::vector<std::pair<std::string, std::string>>& fields() const noexcept { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace wind::sdk
