#include "metrics/registry.h"

#include <stdexcept>

namespace wind::metrics {
namespace {

bool isAsciiLetter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiDigit(char c) noexcept { return c >= '0' && c <= '9'; }

bool isValidLabelName(std::string_view name) noexcept {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = isAsciiLetter(c) || c == '_' || (i > 0 && isAsciiDigit(c));
    if (!ok) return false;
  }
  return true;
}

// HELP text escapes only backslash and newline; label values also escape '"'.
void appendEscaped(std::string& out, std::string_view text, bool escapeQuote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escapeQuote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

void appendSeries(std::string& out, const std::string& name, const Labels& labels,
                  std::uint64_t value) {
  out += name;
  if (!labels.empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [key, labelValue] : labels) {
      if (!first) out.push_back(',');
      first = false;
      out += key;
      out += "=\"";
      appendEscaped(out, labelValue, true);
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
  out += std::to_string(value);
  out.push_back('\n');
}

}  // namespace

bool isValidMetricName(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = isAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && isAsciiDigit(c));
    if (!ok) return false;
  }
  return true;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  if (!isValidMetricName(name)) {
    throw std::invalid_argument("invalid metric name \"" + std::string(name) + "\"");
  }
  for (const auto& [key, labelValue] : labels) {
    if (!isValidLabelName(key)) throw std::invalid_argument("invalid label name \"" + key + "\"");
  }
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{std::string(help), {}}).first;
  }
  auto& slot = family->second.series[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

std::string Registry::renderPrometheus() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    out += "# HELP ";
    out += name;
    out.push_back(' ');
    appendEscaped(out, family.help, false);
    out += "\n# TYPE ";
    out += name;
    out += " counter\n";
    for (const auto& [labels, counter] : family.series)
      appendSeries(out, name, labels, counter->value());
  }
  return out;
}

}  // namespace wind::metrics
