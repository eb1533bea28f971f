#include "metrics/registry.h"

#include <iomanip>
#include <locale>
#include <sstream>
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
                  const std::string& value) {
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
  out += value;
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

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) noexcept {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sumMicros_.fetch_add(static_cast<std::int64_t>(value * 1e6), std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snap;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snap.cumulative.push_back(running);
  }
  snap.count = running;
  snap.sum = static_cast<double>(sumMicros_.load(std::memory_order_relaxed)) / 1e6;
  return snap;
}

std::vector<double> latencyBuckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::vector<double> sizeBuckets() {
  std::vector<double> bounds;
  for (double b = 1; b <= 4096; b *= 2) bounds.push_back(b);
  return bounds;
}

Registry::Series& Registry::slot(std::string_view name, std::string_view help, const Labels& labels,
                                 Kind kind) {
  if (!isValidMetricName(name)) {
    throw std::invalid_argument("invalid metric name \"" + std::string(name) + "\"");
  }
  for (const auto& [key, labelValue] : labels) {
    if (!isValidLabelName(key) || (kind == Kind::histogram && key == "le")) {
      throw std::invalid_argument("invalid label name \"" + key + "\"");
    }
  }
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{std::string(help), kind, {}}).first;
  }
  if (family->second.kind != kind) {
    throw std::invalid_argument("metric \"" + std::string(name) + "\" already has another type");
  }
  return family->second.series[labels];
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = slot(name, help, labels, Kind::counter);
  if (!series.counter) series.counter = std::make_unique<Counter>();
  return *series.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& series = slot(name, help, labels, Kind::gauge);
  if (!series.gauge && !series.read) series.gauge = std::make_unique<Gauge>();
  if (!series.gauge)
    throw std::invalid_argument("gauge \"" + std::string(name) + "\" is a function");
  return *series.gauge;
}

void Registry::gaugeFunction(std::string_view name, std::string_view help, const Labels& labels,
                             std::function<std::int64_t()> read) {
  std::lock_guard lock(mutex_);
  auto& series = slot(name, help, labels, Kind::gauge);
  if (series.gauge)
    throw std::invalid_argument("gauge \"" + std::string(name) + "\" is not a function");
  series.read = std::move(read);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, const Labels& labels,
                               const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& series = slot(name, help, labels, Kind::histogram);
  if (!series.histogram) series.histogram = std::make_unique<Histogram>(bounds);
  return *series.histogram;
}

namespace {

std::string formatDouble(double value) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::setprecision(12) << value;
  return out.str();
}

void appendHistogram(std::string& out, const std::string& name, const Labels& labels,
                     const Histogram& histogram) {
  const auto snap = histogram.snapshot();
  const auto& bounds = histogram.bounds();
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    Labels withLe = labels;
    withLe["le"] = i < bounds.size() ? formatDouble(bounds[i]) : "+Inf";
    appendSeries(out, name + "_bucket", withLe, std::to_string(snap.cumulative[i]));
  }
  appendSeries(out, name + "_sum", labels, formatDouble(snap.sum));
  appendSeries(out, name + "_count", labels, std::to_string(snap.count));
}

const char* typeName(int kind) {
  static constexpr const char* kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

}  // namespace

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
    out.push_back(' ');
    out += typeName(static_cast<int>(family.kind));
    out.push_back('\n');
    for (const auto& [labels, series] : family.series) {
      if (series.counter) appendSeries(out, name, labels, std::to_string(series.counter->value()));
      if (series.gauge) appendSeries(out, name, labels, std::to_string(series.gauge->value()));
      if (series.read) appendSeries(out, name, labels, std::to_string(series.read()));
      if (series.histogram) appendHistogram(out, name, labels, *series.histogram);
    }
  }
  return out;
}

}  // namespace wind::metrics
