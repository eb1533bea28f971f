#include <cstddef>
#include <string_view>
#include <vector>

#include "config/schema.h"

namespace wind::config {
namespace {

constexpr std::size_t kCommentColumn = 40;

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    parts.push_back(path.substr(0, dot));
    path.remove_prefix(dot + 1);
  }
  parts.push_back(path);
  return parts;
}

std::string line(std::size_t depth, std::string_view body, std::string_view comment) {
  std::string text(depth * 2, ' ');
  text += body;
  if (!comment.empty()) {
    text.resize(std::max(text.size() + 1, kCommentColumn), ' ');
    text += "# ";
    text += comment;
  }
  return text + "\n";
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Section headers are printed when a key's parent path differs from the
// previous key's; the schema lists each section's keys together.
std::string scalarSections() {
  std::string text;
  std::vector<std::string_view> previous;
  for (const auto& key : detail::schemaKeys()) {
    const auto parts = split(key.path);
    std::size_t common = 0;
    while (common + 1 < parts.size() && common + 1 < previous.size() &&
           parts[common] == previous[common]) {
      ++common;
    }
    if (common == 0 && !previous.empty()) text += "\n";
    for (std::size_t depth = common; depth + 1 < parts.size(); ++depth) {
      text += line(depth, std::string(parts[depth]) + ":", "");
    }
    text += line(parts.size() - 1, std::string(parts.back()) + ": " + std::string(key.defaultText),
                 key.comment);
    previous = parts;
  }
  return text;
}

}  // namespace

Config defaults() {
  Config config;
  config.pluginDirs = {WIND_DEFAULT_PLUGIN_DIR};
  return config;
}

std::string defaultYaml() {
  std::string text =
      "# WIND server configuration: every key with its default.\n"
      "# Durations: a number and a unit (us ms s m h d). Relative paths are\n"
      "# relative to the working directory. conf.d/*.yaml beside this file is\n"
      "# merged in name order; WIND_<SECTION>__<KEY> environment variables\n"
      "# override scalars (e.g. WIND_SERVER__LISTEN=127.0.0.1:0).\n\n";
  text += scalarSections();
  text += "\n";
  text += line(0, "plugin_dirs:", "searched in order for <plugin>.so");
  text += line(1, "- " + quoted(WIND_DEFAULT_PLUGIN_DIR), "");
  text += "\n";
  text += line(0, "plugins: {}", "keyed by plugin name; only listed plugins load");
  text += "# plugins:\n";
  text += "#   heartbeat: {}\n";
  text += "#   mutual_users: {}\n";
  text += "#   chat: { max_length: 4000, dm_policy: friends }   # friends | anyone\n";
  text += "#   load: { max_count: 100 }\n";
  return text;
}

}  // namespace wind::config
