#pragma once
// The core side of sdk::Host: one HostImpl per loaded plugin, made by
// PluginHost before create() and destroyed after the plugin.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "auth/identity.h"
#include "ids/clock.h"
#include "ids/snowflake.h"
#include "metrics/registry.h"
#include "session/delivery.h"
#include "storage/database.h"
#include "wind/sdk/host.h"

namespace Poco {
class Logger;
}

namespace wind::plugin_host {

// A service one plugin may provide to the others (sdk::Friends,
// sdk::History), shared by every plugin's Host. Owned by PluginHost, which
// clears it before destroying any plugin. Lock-free, any thread.
template <typename Service>
class ServiceSlot {
 public:
  // False (and nothing changes) when a provider is already set.
  bool provide(const Service& service) noexcept {
    const Service* expected = nullptr;
    return service_.compare_exchange_strong(expected, &service, std::memory_order_acq_rel);
  }
  // Clears the slot if it still holds `service` (its provider is going away).
  void withdraw(const Service& service) noexcept {
    const Service* expected = &service;
    service_.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
  }
  const Service* get() const noexcept { return service_.load(std::memory_order_acquire); }
  void clear() noexcept { service_.store(nullptr, std::memory_order_release); }

 private:
  std::atomic<const Service*> service_{nullptr};
};

struct SharedServices {
  ServiceSlot<sdk::Friends> friends;
  ServiceSlot<sdk::History> history;
};

// The core services a Host forwards to. All outlive every HostImpl.
struct HostServices {
  storage::Database& database;
  auth::UserDirectory& users;
  session::Delivery& delivery;
  ids::SnowflakeGenerator& ids;
  const ids::Clock& clock;
  metrics::Registry& metrics;
  Poco::Logger& logger;
  SharedServices& shared;
};

// A plugin's storage: forwards to the core database.
class PluginStorage final : public sdk::Storage {
 public:
  explicit PluginStorage(storage::Database& database) : database_(database) {}
  sdk::QueryResult query(std::string_view sql,
                         std::span<const sdk::Value> params) noexcept override;
  sdk::WriteResult write(std::span<const sdk::Statement> statements) noexcept override;
  void writeAsync(std::vector<sdk::Statement> statements,
                  std::function<void(sdk::WriteResult)> done) noexcept override;

 private:
  storage::Database& database_;
};

class HostImpl final : public sdk::Host {
 public:
  HostImpl(std::string pluginName, const HostServices& services);
  ~HostImpl() override;
  HostImpl(const HostImpl&) = delete;
  HostImpl& operator=(const HostImpl&) = delete;

  void sendToConnection(sdk::ConnectionId connection, std::string_view type,
                        std::string_view payloadJson) noexcept override;
  void sendToUser(sdk::UserId user, std::string_view type, std::string_view payloadJson,
                  std::optional<sdk::ConnectionId> except) noexcept override;
  std::optional<sdk::User> findUser(sdk::UserId id) noexcept override;
  std::optional<sdk::User> findUserByName(std::string_view name) noexcept override;
  std::uint64_t nextId() noexcept override;
  std::int64_t nowMicros() noexcept override;
  void log(sdk::LogLevel level, std::string_view message) noexcept override;
  sdk::Counter& counter(std::string_view name) noexcept override;
  sdk::Storage& storage() noexcept override;
  void provideFriends(const sdk::Friends& friends) noexcept override;
  const sdk::Friends* friends() noexcept override;
  void provideHistory(const sdk::History& history) noexcept override;
  const sdk::History* history() noexcept override;
  sdk::Histogram& histogram(std::string_view name) noexcept override;

  // The last message the plugin logged at error level ("" if none): create()
  // explains a nullptr this way, and the load error repeats it.
  std::string lastError() const;

 private:
  class PluginCounter;
  class PluginHistogram;

  std::string name_;
  HostServices services_;
  PluginStorage storage_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<PluginCounter>, std::less<>> counters_;
  std::map<std::string, std::unique_ptr<PluginHistogram>, std::less<>> histograms_;
  std::string lastError_;
  // What this plugin provided, withdrawn when the Host dies: a plugin whose
  // create() failed must not leave a dangling service behind.
  std::atomic<const sdk::Friends*> providedFriends_{nullptr};
  std::atomic<const sdk::History*> providedHistory_{nullptr};
};

// "wind_plugin_<name>_total" with every character Prometheus does not allow
// in a metric name replaced by '_'.
std::string pluginCounterName(std::string_view name);
// "wind_plugin_<name>_seconds", sanitised the same way.
std::string pluginHistogramName(std::string_view name);

}  // namespace wind::plugin_host
