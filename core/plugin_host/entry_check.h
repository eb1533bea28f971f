#pragma once
// Checks of a plugin's exported PluginEntry that run before any of its C++
// is called: the plain data is all that is read.

#include <string_view>

#include "wind/sdk/plugin.h"

namespace wind::plugin_host {

// Throws PluginLoadError when `entry` was built for another ABI (the message
// says which side is older), with another toolchain (it names both
// fingerprints), lacks a field, or names a plugin other than `expectedName`.
// `abi` is read first and alone: when it differs, the rest of the layout
// cannot be trusted. `source` (the file) is only used in messages.
void checkEntry(const sdk::PluginEntry& entry, std::string_view expectedName,
                std::string_view source);

}  // namespace wind::plugin_host
