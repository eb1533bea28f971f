#pragma once
// Reading a request payload (JSON text from the core) with Poco::JSON.
// Every shape error is a RequestError 4000. Poco stays inside the plugin.

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <string_view>

namespace wind::plugins::chat {

class Payload {
 public:
  // Throws RequestError 4000 unless `json` is a JSON object.
  explicit Payload(std::string_view json);

  bool has(const std::string& key) const { return object_->has(key); }
  // The string at `key`; nullopt when absent; 4000 when present but not a string.
  std::optional<std::string> optionalString(const std::string& key) const;
  // The string at `key`; 4000 when absent or not a string.
  std::string requiredString(const std::string& key) const;

 private:
  Poco::JSON::Object::Ptr object_;
};

}  // namespace wind::plugins::chat
