#pragma once
// The routing table: payload type → the plugin that handles it. Built once
// at startup by the plugin host, read-only afterwards (no locks needed).

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/registry.h"
#include "wind/sdk/plugin.h"

namespace wind::dispatch {

struct Route {
  std::string pluginName;
  sdk::TypeSpec spec;
  sdk::Plugin* plugin = nullptr;  // owned by the plugin host, outlives the table's users
  // Owned by the metrics registry (outlives the table); null in unit tests.
  metrics::Histogram* latency = nullptr;  // handle() seconds, labelled plugin and type
};

class RouteTable {
 public:
  // Throws std::runtime_error naming both plugins when `type` is taken.
  void add(Route route) {
    auto [it, inserted] = routes_.try_emplace(route.spec.type, route);
    if (!inserted) {
      throw std::runtime_error("type \"" + route.spec.type + "\" is claimed by both plugin \"" +
                               it->second.pluginName + "\" and plugin \"" + route.pluginName +
                               "\"");
    }
  }
  const Route* find(std::string_view type) const {
    auto it = routes_.find(type);
    return it == routes_.end() ? nullptr : &it->second;
  }
  // Plugins asked for auth-snapshot contributions, in load order.
  void addAuthContributor(sdk::Plugin* plugin) { contributors_.push_back(plugin); }
  const std::vector<sdk::Plugin*>& authContributors() const noexcept { return contributors_; }

 private:
  std::map<std::string, Route, std::less<>> routes_;
  std::vector<sdk::Plugin*> contributors_;
};

}  // namespace wind::dispatch
