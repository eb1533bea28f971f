#include "heartbeat.h"

namespace wind::plugins::heartbeat {

const sdk::PluginInfo& info() noexcept {
  static const sdk::PluginInfo kInfo{
      .version = "1.0.0",
      .types = {{.type = "heartbeat", .execution = sdk::Execution::eventLoop, .beforeAuth = true}},
      .settings = {},
      .migrations = {},
  };
  return kInfo;
}

Heartbeat::Heartbeat(const sdk::Settings& settings, sdk::Host& host) {
  (void)settings;
  (void)host;
}

// The payload is the envelope's original JSON text, already validated by the
// core, so it goes back verbatim: no parse, no allocation beyond the frame.
void Heartbeat::onFrame(const sdk::Request& request, sdk::Reply& reply) {
  reply.send("heartbeat", request.payload);
}

}  // namespace wind::plugins::heartbeat
