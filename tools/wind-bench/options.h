#pragma once
// Command line: `wind-bench <scenario> --key value ...` (flags without a value are "1").
#include <map>
#include <stdexcept>
#include <string>

namespace wind::bench {

class Options final {
 public:
  Options(int argc, char** argv) {
    if (argc < 2)
      throw std::runtime_error(
          "usage: wind-bench <scenario> --url http://127.0.0.1:PORT [--key value]...");
    scenario_ = argv[1];
    for (int i = 2; i < argc; ++i) {
      std::string key = argv[i];
      if (key.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + key);
      key = key.substr(2);
      if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        values_[key] = argv[++i];
      } else {
        values_[key] = "1";
      }
    }
  }
  const std::string& scenario() const { return scenario_; }
  std::string text(const std::string& key, const std::string& fallback = "") const {
    const auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  double number(const std::string& key, double fallback) const {
    const auto it = values_.find(key);
    return it == values_.end() ? fallback : std::stod(it->second);
  }
  long integer(const std::string& key, long fallback) const {
    return static_cast<long>(number(key, static_cast<double>(fallback)));
  }
  bool flag(const std::string& key) const { return values_.count(key) != 0; }

 private:
  std::string scenario_;
  std::map<std::string, std::string> values_;
};

}  // namespace wind::bench
