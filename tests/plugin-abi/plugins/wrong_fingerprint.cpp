// An entry written by hand, as a plugin built with another toolchain would export it.
#include <boost/dll/alias.hpp>
#include <cstdlib>

#include "wind/sdk/plugin.h"

namespace {

using namespace wind::sdk;

const PluginInfo& info() noexcept {
  setenv("WIND_TEST_WRONG_FINGERPRINT_CALLED", "info", 1);
  static const PluginInfo kInfo{.version = "1", .types = {}, .settings = {}, .migrations = {}};
  return kInfo;
}

Plugin* create(const Settings&, Host&) noexcept { return nullptr; }

const PluginEntry entry = {
    kAbiVersion,         kSdkVersion, "gcc-4;libstdc++-4;cxx11abi=0;std=201103L",
    "wrong_fingerprint", &info,       &create};

}  // namespace

BOOST_DLL_ALIAS(entry, wind_plugin_entry)
