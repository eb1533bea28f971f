#pragma once
// Applies configuration sources, one after another, onto a Config: YAML files
// (main file, then each conf.d file) and then the environment. Internal to
// wind_config; used by load().

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "config/schema.h"

namespace wind::config::detail {

class Loader final {
 public:
  // `config` must outlive the Loader; it receives every applied value.
  explicit Loader(Config& config);

  // Reads and applies one YAML file; errors name `file`.
  void applyFile(const std::string& file);
  // Applies WIND_<SECTION>__<KEY> variables; errors name "env:<variable>".
  void applyEnvironment(const Environment& env);

 private:
  void applyMap(const YAML::Node& map, const std::string& prefix, const std::string& file);
  void applyEntry(const std::string& path, const YAML::Node& key, const YAML::Node& value,
                  const std::string& file);
  void applyPluginDirs(const YAML::Node& value, const SourceMark& mark, const std::string& file);
  void applyPlugins(const YAML::Node& value, const SourceMark& mark, const std::string& file);
  void applyPlugin(const std::string& name, const YAML::Node& value, const SourceMark& mark,
                   const std::string& file);
  void applyScalar(const Key& key, const std::string& text, const SourceMark& mark);
  void applyEnvironmentVariable(const std::string& name, const std::string& value);
  PluginConfig& plugin(const std::string& name, const SourceMark& mark);

  Config& config_;
  std::vector<Key> keys_;
};

}  // namespace wind::config::detail
