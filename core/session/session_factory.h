#pragma once
// The gateway's SessionFactory: one Session per accepted WebSocket.
// Constructed once at startup by main.cpp; must outlive the transport's
// connections and every task queued on the WorkerPool (shut the pool down
// before destroying it).

#include <memory>
#include <mutex>

#include "config/config.h"
#include "session/session.h"

namespace wind::session {

class SessionFactoryImpl final : public gateway::SessionFactory {
 public:
  // Reads websocket.heartbeat_interval + heartbeat_grace, frames_per_second
  // and frames_burst from `config` now (see setLimits); keeps references to
  // the rest.
  SessionFactoryImpl(const config::Config& config, const dispatch::RouteTable& routes,
                     auth::TokenAuthenticator& authenticator, auth::UserDirectory& users,
                     gateway::Transport& transport, SessionRegistry& registry,
                     dispatch::WorkerPool& workers, Poco::Logger& logger,
                     WireMetrics* wire = nullptr);

  // Loop thread of the new connection, right after the handshake.
  std::unique_ptr<gateway::ConnectionHandler> open(gateway::Link& link) override;

  // Reload (main or admin thread): the websocket limits of connections
  // opened from now on; open sessions keep the limits they started with.
  void setLimits(const config::Config& config);

  const SessionCounters& counters() const noexcept { return counters_; }

 private:
  SessionCounters counters_;
  SessionContext context_;
  // A mutex rather than three atomics so that a connection opened during a
  // reload never mixes old and new values; open() holds it for a copy.
  std::mutex limitsMutex_;
  SessionLimits limits_;
};

}  // namespace wind::session
