#include "payload.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "wind/sdk/errors.h"

namespace wind::plugins::mutual_users {

namespace {
[[noreturn]] void invalid(const std::string& reason) {
  throw sdk::RequestError(sdk::ErrorCode::invalidRequest, reason);
}
}  // namespace

Payload::Payload(std::string_view json) {
  try {
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(std::string(json));
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr)) object_ = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    // The core already checked the envelope; a payload it could not parse is still a bad request.
  }
  if (!object_) invalid("payload must be an object");
}

std::optional<std::string> Payload::optionalString(const std::string& key) const {
  if (!object_->has(key)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(key);
  if (!value.isString()) invalid("\"" + key + "\" must be a string");
  return value.extract<std::string>();
}

std::string Payload::requiredString(const std::string& key) const {
  auto value = optionalString(key);
  if (!value) invalid("\"" + key + "\" is missing");
  return *value;
}

}  // namespace wind::plugins::mutual_users
