// Its handler throws a plain exception, which PluginBase must turn into a
// failure Status inside the plugin. Type "thrower_boom".
#include <stdexcept>

#include "wind/sdk/export.h"

namespace {

using namespace wind::sdk;

const PluginInfo& throwerInfo() noexcept {
  static const PluginInfo kInfo{
      .version = "1",
      .types = {{.type = "thrower_boom", .execution = Execution::worker, .beforeAuth = false}},
      .settings = {},
      .migrations = {}};
  return kInfo;
}

class Thrower final : public PluginBase {
 public:
  Thrower(const Settings&, Host&) {}

 protected:
  void onFrame(const Request&, Reply&) override { throw std::runtime_error("boom"); }
  void onAuth(UserId, AuthSnapshot&) override { throw std::runtime_error("auth boom"); }
};

}  // namespace

WIND_PLUGIN(thrower, throwerInfo, Thrower)
