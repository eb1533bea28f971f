#include "admin/reloader.h"

namespace wind::admin {
namespace {

std::string joined(const std::vector<std::string>& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

// The websocket limits a reload applies (to connections opened after it).
void copyReloadableWebSocket(const config::Config& from, config::Config& to) {
  to.websocket.framesPerSecond = from.websocket.framesPerSecond;
  to.websocket.framesBurst = from.websocket.framesBurst;
  to.websocket.heartbeatInterval = from.websocket.heartbeatInterval;
  to.websocket.heartbeatGrace = from.websocket.heartbeatGrace;
}

}  // namespace

void diffConfigs(const config::Config& a, const config::Config& b,
                 std::vector<std::string>& reloadable, std::vector<std::string>& restart) {
  if (a.log.level != b.log.level) reloadable.emplace_back("log.level");
  if (a.auth.loginAttemptsPerMinute != b.auth.loginAttemptsPerMinute) {
    reloadable.emplace_back("auth.login_attempts_per_minute");
  }
  if (a.server.maxConnections != b.server.maxConnections)
    reloadable.emplace_back("server.max_connections");
  if (a.websocket.framesPerSecond != b.websocket.framesPerSecond) {
    reloadable.emplace_back("websocket.frames_per_second");
  }
  if (a.websocket.framesBurst != b.websocket.framesBurst)
    reloadable.emplace_back("websocket.frames_burst");
  if (a.websocket.heartbeatInterval != b.websocket.heartbeatInterval) {
    reloadable.emplace_back("websocket.heartbeat_interval");
  }
  if (a.websocket.heartbeatGrace != b.websocket.heartbeatGrace)
    reloadable.emplace_back("websocket.heartbeat_grace");

  // Compare the rest with the reloadable fields made equal.
  config::Config aRest = a;
  aRest.log.level = b.log.level;
  aRest.auth.loginAttemptsPerMinute = b.auth.loginAttemptsPerMinute;
  aRest.server.maxConnections = b.server.maxConnections;
  copyReloadableWebSocket(b, aRest);
  if (aRest.server != b.server) restart.emplace_back("server");
  if (aRest.storage != b.storage) restart.emplace_back("storage");
  if (aRest.auth != b.auth) restart.emplace_back("auth");
  if (aRest.email != b.email) restart.emplace_back("email");
  if (aRest.websocket != b.websocket) restart.emplace_back("websocket");
  if (aRest.log != b.log) restart.emplace_back("log.format");
  if (aRest.admin != b.admin) restart.emplace_back("admin");
  if (aRest.metrics != b.metrics) restart.emplace_back("metrics");
  if (aRest.cluster != b.cluster) restart.emplace_back("cluster");
  if (aRest.pluginDirs != b.pluginDirs) restart.emplace_back("plugin_dirs");
  if (aRest.plugins != b.plugins) restart.emplace_back("plugins");
}

Reloader::Reloader(std::string path, config::Environment environment, config::Config current,
                   std::function<void(const config::Config&)> apply, Poco::Logger& logger,
                   PluginReconfigure plugins)
    : path_(std::move(path)),
      environment_(std::move(environment)),
      apply_(std::move(apply)),
      logger_(logger),
      plugins_(std::move(plugins)),
      current_(std::move(current)) {}

ReloadResult Reloader::reload() {
  ReloadResult result;
  config::Config next;
  try {
    next = config::load(path_, environment_);
  } catch (const std::exception& e) {
    result.error = e.what();
    logger_.warning("reload: configuration rejected, keeping the old one: " + result.error);
    return result;
  }
  std::lock_guard lock(mutex_);
  diffConfigs(current_, next, result.applied, result.needRestart);
  if (plugins_) {
    std::erase(result.needRestart, "plugins");
    try {
      plugins_(next, result.applied, result.needRestart);
    } catch (const std::exception& e) {
      result = ReloadResult{};
      result.error = e.what();
      logger_.warning("reload: configuration rejected, keeping the old one: " + result.error);
      return result;
    }
  }
  apply_(next);
  current_.log.level = next.log.level;
  current_.auth.loginAttemptsPerMinute = next.auth.loginAttemptsPerMinute;
  current_.server.maxConnections = next.server.maxConnections;
  copyReloadableWebSocket(next, current_);
  result.ok = true;
  logger_.information("reload: applied [" + joined(result.applied) + "]" +
                      (result.needRestart.empty()
                           ? ""
                           : "; changed but need a restart: [" + joined(result.needRestart) + "]"));
  return result;
}

}  // namespace wind::admin
