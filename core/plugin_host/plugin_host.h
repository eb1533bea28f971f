#pragma once
// Loads the configured plugins at startup (ARCHITECTURE.md §4) and owns them
// until shutdown.
//
// Made by main on the main thread; loadAll() runs once there, before the
// gateway starts. Afterwards routes(), allLoaded() and plugins() are
// read-only and safe from any thread. The destructor destroys each plugin
// (after its Host stops being handed out) before its library is unmapped,
// in reverse load order; it must run after every handler has returned.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "auth/identity.h"
#include "config/config.h"
#include "dispatch/routes.h"
#include "ids/clock.h"
#include "ids/snowflake.h"
#include "metrics/registry.h"
#include "plugin_host/host_impl.h"
#include "plugin_host/load_error.h"
#include "session/delivery.h"
#include "storage/database.h"

namespace Poco {
class Logger;
}

namespace wind::plugin_host {

// What /readyz and status output show about one plugin.
struct LoadedPluginInfo {
  std::string name;
  std::string version;
  std::vector<std::string> types;
};

class PluginHost {
 public:
  // Every argument must outlive the PluginHost; nothing is loaded yet.
  PluginHost(const config::Config& config, storage::Database& database, auth::UserDirectory& users,
             session::Delivery& delivery, ids::SnowflakeGenerator& ids, const ids::Clock& clock,
             metrics::Registry& metrics, Poco::Logger& logger);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Loads exactly config.plugins, in listed order: finds <name>.so in the
  // first of config.pluginDirs that has it, checks the entry (ABI,
  // fingerprint, name) before calling any of its code, validates its
  // settings, runs its migrations, routes its types, creates it. Throws
  // PluginLoadError on the first failure (the plugins loaded so far stay
  // owned and are destroyed with the host). Call once.
  void loadAll();

  // Type → plugin, plus every plugin as an auth contributor in load order.
  const dispatch::RouteTable& routes() const noexcept { return routes_; }
  // True once loadAll() returned normally.
  bool allLoaded() const noexcept { return allLoaded_.load(std::memory_order_acquire); }
  // The loaded plugins in load order.
  std::vector<LoadedPluginInfo> plugins() const;

  // Reload (main or admin thread; the caller serialises calls): validates
  // every section of `next` against what its plugin declares, throwing
  // PluginLoadError when one is invalid (then nothing changed). Afterwards a
  // plugin whose changed keys are all declared reloadable gets
  // reconfigure() with its full new settings ("plugins.<name>.<key>" go to
  // `applied`); any other change goes to `needRestart` ("plugins.<name>", or
  // "plugins" when the list itself changed) and keeps the old values.
  void reconfigure(const std::vector<config::PluginConfig>& next, std::vector<std::string>& applied,
                   std::vector<std::string>& needRestart);

 private:
  struct Loaded;

  void load(const config::PluginConfig& plugin);
  std::string findLibrary(const config::PluginConfig& plugin) const;
  // Throws unless every declared type is non-empty, not the core's, and free.
  void checkTypes(const std::string& name, const sdk::PluginInfo& info) const;

  const config::Config& config_;
  SharedServices shared_;  // before services_, which refers to it
  HostServices services_;
  dispatch::RouteTable routes_;
  std::vector<std::unique_ptr<Loaded>> loaded_;
  std::atomic<bool> allLoaded_{false};
  bool loadStarted_ = false;
};

}  // namespace wind::plugin_host
