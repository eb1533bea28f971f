#include "admin/server_metrics.h"

#include <filesystem>

#include "wind/sdk/abi.h"

namespace wind::admin {
namespace {

// Spooled mails waiting for delivery: the .eml files directly in the spool
// (the failed/ subdirectory holds given-up mail, not a queue).
std::int64_t spooledMails(const std::string& dir) {
  std::error_code ec;
  std::int64_t count = 0;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".eml" && it->is_regular_file(ec)) ++count;
  }
  return count;
}

std::string outcomeOf(int status) {
  switch (status) {
    case 201:
      return "success";
    case 400:
      return "invalid";
    case 401:
      return "wrong_credentials";
    case 403:
      return "forbidden";
    case 429:
      return "rate_limited";
    default:
      return "error";
  }
}

}  // namespace

void registerGauges(metrics::Registry& registry, GaugeSources sources) {
  registry.gaugeFunction(
      "wind_connections_open", "WebSocket connections open.", {},
      [read = sources.openConnections] { return static_cast<std::int64_t>(read()); });
  registry.gaugeFunction(
      "wind_connections_authenticated", "WebSocket connections authenticated.", {},
      [read = sources.authenticatedConnections] { return static_cast<std::int64_t>(read()); });
  registry.gaugeFunction("wind_outbound_backlog_bytes",
                         "Bytes queued for WebSockets whose socket is full (slow readers).", {},
                         std::move(sources.outboundBacklog));
  if (!sources.mailSpool.empty()) {
    registry.gaugeFunction("wind_mail_queue_depth", "Mails in the smtp spool awaiting delivery.",
                           {}, [dir = sources.mailSpool] { return spooledMails(dir); });
  }
  registry
      .gauge("wind_build_info", "Always 1; the labels name the build.",
             {{"version", WIND_VERSION}, {"abi", std::to_string(sdk::kAbiVersion)}})
      .set(1);
}

std::function<void(int status)> loginCounter(metrics::Registry& registry) {
  // Every outcome is created now, so each appears (at 0) before the first login.
  std::map<int, metrics::Counter*> counters;
  for (int status : {201, 400, 401, 403, 429, 500}) {
    counters[status] = &registry.counter("wind_login_attempts_total", "Login attempts, by outcome.",
                                         {{"outcome", outcomeOf(status)}});
  }
  return [counters](int status) {
    const auto it = counters.find(status);
    (it != counters.end() ? it->second : counters.at(500))->add();
  };
}

std::function<void(std::size_t, std::chrono::microseconds)> commitObserver(
    metrics::Registry& registry) {
  auto& seconds = registry.histogram("wind_storage_commit_seconds",
                                     "Time from BEGIN to the end of COMMIT of a batch.");
  auto& size = registry.histogram("wind_storage_batch_statements",
                                  "Statements committed per batch.", {}, metrics::sizeBuckets());
  return [&seconds, &size](std::size_t statements, std::chrono::microseconds duration) {
    seconds.observe(std::chrono::duration<double>(duration).count());
    size.observe(static_cast<double>(statements));
  };
}

}  // namespace wind::admin
