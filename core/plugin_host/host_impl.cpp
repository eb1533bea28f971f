#include "plugin_host/host_impl.h"

#include <Poco/Logger.h>

#include "dispatch/frame.h"

namespace wind::plugin_host {

sdk::QueryResult PluginStorage::query(std::string_view sql,
                                      std::span<const sdk::Value> params) noexcept {
  return database_.query(sql, params);
}

sdk::WriteResult PluginStorage::write(std::span<const sdk::Statement> statements) noexcept {
  return database_.write(statements);
}

void PluginStorage::writeAsync(std::vector<sdk::Statement> statements,
                               std::function<void(sdk::WriteResult)> done) noexcept {
  database_.writeAsync(std::move(statements), std::move(done));
}

// Adapts a registry counter to the SDK interface, which the plugin holds by reference.
class HostImpl::PluginCounter final : public sdk::Counter {
 public:
  explicit PluginCounter(metrics::Counter& counter) : counter_(counter) {}
  void add(std::uint64_t n) noexcept override { counter_.add(n); }

 private:
  metrics::Counter& counter_;
};

// Adapts a registry histogram likewise.
class HostImpl::PluginHistogram final : public sdk::Histogram {
 public:
  explicit PluginHistogram(metrics::Histogram& histogram) : histogram_(histogram) {}
  void observe(double seconds) noexcept override { histogram_.observe(seconds); }

 private:
  metrics::Histogram& histogram_;
};

namespace {

// "wind_plugin_<name><suffix>" with characters Prometheus forbids replaced by '_'.
std::string pluginMetricName(std::string_view name, std::string_view suffix) {
  std::string out = "wind_plugin_";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == ':';
    out.push_back(ok ? c : '_');
  }
  out += suffix;
  return out;
}

}  // namespace

std::string pluginCounterName(std::string_view name) { return pluginMetricName(name, "_total"); }

std::string pluginHistogramName(std::string_view name) {
  return pluginMetricName(name, "_seconds");
}

HostImpl::HostImpl(std::string pluginName, const HostServices& services)
    : name_(std::move(pluginName)), services_(services), storage_(services.database) {}

HostImpl::~HostImpl() {
  if (const sdk::Friends* friends = providedFriends_.load())
    services_.shared.friends.withdraw(*friends);
  if (const sdk::History* history = providedHistory_.load())
    services_.shared.history.withdraw(*history);
}

void HostImpl::sendToConnection(sdk::ConnectionId connection, std::string_view type,
                                std::string_view payloadJson) noexcept {
  try {
    services_.delivery.sendToConnection(connection, dispatch::makeFrame(type, payloadJson));
  } catch (const std::exception& e) {
    log(sdk::LogLevel::error, std::string("cannot send a frame: ") + e.what());
  }
}

void HostImpl::sendToUser(sdk::UserId user, std::string_view type, std::string_view payloadJson,
                          std::optional<sdk::ConnectionId> except) noexcept {
  try {
    services_.delivery.sendToUser(user, dispatch::makeFrame(type, payloadJson), except);
  } catch (const std::exception& e) {
    log(sdk::LogLevel::error, std::string("cannot send a frame: ") + e.what());
  }
}

std::optional<sdk::User> HostImpl::findUser(sdk::UserId id) noexcept {
  return services_.users.findUser(id);
}

std::optional<sdk::User> HostImpl::findUserByName(std::string_view name) noexcept {
  return services_.users.findUserByName(name);
}

// SnowflakeGenerator::next() throws only when the 41-bit millisecond field is
// exhausted (year 2090); terminating through noexcept is the honest answer.
std::uint64_t HostImpl::nextId() noexcept { return services_.ids.next(); }

std::int64_t HostImpl::nowMicros() noexcept { return services_.clock.nowMicros(); }

void HostImpl::log(sdk::LogLevel level, std::string_view message) noexcept {
  try {
    std::string text = "[" + name_ + "] ";
    text += message;
    Poco::Logger& logger = services_.logger;
    switch (level) {
      case sdk::LogLevel::trace:
        logger.trace(text);
        break;
      case sdk::LogLevel::debug:
        logger.debug(text);
        break;
      case sdk::LogLevel::info:
        logger.information(text);
        break;
      case sdk::LogLevel::warn:
        logger.warning(text);
        break;
      case sdk::LogLevel::error:
        logger.error(text);
        {
          std::lock_guard lock(mutex_);
          lastError_ = std::string(message);
        }
        break;
    }
  } catch (...) {
    // A failing log channel must not take the plugin down; there is nowhere left to report it.
  }
}

sdk::Counter& HostImpl::counter(std::string_view name) noexcept {
  std::lock_guard lock(mutex_);
  auto it = counters_.find(name);
  if (it == counters_.end()) {
    // Valid by construction: pluginCounterName sanitises, "plugin" is a valid label.
    metrics::Counter& counter = services_.metrics.counter(
        pluginCounterName(name), "Counter \"" + std::string(name) + "\" of a WIND plugin.",
        {{"plugin", name_}});
    it = counters_.emplace(std::string(name), std::make_unique<PluginCounter>(counter)).first;
  }
  return *it->second;
}

sdk::Histogram& HostImpl::histogram(std::string_view name) noexcept {
  std::lock_guard lock(mutex_);
  auto it = histograms_.find(name);
  if (it == histograms_.end()) {
    // Valid by construction, as for counters; the suffixes keep the two kinds apart.
    metrics::Histogram& histogram = services_.metrics.histogram(
        pluginHistogramName(name),
        "Histogram \"" + std::string(name) + "\" of a WIND plugin, in seconds.",
        {{"plugin", name_}});
    it = histograms_.emplace(std::string(name), std::make_unique<PluginHistogram>(histogram)).first;
  }
  return *it->second;
}

sdk::Storage& HostImpl::storage() noexcept { return storage_; }

void HostImpl::provideFriends(const sdk::Friends& friends) noexcept {
  if (!services_.shared.friends.provide(friends)) {
    log(sdk::LogLevel::warn, "the friendship service is already provided; this one is ignored");
    return;
  }
  providedFriends_.store(&friends);
}

const sdk::Friends* HostImpl::friends() noexcept { return services_.shared.friends.get(); }

void HostImpl::provideHistory(const sdk::History& history) noexcept {
  if (!services_.shared.history.provide(history)) {
    log(sdk::LogLevel::warn, "the history service is already provided; this one is ignored");
    return;
  }
  providedHistory_.store(&history);
}

const sdk::History* HostImpl::history() noexcept { return services_.shared.history.get(); }

std::string HostImpl::lastError() const {
  std::lock_guard lock(mutex_);
  return lastError_;
}

}  // namespace wind::plugin_host
