#pragma once
// Reading a request payload (JSON text from the core) with Poco::JSON,
// shared by the standard plugins.
// Every shape error is a RequestError 4000. Poco stays inside the plugin.

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::plugins {

class Payload {
 public:
  // Throws RequestError 4000 unless `json` is a JSON object.
  explicit Payload(std::string_view json);

  bool has(const std::string& key) const { return object_->has(key); }
  // The string at `key`; nullopt when absent; 4000 when present but not a string.
  std::optional<std::string> optionalString(const std::string& key) const;
  // The string at `key`; 4000 when absent or not a string.
  std::string requiredString(const std::string& key) const;
  // The integer at `key` (a JSON number without fraction or exponent);
  // nullopt when absent; 4000 for anything else. Values beyond the int64
  // range saturate.
  std::optional<std::int64_t> optionalInteger(const std::string& key) const;

 private:
  Poco::JSON::Object::Ptr object_;
};

}  // namespace wind::plugins
