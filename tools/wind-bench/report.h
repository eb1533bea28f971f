#pragma once
// One run's result: printed as one JSON line (for scripts) and a human summary.
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "stats.h"

namespace wind::bench {

class Report final {
 public:
  Report(std::string scenario, std::string label)
      : scenario_(std::move(scenario)), label_(std::move(label)) {}
  void set(const std::string& key, double value, const std::string& unit = "") {
    char text[64];
    std::snprintf(text, sizeof text, "%.6g", value);
    fields_.push_back({key, text, unit});
  }
  // The latency percentiles every latency scenario reports, in milliseconds.
  void setLatencies(Samples& samples) {  // non-const: Samples sorts lazily
    set("p50_ms", samples.ms(50), "ms");
    set("p90_ms", samples.ms(90), "ms");
    set("p99_ms", samples.ms(99), "ms");
    set("max_ms", samples.maxMs(), "ms");
  }
  void note(const std::string& key, const std::string& value) {
    fields_.push_back({key, "\"" + value + "\"", ""});
  }
  void print() const {
    std::string json = "{\"scenario\":\"" + scenario_ + "\",\"label\":\"" + label_ + "\"";
    for (const auto& field : fields_) json += ",\"" + field.key + "\":" + field.value;
    std::printf("%s}\n", json.c_str());
    std::printf("  %s [%s]\n", scenario_.c_str(), label_.c_str());
    for (const auto& field : fields_) {
      std::printf("    %-24s %s %s\n", field.key.c_str(), field.value.c_str(), field.unit.c_str());
    }
    std::fflush(stdout);
  }

 private:
  struct Field {
    std::string key;
    std::string value;
    std::string unit;
  };
  std::string scenario_;
  std::string label_;
  std::vector<Field> fields_;
};

}  // namespace wind::bench
