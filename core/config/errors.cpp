#include <utility>

#include "config/config.h"

namespace wind::config {
namespace {

std::string describe(const SourceMark& mark, const std::string& keyPath,
                     const std::string& message) {
  std::string text = mark.toString() + ": ";
  if (!keyPath.empty()) text += keyPath + ": ";
  return text + message;
}

}  // namespace

std::string SourceMark::toString() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ConfigError::ConfigError(SourceMark mark, std::string keyPath, const std::string& message)
    : std::runtime_error(describe(mark, keyPath, message)),
      mark_(std::move(mark)),
      keyPath_(std::move(keyPath)) {}

}  // namespace wind::config
