#include "admin/config_check.h"

#include <boost/dll/shared_library.hpp>
#include <filesystem>
#include <map>

#include "plugin_host/entry_check.h"
#include "plugin_host/load_error.h"
#include "plugin_host/settings_validation.h"

namespace wind::admin {
namespace {

std::string findLibrary(const config::Config& config, const config::PluginConfig& plugin) {
  for (const auto& dir : config.pluginDirs) {
    const auto candidate = std::filesystem::path(dir) / (plugin.name + ".so");
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec))
      return std::filesystem::absolute(candidate, ec).string();
  }
  throw plugin_host::PluginLoadError(plugin.mark.toString() + ": plugins." + plugin.name + ": " +
                                     plugin.name + ".so not found in plugin_dirs");
}

CheckedPlugin dryLoad(const config::Config& config, const config::PluginConfig& plugin,
                      std::map<std::string, std::string>& owners) {
  CheckedPlugin checked{plugin.name, {}, findLibrary(config, plugin), {}};
  boost::dll::shared_library library;
  try {
    library.load(checked.library, boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    throw plugin_host::PluginLoadError("plugin \"" + plugin.name + "\": cannot load " + e.what());
  }
  if (!library.has(sdk::kEntrySymbol)) {
    throw plugin_host::PluginLoadError("plugin \"" + plugin.name + "\": not a WIND plugin");
  }
  const auto& entry = library.get_alias<const sdk::PluginEntry>(sdk::kEntrySymbol);
  plugin_host::checkEntry(entry, plugin.name, checked.library);
  const sdk::PluginInfo info = entry.info();
  plugin_host::validateSettings(plugin.name, info.settings, plugin.settings);
  checked.version = info.version;
  for (const auto& spec : info.types) {
    const auto [owner, fresh] = owners.emplace(spec.type, plugin.name);
    if (!fresh || spec.type == "auth") {
      throw plugin_host::PluginLoadError("type \"" + spec.type + "\" is claimed by plugin \"" +
                                         plugin.name + "\" and by " +
                                         (fresh ? "the core" : "plugin \"" + owner->second + "\""));
    }
    checked.types.push_back(spec.type);
  }
  return checked;
}

}  // namespace

ConfigCheck checkConfiguration(const std::string& path, const config::Environment& environment) {
  ConfigCheck result;
  try {
    const config::Config config = config::load(path, environment);
    std::map<std::string, std::string> owners;
    for (const auto& plugin : config.plugins)
      result.plugins.push_back(dryLoad(config, plugin, owners));
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

}  // namespace wind::admin
