#pragma once
// A plugin that answers its one type with "<type>_reply"; shared by the small
// test plugins, which differ only in name and type.
#include <string>

#include "wind/sdk/export.h"

namespace wind::test_plugins {

template <const char* kType>
class Simple final : public sdk::PluginBase {
 public:
  Simple(const sdk::Settings&, sdk::Host&) {}

  static const sdk::PluginInfo& info() noexcept {
    static const sdk::PluginInfo kInfo{
        .version = "1",
        .types = {{.type = kType, .execution = sdk::Execution::worker, .beforeAuth = false}},
        .settings = {},
        .migrations = {}};
    return kInfo;
  }

 protected:
  void onFrame(const sdk::Request& request, sdk::Reply& reply) override {
    reply.send(std::string(kType) + "_reply", request.payload);
  }
};

}  // namespace wind::test_plugins
