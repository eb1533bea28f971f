// An entry written by hand, as a plugin built against a newer SDK would
// export it. info() and create() leave a trace in the environment so the
// test can prove the server never called them.
#include <boost/dll/alias.hpp>
#include <cstdlib>

#include "wind/sdk/plugin.h"

namespace {

using namespace wind::sdk;

const PluginInfo& info() noexcept {
  setenv("WIND_TEST_WRONG_ABI_CALLED", "info", 1);
  static const PluginInfo kInfo{
      .version = "1",
      .types = {{.type = "wrong_abi_type", .execution = Execution::worker, .beforeAuth = false}},
      .settings = {},
      .migrations = {}};
  return kInfo;
}

Plugin* create(const Settings&, Host&) noexcept {
  setenv("WIND_TEST_WRONG_ABI_CALLED", "create", 1);
  return nullptr;
}

const PluginEntry entry = {kAbiVersion + 1, kSdkVersion, kBuildFingerprint,
                           "wrong_abi",     &info,       &create};

}  // namespace

BOOST_DLL_ALIAS(entry, wind_plugin_entry)
