#pragma once
// The one exception of plugin loading. main reports its message and exits non-zero.

#include <stdexcept>

namespace wind::plugin_host {

class PluginLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wind::plugin_host
