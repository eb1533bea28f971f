#pragma once
// One JSON object per line: {"time":…,"level":…,"logger":…,"message":…}.

#include <Poco/Formatter.h>

namespace wind::log {

class JsonFormatter final : public Poco::Formatter {
 public:
  void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace wind::log
