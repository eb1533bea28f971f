#pragma once
// `windctl config check`: is this configuration file one the server would
// start with? Loads it exactly as startup does (YAML, conf.d, environment)
// and dry-loads every listed plugin: finds its library, maps it, checks the
// entry (ABI, build fingerprint, name), validates its settings and checks
// that no two plugins claim one type. No plugin is created, no migration runs.

#include <string>
#include <vector>

#include "config/config.h"

namespace wind::admin {

struct CheckedPlugin {
  std::string name;
  std::string version;
  std::string library;
  std::vector<std::string> types;
};

struct ConfigCheck {
  bool ok = false;
  std::string error;                   // the first problem when !ok
  std::vector<CheckedPlugin> plugins;  // those checked before any problem
};

// Any thread; maps plugin libraries (each library's static initialisers run).
ConfigCheck checkConfiguration(const std::string& path, const config::Environment& environment);

}  // namespace wind::admin
