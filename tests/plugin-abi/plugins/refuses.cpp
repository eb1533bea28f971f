// Its constructor provides the friendship service, then throws, so create()
// returns nullptr after logging the reason, and the service must be withdrawn.
#include <stdexcept>

#include "wind/sdk/export.h"

namespace {

using namespace wind::sdk;

const PluginInfo& refusesInfo() noexcept {
  static const PluginInfo kInfo{
      .version = "1",
      .types = {{.type = "refuses_type", .execution = Execution::worker, .beforeAuth = false}},
      .settings = {},
      .migrations = {}};
  return kInfo;
}

class Refuses final : public PluginBase, public Friends {
 public:
  Refuses(const Settings&, Host& host) {
    host.provideFriends(*this);
    throw std::runtime_error("no licence key");
  }

  bool areFriends(UserId, UserId) const noexcept override { return true; }
  std::optional<std::vector<UserId>> friendsOf(UserId) const noexcept override {
    return std::nullopt;
  }

 protected:
  void onFrame(const Request&, Reply&) override {}
};

}  // namespace

WIND_PLUGIN(refuses, refusesInfo, Refuses)
