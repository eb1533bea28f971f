#pragma once
// Plugin settings: what a plugin declares it accepts, and the read-only view
// of its YAML section that it receives at creation.

#include <climits>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wind::sdk {

enum class SettingType { string, integer, boolean };

// One key a plugin accepts under `plugins.<name>:`. The server rejects keys a
// plugin does not declare and values of the wrong type, with file:line:col,
// before the plugin is created.
struct SettingSpec {
  std::string name;
  SettingType type = SettingType::string;
  std::string defaultValue;  // textual, e.g. "4000", "true", "friends"
  std::string help;
  // Allowed values for a string setting; empty means any string.
  std::vector<std::string> choices;
  std::int64_t min = INT64_MIN;  // bounds for an integer setting
  std::int64_t max = INT64_MAX;
  // True when a reload may change the value while the plugin runs: the
  // server then calls Plugin::reconfigure(). Otherwise a change waits for a
  // restart.
  bool reloadable = false;
};

// A validated, defaulted snapshot of a plugin's settings. Built by the server,
// passed by const reference to create(); the plugin copies what it keeps.
class Settings {
 public:
  Settings() = default;
  explicit Settings(std::map<std::string, std::string, std::less<>> values)
      : values_(std::move(values)) {}

  bool has(std::string_view key) const { return values_.find(key) != values_.end(); }

  // Throws std::out_of_range for a key the plugin did not declare.
  const std::string& string(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) throw std::out_of_range("undeclared setting");
    return it->second;
  }
  std::int64_t integer(std::string_view key) const { return std::stoll(string(key)); }
  bool boolean(std::string_view key) const { return string(key) == "true"; }

  const std::map<std::string, std::string, std::less<>>& all() const noexcept { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace wind::sdk
