#include "metrics.h"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace wind::itest {

Exposition parsePrometheus(const std::string& text) {
  static const std::regex help(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  static const std::regex type(
      R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex label(R"re([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")re");
  static const std::regex sample(
      R"re(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*)?\})? ([-+]?(?:[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)))re");
  Exposition out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.empty() || std::regex_match(line, m, help)) continue;
    if (std::regex_match(line, m, type)) {
      EXPECT_FALSE(out.types.contains(m[1])) << "second TYPE for " << m[1];
      out.types[m[1]] = m[2];
      continue;
    }
    if (!std::regex_match(line, m, sample)) {
      ADD_FAILURE() << "not a Prometheus sample line: " << line;
      continue;
    }
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (!out.types.contains(family) && family.size() > s.size() && family.ends_with(s)) {
        family.resize(family.size() - s.size());
      }
    }
    EXPECT_TRUE(out.types.contains(family)) << "sample before its TYPE: " << line;
    const std::string series = std::string(m[1]) + std::string(m[2]);
    EXPECT_FALSE(out.samples.contains(series)) << "duplicate series " << series;
    out.samples[series] = std::stod(m[3]);
  }
  return out;
}

}  // namespace wind::itest
