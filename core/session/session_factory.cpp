#include "session/session_factory.h"

namespace wind::session {
namespace {

SessionLimits limitsOf(const config::Config& config) {
  return SessionLimits{config.websocket.heartbeatInterval + config.websocket.heartbeatGrace,
                       config.websocket.framesPerSecond, config.websocket.framesBurst};
}

}  // namespace

SessionFactoryImpl::SessionFactoryImpl(const config::Config& config,
                                       const dispatch::RouteTable& routes,
                                       auth::TokenAuthenticator& authenticator,
                                       auth::UserDirectory& users, gateway::Transport& transport,
                                       SessionRegistry& registry, dispatch::WorkerPool& workers,
                                       Poco::Logger& logger, WireMetrics* wire)
    : context_{routes, authenticator, users, transport, registry, workers, logger, counters_, wire},
      limits_(limitsOf(config)) {}

std::unique_ptr<gateway::ConnectionHandler> SessionFactoryImpl::open(gateway::Link& link) {
  SessionLimits limits{};
  {
    std::lock_guard lock(limitsMutex_);
    limits = limits_;
  }
  return std::make_unique<Session>(link, context_, limits);
}

void SessionFactoryImpl::setLimits(const config::Config& config) {
  const SessionLimits next = limitsOf(config);
  std::lock_guard lock(limitsMutex_);
  limits_ = next;
}

}  // namespace wind::session
