#include "plugin_host/settings_validation.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>

#include "plugin_host/load_error.h"

namespace wind::plugin_host {
namespace {

// The value to store, or why the text is not acceptable (value then unused).
struct Checked {
  std::string value;
  std::string error;
};

// SourceMark::toString lives in wind_config; formatting it here keeps this
// library free of a link dependency for one line.
std::string markText(const config::SourceMark& mark) {
  return mark.file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

std::string quote(const std::string& text) { return "\"" + text + "\""; }

std::string rangeText(const sdk::SettingSpec& spec) {
  if (spec.min != INT64_MIN && spec.max != INT64_MAX) {
    return "between " + std::to_string(spec.min) + " and " + std::to_string(spec.max);
  }
  if (spec.min != INT64_MIN) return "at least " + std::to_string(spec.min);
  return "at most " + std::to_string(spec.max);
}

Checked checkInteger(const sdk::SettingSpec& spec, const std::string& text) {
  std::int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    return {{}, "expected an integer, got " + quote(text)};
  }
  if (number < spec.min || number > spec.max)
    return {{}, "must be " + rangeText(spec) + ", got " + text};
  return {std::to_string(number), {}};
}

Checked checkBoolean(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return {"true", {}};
  if (text == "false" || text == "False" || text == "FALSE") return {"false", {}};
  return {{}, "expected true or false, got " + quote(text)};
}

Checked checkString(const sdk::SettingSpec& spec, const std::string& text) {
  if (spec.choices.empty() || std::ranges::find(spec.choices, text) != spec.choices.end())
    return {text, {}};
  std::string allowed;
  for (const auto& choice : spec.choices) {
    if (!allowed.empty()) allowed += ", ";
    allowed += choice;
  }
  return {{}, "must be one of " + allowed + "; got " + quote(text)};
}

Checked check(const sdk::SettingSpec& spec, const std::string& text) {
  switch (spec.type) {
    case sdk::SettingType::integer:
      return checkInteger(spec, text);
    case sdk::SettingType::boolean:
      return checkBoolean(text);
    case sdk::SettingType::string:
      return checkString(spec, text);
  }
  return {{}, "has an unknown setting type"};
}

const sdk::SettingSpec* findSpec(std::span<const sdk::SettingSpec> declared,
                                 const std::string& key) {
  auto it = std::ranges::find(declared, key, &sdk::SettingSpec::name);
  return it == declared.end() ? nullptr : &*it;
}

}  // namespace

sdk::Settings validateSettings(std::string_view plugin, std::span<const sdk::SettingSpec> declared,
                               std::span<const config::PluginSetting> configured) {
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& spec : declared) {
    Checked fallback = check(spec, spec.defaultValue);
    if (!fallback.error.empty()) {
      throw PluginLoadError("plugin \"" + std::string(plugin) +
                            "\" declares an invalid default for setting \"" + spec.name +
                            "\": " + fallback.error);
    }
    values[spec.name] = fallback.value;
  }
  for (const auto& setting : configured) {
    std::string where =
        markText(setting.mark) + ": plugins." + std::string(plugin) + "." + setting.key + ": ";
    const sdk::SettingSpec* spec = findSpec(declared, setting.key);
    if (spec == nullptr) throw PluginLoadError(where + "unknown setting");
    Checked checked = check(*spec, setting.value);
    if (!checked.error.empty()) throw PluginLoadError(where + checked.error);
    values[setting.key] = std::move(checked.value);
  }
  return sdk::Settings(std::move(values));
}

}  // namespace wind::plugin_host
