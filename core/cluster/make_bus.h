#pragma once
// Which bus a node uses: RedisBus when cluster.bus is set, else LocalBus.

#include <Poco/Logger.h>

#include <functional>
#include <memory>

#include "auth/attempt_limiter.h"
#include "cluster/bus.h"
#include "config/config.h"
#include "ids/clock.h"
#include "metrics/registry.h"

namespace wind::cluster {

// Startup, main thread. `metrics` and `logger` outlive the bus; `onLeaseLost`
// runs on a bus thread (see RedisBusOptions).
std::unique_ptr<Bus> makeBus(const config::Config& config, metrics::Registry& metrics,
                             Poco::Logger& logger, std::function<void()> onLeaseLost);

// Failed-login counts shared through Redis when cluster.bus is set (for
// Accounts::setLoginLimiter); nullptr on a single node. `clock` and `logger` outlive it.
std::unique_ptr<auth::AttemptLimiter> makeLoginLimiter(const config::Config& config,
                                                       const ids::Clock& clock,
                                                       Poco::Logger& logger);

}  // namespace wind::cluster
