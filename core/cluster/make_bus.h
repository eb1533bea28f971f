#pragma once
// Which bus a node uses: RedisBus when cluster.bus is set, else LocalBus.

#include <Poco/Logger.h>

#include <functional>
#include <memory>

#include "cluster/bus.h"
#include "config/config.h"
#include "metrics/registry.h"

namespace wind::cluster {

// Startup, main thread. `metrics` and `logger` outlive the bus; `onLeaseLost`
// runs on a bus thread (see RedisBusOptions).
std::unique_ptr<Bus> makeBus(const config::Config& config, metrics::Registry& metrics, Poco::Logger& logger,
                             std::function<void()> onLeaseLost);

}  // namespace wind::cluster
