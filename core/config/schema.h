#pragma once
// The table of scalar keys of ARCHITECTURE.md §6: their dotted path, default
// (as YAML text, for defaultYaml()), comment and how a textual value is applied
// to a Config. plugin_dirs and plugins are not scalars and are handled by the
// loader itself.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace wind::config::detail {

struct Key {
  std::string_view path;         // "server.listen", "email.smtp.port"
  std::string_view defaultText;  // the default as YAML text
  std::string_view comment;      // for defaultYaml(); may be empty
  // Parses `text` and stores it; throws std::invalid_argument on a bad value.
  std::function<void(Config&, const std::string& text)> apply;
};

// Every scalar key, grouped by section in the order defaultYaml() prints them.
std::vector<Key> schemaKeys();

// The key at `path`, or nullptr.
const Key* findKey(const std::vector<Key>& keys, std::string_view path);

// True when `path` is a map of keys ("server", "email.smtp").
bool isSection(const std::vector<Key>& keys, std::string_view path);

}  // namespace wind::config::detail
