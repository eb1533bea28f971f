#include "plugin_host/entry_check.h"

#include <cstring>
#include <string>

#include "plugin_host/load_error.h"

namespace wind::plugin_host {
namespace {

std::string prefix(std::string_view name, std::string_view source) {
  return "plugin \"" + std::string(name) + "\" (" + std::string(source) + ")";
}

void checkAbi(std::uint32_t abi, std::string_view name, std::string_view source) {
  if (abi == sdk::kAbiVersion) return;
  std::string message = prefix(name, source) + " was built for ABI " + std::to_string(abi) +
                        ", this server speaks ABI " + std::to_string(sdk::kAbiVersion) + ": ";
  message += abi < sdk::kAbiVersion ? "rebuild the plugin" : "upgrade the server";
  throw PluginLoadError(message);
}

}  // namespace

void checkEntry(const sdk::PluginEntry& entry, std::string_view expectedName,
                std::string_view source) {
  checkAbi(entry.abi, expectedName, source);
  if (entry.buildFingerprint == nullptr || entry.name == nullptr || entry.info == nullptr ||
      entry.create == nullptr) {
    throw PluginLoadError(prefix(expectedName, source) + " has an incomplete entry point");
  }
  if (std::strcmp(entry.buildFingerprint, sdk::kBuildFingerprint) != 0) {
    throw PluginLoadError(prefix(expectedName, source) + " was built with \"" +
                          entry.buildFingerprint + "\", this server with \"" +
                          sdk::kBuildFingerprint +
                          "\": rebuild the plugin with the server's toolchain");
  }
  if (expectedName != entry.name) {
    throw PluginLoadError(prefix(expectedName, source) + " calls itself \"" + entry.name +
                          "\": the file name and the plugin name must match");
  }
}

}  // namespace wind::plugin_host
