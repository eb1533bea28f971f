#pragma once
// The heartbeat plugin (PROTOCOL.md §3.2): answers every `heartbeat` frame
// with a `heartbeat` frame carrying the same payload. The deadline and the
// heartbeat-before-auth rule live in core/session, not here.
//
// Created once on the main thread; onFrame runs on the connection's event
// loop (Execution::eventLoop), concurrently for different connections. It
// keeps no state, takes no lock and never blocks.

#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"

namespace wind::plugins::heartbeat {

const sdk::PluginInfo& info() noexcept;

class Heartbeat final : public sdk::PluginBase {
 public:
  Heartbeat(const sdk::Settings& settings, sdk::Host& host);

 protected:
  void onFrame(const sdk::Request& request, sdk::Reply& reply) override;
};

}  // namespace wind::plugins::heartbeat
