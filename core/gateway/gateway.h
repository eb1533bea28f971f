#pragma once
// The WebSocket transport (ARCHITECTURE.md §2 step 1): takes upgraded sockets
// from Poco's HTTP server, spreads them over N event loops, and gives the
// session layer a Link per connection plus thread-safe Transport access.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "config/config.h"
#include "gateway/admission.h"
#include "gateway/event_loop.h"
#include "gateway/link.h"
#include "http/upgrade_handler.h"

namespace Poco {
class Logger;
}

namespace wind::gateway {

// What the configuration does not (yet) say; tests shorten the timeouts and
// inject a clock.
struct GatewayOptions {
  SteadyClock clock;  // empty: std::chrono::steady_clock::now
  std::chrono::milliseconds closeTimeout{2000};
  std::chrono::milliseconds shutdownGrace{2000};
  // Told the code of every close the server starts; see LoopSettings.
  std::function<void(std::uint16_t code)> serverClosed;
};

class Gateway final : public http::UpgradeHandler, public Transport {
 public:
  // Reads server.event_loops (0 = one per core), server.max_connections,
  // websocket.max_frame_bytes and websocket.outbound_queue_bytes. `sessions` and `logger` must
  // outlive the Gateway.
  Gateway(const config::Config& config, SessionFactory& sessions, Poco::Logger& logger,
          GatewayOptions options = {});
  // Shuts down if still running.
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Starts the loop threads. Call once, before the HTTP server accepts;
  // stop the HTTP server before destroying the Gateway.
  void start();
  // Closes every connection with 1001 "Server shutting down." after its
  // queued frames, waits up to shutdownGrace for the writes, calls every
  // handler's onClosed() on its loop, and joins the loops. Later upgrades
  // get 503. Idempotent; call from one thread.
  void shutdown();
  // Connections open or being handed to a loop. Any thread.
  std::size_t connectionCount() const noexcept;
  std::size_t eventLoopCount() const noexcept { return loops_.size(); }
  // Bytes queued for connections whose socket would block (metrics). Any thread.
  std::int64_t outboundBacklogBytes() const noexcept {
    return backlogBytes_.load(std::memory_order_relaxed);
  }
  // Configuration reload: the limit for later upgrades; open ones stay. Any thread.
  void setMaxConnections(std::size_t limit) noexcept { maxConnections_.store(limit); }

  // http::UpgradeHandler: on an HTTP pool thread. Validates the handshake
  // (400 with a JSON error otherwise, 403 / 4005 for a foreign Origin, 503
  // over the connection limit or while shutting down, 429 / 4029 over the
  // per-address limit), answers 101, detaches the socket from Poco (keeping any
  // bytes already buffered) and hands it to the least-loaded loop.
  void upgrade(Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response) override;

  // Transport: any thread; unknown or closed ids are ignored.
  void post(sdk::ConnectionId connection,
            std::function<void(Link&, ConnectionHandler&)> work) noexcept override;
  void send(sdk::ConnectionId connection, std::string frame) noexcept override;

 private:
  // Answers 101 and gives the socket to a loop; false if it could not.
  bool handOver(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
  EventLoop* loopFor(sdk::ConnectionId connection) const noexcept;
  EventLoop& leastLoaded() const noexcept;

  Poco::Logger& logger_;
  std::string publicUrl_;
  std::vector<std::string> allowedOrigins_;
  // Declared before loops_: the loops release slots until they are joined.
  AddressSlots addressSlots_;
  std::atomic<std::size_t> maxConnections_;
  std::atomic<std::int64_t> backlogBytes_{0};
  std::atomic<std::size_t> live_{0};
  std::atomic<bool> accepting_{false};
  std::vector<std::unique_ptr<EventLoop>> loops_;
};

}  // namespace wind::gateway
