#pragma once
// The core's own series on /metrics, wired by main: gauges read from the
// parts that already keep the numbers, and observers handed to auth and
// storage. Every function here is called once at startup on the main thread;
// what they return runs on the threads noted.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "metrics/registry.h"

namespace wind::admin {

struct GaugeSources {
  std::function<std::size_t()> openConnections;           // WebSockets open
  std::function<std::size_t()> authenticatedConnections;  // of which authenticated
  std::function<std::int64_t()> outboundBacklog;          // bytes queued behind blocked sockets
  std::string mailSpool;  // the smtp spool directory; empty when mail is not spooled
};

// wind_connections_open, wind_connections_authenticated,
// wind_outbound_backlog_bytes, wind_mail_queue_depth, wind_build_info. The functions must outlive
// `registry`'s last render.
void registerGauges(metrics::Registry& registry, GaugeSources sources);

// For Accounts::setLoginObserver: wind_login_attempts_total{outcome=…}. HTTP threads.
std::function<void(int status)> loginCounter(metrics::Registry& registry);

// For SqliteOptions::onCommit: wind_storage_commit_seconds and
// wind_storage_batch_statements histograms. Writer thread.
std::function<void(std::size_t, std::chrono::microseconds)> commitObserver(
    metrics::Registry& registry);

}  // namespace wind::admin
