#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "config/loader.h"

namespace wind::config {
namespace detail {
namespace {

constexpr std::string_view kPrefix = "WIND_";
constexpr std::string_view kSeparator = "__";

// "SERVER__LISTEN" -> {"server", "listen"}.
std::vector<std::string> segments(std::string_view rest) {
  std::vector<std::string> parts;
  for (;;) {
    const auto at = rest.find(kSeparator);
    std::string part(rest.substr(0, at));
    std::transform(part.begin(), part.end(), part.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    parts.push_back(std::move(part));
    if (at == std::string_view::npos) return parts;
    rest.remove_prefix(at + kSeparator.size());
  }
}

std::string joinPath(const std::vector<std::string>& parts) {
  std::string path;
  for (const auto& part : parts) path += (path.empty() ? "" : ".") + part;
  return path;
}

}  // namespace

void Loader::applyEnvironment(const Environment& env) {
  for (const auto& [name, value] : env) {
    // Other WIND_* variables (test harness settings, say) carry no "__".
    if (name.rfind(kPrefix, 0) != 0 || name.find(kSeparator) == std::string::npos) continue;
    applyEnvironmentVariable(name, value);
  }
}

void Loader::applyEnvironmentVariable(const std::string& name, const std::string& value) {
  const SourceMark mark{"env:" + name, 0, 0};
  const auto parts = segments(std::string_view(name).substr(kPrefix.size()));
  const std::string path = joinPath(parts);
  const bool anyEmpty =
      std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); });
  if (!anyEmpty && parts.size() == 3 && parts[0] == "plugins") {
    const auto it = std::find_if(config_.plugins.begin(), config_.plugins.end(),
                                 [&parts](const PluginConfig& p) { return p.name == parts[1]; });
    if (it == config_.plugins.end()) throw ConfigError(mark, path, "plugin is not listed");
    auto setting = std::find_if(it->settings.begin(), it->settings.end(),
                                [&parts](const PluginSetting& s) { return s.key == parts[2]; });
    if (setting == it->settings.end()) {
      it->settings.push_back(PluginSetting{parts[2], value, mark});
    } else {
      setting->value = value;
      setting->mark = mark;
    }
    return;
  }
  if (const Key* key = anyEmpty ? nullptr : findKey(keys_, path))
    return applyScalar(*key, value, mark);
  if (!anyEmpty && isSection(keys_, path)) throw ConfigError(mark, path, "not a scalar setting");
  throw ConfigError(mark, path, "unknown setting");
}

}  // namespace detail

Environment processEnvironment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string::npos) env.emplace(text.substr(0, eq), text.substr(eq + 1));
  }
  return env;
}

}  // namespace wind::config
