#pragma once
// Validation of a plugin's configured settings against what it declares.

#include <span>
#include <string_view>

#include "config/config.h"
#include "wind/sdk/settings.h"

namespace wind::plugin_host {

// The settings `create()` receives: every declared key, with the configured
// value or the declared default. Integers are normalised to their decimal
// form and booleans to "true"/"false" (what sdk::Settings reads).
// Throws PluginLoadError "file:line:col: plugins.<plugin>.<key>: <reason>"
// for an undeclared key, a value of the wrong type, a value outside
// choices or min..max; and "plugin <name> declares …" for an invalid default.
sdk::Settings validateSettings(std::string_view plugin, std::span<const sdk::SettingSpec> declared,
                               std::span<const config::PluginSetting> configured);

}  // namespace wind::plugin_host
