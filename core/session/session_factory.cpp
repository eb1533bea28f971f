#include "session/session_factory.h"

namespace wind::session {

SessionFactoryImpl::SessionFactoryImpl(const config::Config& config, const dispatch::RouteTable& routes,
                                       auth::TokenAuthenticator& authenticator, auth::UserDirectory& users,
                                       gateway::Transport& transport, SessionRegistry& registry,
                                       dispatch::WorkerPool& workers, Poco::Logger& logger, WireMetrics* wire)
    : context_{config.websocket.heartbeatInterval + config.websocket.heartbeatGrace,
               config.websocket.framesPerSecond,
               config.websocket.framesBurst,
               routes,
               authenticator,
               users,
               transport,
               registry,
               workers,
               logger,
               counters_,
               wire} {}

std::unique_ptr<gateway::ConnectionHandler> SessionFactoryImpl::open(gateway::Link& link) {
  return std::make_unique<Session>(link, context_);
}

}  // namespace wind::session
