#pragma once
// Host: the plugin's only door to the core.
//
// The server makes one Host per plugin and passes it to create(); it outlives
// the plugin. Every method is thread-safe and may be called from any thread
// (normally the worker thread running a handler). Nothing here throws.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wind/sdk/friends.h"
#include "wind/sdk/history.h"
#include "wind/sdk/ids.h"
#include "wind/sdk/storage.h"
#include "wind/sdk/user.h"
#include "wind/sdk/visibility.h"

namespace wind::sdk {

enum class LogLevel { trace, debug, info, warn, error };

// A monotonically increasing counter exported on /metrics as
// wind_plugin_<name>_total{plugin="<plugin>"}. Owned by the host.
class WIND_SDK_VISIBLE Counter {
 public:
  virtual ~Counter() = default;
  virtual void add(std::uint64_t n = 1) noexcept = 0;
};

// A latency histogram exported on /metrics as
// wind_plugin_<name>_seconds{plugin="<plugin>"} (_bucket, _sum, _count) with
// the server's default latency buckets (100 us .. 10 s). Owned by the host.
class WIND_SDK_VISIBLE Histogram {
 public:
  virtual ~Histogram() = default;
  virtual void observe(double seconds) noexcept = 0;
};

class WIND_SDK_VISIBLE Host {
 public:
  virtual ~Host() = default;

  // Delivery. Frames are {"type": type, "payload": payloadJson}; they are
  // queued to the connections' event loops and never block the caller.
  // sendToUser reaches every authenticated connection of `user` (all
  // devices), except `except` when given (use Reply for the requester).
  virtual void sendToConnection(ConnectionId connection, std::string_view type,
                                std::string_view payloadJson) noexcept = 0;
  virtual void sendToUser(UserId user, std::string_view type, std::string_view payloadJson,
                          std::optional<ConnectionId> except = std::nullopt) noexcept = 0;

  // Users (active accounts only). Names match without regard to case.
  virtual std::optional<User> findUser(UserId id) noexcept = 0;
  virtual std::optional<User> findUserByName(std::string_view name) noexcept = 0;

  // A new snowflake (PROTOCOL.md §1), unique across the cluster.
  virtual std::uint64_t nextId() noexcept = 0;
  // Wall clock, UTC microseconds since the Unix epoch (injectable in tests).
  virtual std::int64_t nowMicros() noexcept = 0;

  virtual void log(LogLevel level, std::string_view message) noexcept = 0;
  // The same name returns the same counter. Valid for the host's lifetime.
  virtual Counter& counter(std::string_view name) noexcept = 0;

  // This plugin's storage (its own tables, its migrations already applied).
  virtual Storage& storage() noexcept = 0;

  // The friendship service. provideFriends is called at most once, during
  // create(); friends() returns it (or nullptr when no plugin provides one)
  // and may be called once every plugin is created, i.e. from handlers.
  virtual void provideFriends(const Friends& friends) noexcept = 0;
  virtual const Friends* friends() noexcept = 0;

  // The chat history service (read by `load`), with the same rules as
  // provideFriends/friends: provided at most once during create(), read
  // from handlers; nullptr when no plugin provides one.
  virtual void provideHistory(const History& history) noexcept = 0;
  virtual const History* history() noexcept = 0;

  // The same name returns the same histogram. Valid for the host's lifetime.
  // (Last so that the vtable of the methods above keeps its layout.)
  virtual Histogram& histogram(std::string_view name) noexcept = 0;
};

}  // namespace wind::sdk
