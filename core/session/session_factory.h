#pragma once
// The gateway's SessionFactory: one Session per accepted WebSocket.
// Constructed once at startup by main.cpp; must outlive the transport's
// connections and every task queued on the WorkerPool (shut the pool down
// before destroying it).

#include <memory>

#include "config/config.h"
#include "session/session.h"

namespace wind::session {

class SessionFactoryImpl final : public gateway::SessionFactory {
 public:
  // Reads websocket.heartbeat_interval + heartbeat_grace, frames_per_second
  // and frames_burst from `config` now; keeps references to the rest.
  SessionFactoryImpl(const config::Config& config, const dispatch::RouteTable& routes,
                     auth::TokenAuthenticator& authenticator, auth::UserDirectory& users,
                     gateway::Transport& transport, SessionRegistry& registry, dispatch::WorkerPool& workers,
                     Poco::Logger& logger, WireMetrics* wire = nullptr);

  // Loop thread of the new connection, right after the handshake.
  std::unique_ptr<gateway::ConnectionHandler> open(gateway::Link& link) override;

  const SessionCounters& counters() const noexcept { return counters_; }

 private:
  SessionCounters counters_;
  SessionContext context_;
};

}  // namespace wind::session
