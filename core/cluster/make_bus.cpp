#include "cluster/make_bus.h"

#include "cluster/redis_attempt_limiter.h"
#include "cluster/redis_bus.h"
#include "cluster/redis_keys.h"

namespace wind::cluster {

std::unique_ptr<Bus> makeBus(const config::Config& config, metrics::Registry& metrics,
                             Poco::Logger& logger, std::function<void()> onLeaseLost) {
  if (config.cluster.bus.empty()) return std::make_unique<LocalBus>();
  RedisBusOptions options;
  options.address = keys::addressOf(config.cluster.bus);  // the config loader checked the form
  options.nodeId = config.server.nodeId;
  options.ttl = config.cluster.ttl;
  options.onLeaseLost = std::move(onLeaseLost);
  return std::make_unique<RedisBus>(std::move(options), metrics, logger);
}

std::unique_ptr<auth::AttemptLimiter> makeLoginLimiter(const config::Config& config,
                                                       const ids::Clock& clock,
                                                       Poco::Logger& logger) {
  if (config.cluster.bus.empty()) return nullptr;
  return std::make_unique<RedisAttemptLimiter>(keys::addressOf(config.cluster.bus),
                                               config.auth.loginAttemptsPerMinute,
                                               std::chrono::seconds{60}, clock, logger);
}

}  // namespace wind::cluster
