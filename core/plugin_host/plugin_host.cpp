#include "plugin_host/plugin_host.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <set>

#include "plugin_host/entry_check.h"
#include "plugin_host/settings_validation.h"

namespace wind::plugin_host {
namespace {

// Where a type runs, once the storage backend is known.
sdk::TypeSpec resolved(sdk::TypeSpec spec, bool localStorage) {
  if (spec.execution == sdk::Execution::eventLoopWhenStorageIsLocal) {
    spec.execution = localStorage ? sdk::Execution::eventLoop : sdk::Execution::worker;
  }
  return spec;
}

// Types the core answers itself; no plugin may claim them.
constexpr std::string_view kReservedTypes[] = {"auth"};

std::string markText(const config::SourceMark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

// A plugin name becomes a file name: keep it to one path component.
bool isValidPluginName(const std::string& name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Boost.DLL wraps dlerror() ("<path>: <reason>") in its own prose; only the
// dlerror part helps the operator. Empty when there is none.
std::string dlerrorPart(const std::string& what) {
  constexpr std::string_view kMarker = "dlerror system message: ";
  auto start = what.find(kMarker);
  if (start == std::string::npos) return {};
  start += kMarker.size();
  auto end = what.rfind("): ");
  if (end == std::string::npos || end < start) return what.substr(start);
  return what.substr(start, end - start);
}

// Maps the library with every symbol bound now (RTLD_NOW | RTLD_LOCAL), so a
// missing symbol fails here rather than in the middle of a handler.
boost::dll::shared_library openLibrary(const std::string& name, const std::string& path) {
  boost::dll::shared_library library;
  try {
    library.load(path, boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    std::string reason = dlerrorPart(e.what());
    throw PluginLoadError("plugin \"" + name + "\": cannot load " +
                          (reason.empty() ? path + ": " + e.what() : reason));
  }
  if (!library.has(sdk::kEntrySymbol)) {
    throw PluginLoadError("plugin \"" + name + "\": " + path + " has no " + sdk::kEntrySymbol +
                          ": not a WIND plugin");
  }
  return library;
}

}  // namespace

// Members are destroyed bottom-up: the plugin first (its own code frees it,
// so the library must still be mapped), then its Host, then the library.
struct PluginHost::Loaded {
  Loaded(boost::dll::shared_library lib, const std::string& name, const HostServices& services)
      : library(std::move(lib)), host(name, services) {}

  boost::dll::shared_library library;
  HostImpl host;
  std::unique_ptr<sdk::Plugin> plugin;
  LoadedPluginInfo info;
  const sdk::PluginInfo* declared = nullptr;  // lives in the library
  sdk::Settings settings;                     // in effect (startup or last reconfigure)
};

PluginHost::PluginHost(const config::Config& config, storage::Database& database,
                       auth::UserDirectory& users, session::Delivery& delivery,
                       ids::SnowflakeGenerator& ids, const ids::Clock& clock,
                       metrics::Registry& metrics, Poco::Logger& logger)
    : config_(config), services_{database, users, delivery, ids, clock, metrics, logger, shared_} {}

PluginHost::~PluginHost() {
  // A shared service may belong to any plugin; nobody may reach one once plugins start dying.
  shared_.friends.clear();
  shared_.history.clear();
  while (!loaded_.empty()) loaded_.pop_back();
}

void PluginHost::loadAll() {
  if (loadStarted_) throw PluginLoadError("plugins are loaded once, at startup");
  loadStarted_ = true;
  for (const auto& plugin : config_.plugins) load(plugin);
  allLoaded_.store(true, std::memory_order_release);
}

std::vector<LoadedPluginInfo> PluginHost::plugins() const {
  std::vector<LoadedPluginInfo> out;
  out.reserve(loaded_.size());
  for (const auto& loaded : loaded_) out.push_back(loaded->info);
  return out;
}

std::string PluginHost::findLibrary(const config::PluginConfig& plugin) const {
  const std::string file = plugin.name + ".so";
  std::string searched;
  for (const auto& dir : config_.pluginDirs) {
    std::filesystem::path candidate = std::filesystem::path(dir) / file;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec)) {
      // An absolute path keeps dlopen from searching the library path for a bare file name.
      return std::filesystem::absolute(candidate, ec).string();
    }
    searched += searched.empty() ? dir : ", " + dir;
  }
  throw PluginLoadError(markText(plugin.mark) + ": plugins." + plugin.name + ": " + file +
                        " not found in " + (searched.empty() ? "(no plugin_dirs)" : searched));
}

void PluginHost::checkTypes(const std::string& name, const sdk::PluginInfo& info) const {
  std::set<std::string, std::less<>> ownTypes;
  for (const auto& spec : info.types) {
    if (spec.type.empty()) throw PluginLoadError("plugin \"" + name + "\" declares an empty type");
    if (std::ranges::find(kReservedTypes, spec.type) != std::end(kReservedTypes)) {
      throw PluginLoadError("plugin \"" + name + "\" claims type \"" + spec.type +
                            "\", which the core handles");
    }
    const dispatch::Route* taken = routes_.find(spec.type);
    if (taken != nullptr || !ownTypes.insert(spec.type).second) {
      throw PluginLoadError("type \"" + spec.type + "\" is claimed by both plugin \"" +
                            (taken ? taken->pluginName : name) + "\" and plugin \"" + name + "\"");
    }
  }
}

void PluginHost::load(const config::PluginConfig& plugin) {
  const std::string& name = plugin.name;
  if (!isValidPluginName(name)) {
    throw PluginLoadError(markText(plugin.mark) + ": plugins." + name +
                          ": invalid plugin name (letters, digits, '_' and '-' only)");
  }
  const std::string path = findLibrary(plugin);

  boost::dll::shared_library library = openLibrary(name, path);
  const auto& entry = library.get_alias<const sdk::PluginEntry>(sdk::kEntrySymbol);
  checkEntry(entry, name, path);

  // From here on the plugin's C++ may be called.
  const sdk::PluginInfo& info = entry.info();
  sdk::Settings settings = validateSettings(name, info.settings, plugin.settings);

  checkTypes(name, info);

  try {
    services_.database.migrate(name, info.migrations);
  } catch (const std::exception& e) {
    throw PluginLoadError("plugin \"" + name + "\": migrations failed: " + e.what());
  }

  auto loaded = std::make_unique<Loaded>(std::move(library), name, services_);
  loaded->plugin.reset(entry.create(settings, loaded->host));
  if (!loaded->plugin) {
    std::string why = loaded->host.lastError();
    throw PluginLoadError("plugin \"" + name + "\" failed to start" +
                          (why.empty() ? "" : ": " + why));
  }

  loaded->info = {name, info.version, {}};
  loaded->declared = &info;
  loaded->settings = settings;
  for (const auto& spec : info.types) {
    auto& latency =
        services_.metrics.histogram("wind_handler_seconds", "Time spent in a plugin's handle().",
                                    {{"plugin", name}, {"type", spec.type}});
    routes_.add(dispatch::Route{name, resolved(spec, services_.database.local()),
                                loaded->plugin.get(), &latency});
    loaded->info.types.push_back(spec.type);
  }
  routes_.addAuthContributor(loaded->plugin.get());
  services_.logger.information("loaded plugin " + name + " " + info.version + " from " + path);
  loaded_.push_back(std::move(loaded));
}

void PluginHost::reconfigure(const std::vector<config::PluginConfig>& next,
                             std::vector<std::string>& applied,
                             std::vector<std::string>& needRestart) {
  bool sameList = next.size() == loaded_.size();
  for (std::size_t i = 0; sameList && i < next.size(); ++i)
    sameList = next[i].name == loaded_[i]->info.name;
  if (!sameList) {
    needRestart.emplace_back("plugins");
    return;
  }
  // Validate all first, so that an invalid section changes nothing.
  std::vector<sdk::Settings> validated;
  for (std::size_t i = 0; i < next.size(); ++i) {
    validated.push_back(
        validateSettings(next[i].name, loaded_[i]->declared->settings, next[i].settings));
  }
  for (std::size_t i = 0; i < next.size(); ++i) {
    Loaded& plugin = *loaded_[i];
    std::vector<std::string> changed;
    bool reloadable = true;
    for (const auto& spec : plugin.declared->settings) {
      if (plugin.settings.string(spec.name) == validated[i].string(spec.name)) continue;
      changed.push_back("plugins." + plugin.info.name + "." + spec.name);
      reloadable = reloadable && spec.reloadable;
    }
    if (changed.empty()) continue;
    const sdk::Status status =
        reloadable ? plugin.plugin->reconfigure(validated[i]) : sdk::Status::success();
    if (!reloadable || !status.ok) {
      if (!status.ok)
        services_.logger.warning("plugin \"" + plugin.info.name +
                                 "\" refused new settings: " + status.message);
      needRestart.push_back("plugins." + plugin.info.name);
      continue;
    }
    plugin.settings = std::move(validated[i]);
    applied.insert(applied.end(), changed.begin(), changed.end());
  }
}

}  // namespace wind::plugin_host
