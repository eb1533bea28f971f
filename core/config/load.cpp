#include <algorithm>
#include <filesystem>
#include <system_error>

#include "config/loader.h"

namespace wind::config {
namespace {

namespace fs = std::filesystem;

// conf.d/*.yaml beside the main file, in name order. Hidden files (editor
// leftovers) are skipped.
std::vector<std::string> confDFiles(const std::string& mainFile) {
  const fs::path dir = fs::path(mainFile).parent_path() / "conf.d";
  std::error_code error;
  if (!fs::is_directory(dir, error)) return {};
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) {
    const fs::path& file = it->path();
    const std::string name = file.filename().string();
    if (file.extension() == ".yaml" && name.front() != '.' && !it->is_directory()) {
      files.push_back(file);
    }
  }
  if (error) throw ConfigError(SourceMark{dir.string(), 0, 0}, "", error.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<std::string> names;
  for (const auto& file : files) names.push_back(file.string());
  return names;
}

}  // namespace

Config load(const std::string& path, const Environment& env) {
  Config config = defaults();
  detail::Loader loader(config);
  loader.applyFile(path);
  for (const auto& file : confDFiles(path)) loader.applyFile(file);
  loader.applyEnvironment(env);
  return config;
}

}  // namespace wind::config
