#pragma once
// A small Prometheus text-format (0.0.4) parser for the transcripts that
// read /metrics.

#include <map>
#include <string>

namespace wind::itest {

struct Exposition {
  std::map<std::string, std::string> types;  // family → counter | gauge | histogram
  std::map<std::string, double> samples;     // "name{a=\"1\",b=\"2\"}" (labels as sent) → value
  // The series' value; 0 when it is absent.
  double value(const std::string& series) const {
    const auto it = samples.find(series);
    return it == samples.end() ? 0 : it->second;
  }
};

// Parses `text`, failing the test on any line that is not a valid comment or
// sample, a sample whose family has no TYPE, or a duplicate series.
Exposition parsePrometheus(const std::string& text);

}  // namespace wind::itest
