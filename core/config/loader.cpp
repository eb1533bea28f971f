#include "config/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace wind::config::detail {
namespace {

SourceMark markOf(const YAML::Node& node, const std::string& file, const SourceMark& fallback) {
  const YAML::Mark mark = node.Mark();
  // yaml-cpp leaves the mark of some implicit nodes (a missing value) unset.
  if (mark.is_null()) return fallback;
  return SourceMark{file, mark.line + 1, mark.column + 1};
}

std::string readFile(const std::string& file) {
  std::error_code error;
  // An ifstream opens a directory without complaint and reads nothing.
  if (std::filesystem::is_directory(file, error)) {
    throw ConfigError(SourceMark{file, 0, 0}, "", "is a directory, not a file");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ConfigError(SourceMark{file, 0, 0}, "", "cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(SourceMark{file, 0, 0}, "", "cannot read the file");
  return text.str();
}

YAML::Node parse(const std::string& file) {
  const std::string text = readFile(file);
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(SourceMark{file, e.mark.line + 1, e.mark.column + 1}, "", e.msg);
  }
}

std::string join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

const char* typeName(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "a scalar";
}

// Calls fn(keyText, keyNode, valueNode) for each entry of `map`, rejecting
// non-scalar and duplicate keys (yaml-cpp accepts duplicates silently).
template <class Fn>
void forEachEntry(const YAML::Node& map, const std::string& prefix, const std::string& file,
                  const SourceMark& fallback, Fn fn) {
  std::set<std::string> seen;
  for (const auto& entry : map) {
    const SourceMark keyMark = markOf(entry.first, file, fallback);
    if (!entry.first.IsScalar()) throw ConfigError(keyMark, prefix, "keys must be plain strings");
    const std::string key = entry.first.Scalar();
    if (!seen.insert(key).second) throw ConfigError(keyMark, join(prefix, key), "duplicate key");
    fn(key, entry.first, entry.second);
  }
}

}  // namespace

Loader::Loader(Config& config) : config_(config), keys_(schemaKeys()) {}

void Loader::applyFile(const std::string& file) {
  const YAML::Node root = parse(file);
  if (root.IsNull()) return;  // an empty file changes nothing
  const SourceMark start{file, 1, 1};
  if (!root.IsMap()) {
    throw ConfigError(markOf(root, file, start), "",
                      std::string("expected a map of sections, got ") + typeName(root));
  }
  applyMap(root, "", file);
}

void Loader::applyMap(const YAML::Node& map, const std::string& prefix, const std::string& file) {
  const SourceMark fallback = markOf(map, file, SourceMark{file, 1, 1});
  forEachEntry(map, prefix, file, fallback,
               [&](const std::string& key, const YAML::Node& keyNode, const YAML::Node& value) {
                 applyEntry(join(prefix, key), keyNode, value, file);
               });
}

void Loader::applyEntry(const std::string& path, const YAML::Node& key, const YAML::Node& value,
                        const std::string& file) {
  const SourceMark keyMark = markOf(key, file, SourceMark{file, 1, 1});
  const SourceMark valueMark = markOf(value, file, keyMark);
  if (path == "plugin_dirs") return applyPluginDirs(value, valueMark, file);
  if (path == "plugins") return applyPlugins(value, valueMark, file);
  if (const Key* scalarKey = findKey(keys_, path)) {
    if (value.IsMap() || value.IsSequence()) {
      throw ConfigError(valueMark, path, std::string("expected a scalar, got ") + typeName(value));
    }
    return applyScalar(*scalarKey, value.IsNull() ? std::string() : value.Scalar(), valueMark);
  }
  if (!isSection(keys_, path)) throw ConfigError(keyMark, path, "unknown key");
  if (value.IsNull()) return;
  if (!value.IsMap()) {
    throw ConfigError(valueMark, path, std::string("expected a map, got ") + typeName(value));
  }
  applyMap(value, path, file);
}

void Loader::applyPluginDirs(const YAML::Node& value, const SourceMark& mark,
                             const std::string& file) {
  std::vector<std::string> dirs;
  if (!value.IsNull() && !value.IsSequence()) {
    throw ConfigError(mark, "plugin_dirs",
                      std::string("expected a list of directories, got ") + typeName(value));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    const YAML::Node dir = value[i];
    if (!dir.IsScalar() || dir.Scalar().empty()) {
      throw ConfigError(markOf(dir, file, mark), "plugin_dirs[" + std::to_string(i) + "]",
                        "expected a non-empty directory name");
    }
    dirs.push_back(dir.Scalar());
  }
  config_.pluginDirs = std::move(dirs);
}

void Loader::applyPlugins(const YAML::Node& value, const SourceMark& mark,
                          const std::string& file) {
  if (value.IsNull()) return;
  if (!value.IsMap()) {
    throw ConfigError(mark, "plugins",
                      std::string("expected a map keyed by plugin name, got ") + typeName(value));
  }
  forEachEntry(value, "plugins", file, mark,
               [&](const std::string& name, const YAML::Node& key, const YAML::Node& settings) {
                 applyPlugin(name, settings, markOf(key, file, mark), file);
               });
}

void Loader::applyPlugin(const std::string& name, const YAML::Node& value, const SourceMark& mark,
                         const std::string& file) {
  const std::string path = "plugins." + name;
  if (name.empty()) throw ConfigError(mark, path, "a plugin name must not be empty");
  if (!value.IsNull() && !value.IsMap()) {
    throw ConfigError(markOf(value, file, mark), path,
                      std::string("expected a map of settings, got ") + typeName(value));
  }
  PluginConfig& target = plugin(name, mark);
  if (value.IsNull()) return;
  forEachEntry(value, path, file, mark,
               [&](const std::string& key, const YAML::Node& keyNode, const YAML::Node& setting) {
                 const SourceMark settingMark = markOf(setting, file, markOf(keyNode, file, mark));
                 if (setting.IsMap() || setting.IsSequence()) {
                   throw ConfigError(settingMark, path + "." + key,
                                     std::string("expected a scalar, got ") + typeName(setting));
                 }
                 const std::string text = setting.IsNull() ? std::string() : setting.Scalar();
                 auto it = std::find_if(target.settings.begin(), target.settings.end(),
                                        [&key](const PluginSetting& s) { return s.key == key; });
                 if (it == target.settings.end()) {
                   target.settings.push_back(PluginSetting{key, text, settingMark});
                 } else {
                   it->value = text;
                   it->mark = settingMark;
                 }
               });
}

PluginConfig& Loader::plugin(const std::string& name, const SourceMark& mark) {
  auto it = std::find_if(config_.plugins.begin(), config_.plugins.end(),
                         [&name](const PluginConfig& p) { return p.name == name; });
  if (it != config_.plugins.end()) return *it;
  return config_.plugins.emplace_back(PluginConfig{name, {}, mark});
}

void Loader::applyScalar(const Key& key, const std::string& text, const SourceMark& mark) {
  try {
    key.apply(config_, text);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(mark, std::string(key.path), e.what());
  }
}

}  // namespace wind::config::detail
