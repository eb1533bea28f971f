#pragma once
// Configuration reload (SIGHUP and `windctl reload`). Re-reads the file the
// server started with, and when it is valid applies the settings that can
// change safely while serving; an invalid file changes nothing.
//
// Reloadable at once: log.level, auth.login_attempts_per_minute,
// server.max_connections (later upgrades; open sockets stay),
// websocket.frames_per_second, frames_burst, heartbeat_interval and
// heartbeat_grace (connections opened after the reload; open ones keep the
// limits they started with), and plugin settings a plugin declares
// reloadable (through the `plugins` hook below). Every other
// changed key is reported as needing a restart and keeps its old value.
// Thread-safe: the signal-waiting main thread and the admin thread may both
// call reload().

#include <Poco/Logger.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.h"

namespace wind::admin {

struct ReloadResult {
  bool ok = false;
  std::string error;                     // why the new file was rejected
  std::vector<std::string> applied;      // keys whose new value now holds
  std::vector<std::string> needRestart;  // changed keys (or sections) kept as they were
};

class Reloader {
 public:
  // `apply` receives the new configuration (only its reloadable fields are
  // meant to be used) and must not throw; it runs under the reloader's lock.
  // Every reference must outlive this.
  //
  // `plugins`, when given, takes over the `plugins` section: it runs before
  // `apply`, may throw std::exception for an invalid plugin section (the
  // reload is then rejected and nothing changes), and appends to `applied`
  // and `needRestart` itself (PluginHost::reconfigure).
  using PluginReconfigure =
      std::function<void(const config::Config&, std::vector<std::string>& applied,
                         std::vector<std::string>& needRestart)>;
  Reloader(std::string path, config::Environment environment, config::Config current,
           std::function<void(const config::Config&)> apply, Poco::Logger& logger,
           PluginReconfigure plugins = {});

  // Logs what it did (warning when the file is rejected) and returns it.
  ReloadResult reload();

 private:
  const std::string path_;
  const config::Environment environment_;
  std::function<void(const config::Config&)> apply_;
  Poco::Logger& logger_;
  PluginReconfigure plugins_;
  std::mutex mutex_;
  config::Config current_;  // what is in effect (reloadable fields) or was at startup (others)
};

// The keys of the reloadable settings that differ between `a` and `b`, and
// the non-reloadable sections that differ. Pure.
void diffConfigs(const config::Config& a, const config::Config& b,
                 std::vector<std::string>& reloadable, std::vector<std::string>& restart);

}  // namespace wind::admin
