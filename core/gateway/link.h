#pragma once
// The boundary between the transport (core/gateway: sockets, RFC 6455 codec,
// event loops) and the session layer (core/session: protocol rules).
//
// Each accepted WebSocket is owned by one event loop. The gateway creates a
// Link for it and asks the SessionFactory for a ConnectionHandler; from then
// on every call in both directions for that connection happens on that
// loop's thread, except Transport, which any thread may use.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "wind/sdk/ids.h"

namespace wind::gateway {

using SteadyTime = std::chrono::steady_clock::time_point;

// The gateway's handle for one connection. Loop thread only. Valid until
// ConnectionHandler::onClosed() returns.
class Link {
 public:
  virtual ~Link() = default;
  virtual sdk::ConnectionId id() const noexcept = 0;
  // Peer address "ip:port", for logs and per-address limits.
  virtual const std::string& peer() const noexcept = 0;
  // Queues one text frame. When the outbound queue would exceed
  // websocket.outbound_queue_bytes the connection is closed with 1008
  // (or dropped) and false is returned.
  virtual bool sendText(std::string_view frame) noexcept = 0;
  // Starts the close handshake with `code` and `reason` (sent after the
  // frames already queued); no more messages are delivered to the handler.
  virtual void close(std::uint16_t code, std::string_view reason) noexcept = 0;
  // One deadline per connection; a new call replaces the old one.
  // ConnectionHandler::onDeadline() runs once it has passed.
  virtual void setDeadline(SteadyTime deadline) noexcept = 0;
  // The loop's clock (injectable in tests).
  virtual SteadyTime now() const noexcept = 0;
};

// Implemented by the session layer; one per connection; loop thread only.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A complete text message (fragments joined), valid UTF-8, within
  // websocket.max_frame_bytes. The view is valid only during the call.
  virtual void onText(std::string_view message) = 0;
  // A complete binary message (answered with error 1003 by the session).
  virtual void onBinary() = 0;
  // The deadline set with Link::setDeadline() has passed.
  virtual void onDeadline() = 0;
  // The connection is gone (closed by either side, or dropped). Last call;
  // the handler is destroyed right after it returns.
  virtual void onClosed() = 0;
};

class SessionFactory {
 public:
  virtual ~SessionFactory() = default;
  // Called on the owning loop's thread right after the handshake. `link`
  // outlives the returned handler.
  virtual std::unique_ptr<ConnectionHandler> open(Link& link) = 0;
};

// Thread-safe access to connections by id, from any thread (workers, HTTP
// threads). Work is queued to the owning loop and run there in FIFO order
// per loop; a connection that has gone away by then is skipped silently.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void post(sdk::ConnectionId connection,
                    std::function<void(Link&, ConnectionHandler&)> work) noexcept = 0;
  // Convenience: post a sendText.
  virtual void send(sdk::ConnectionId connection, std::string frame) noexcept = 0;
};

}  // namespace wind::gateway
