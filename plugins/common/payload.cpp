#include "common/payload.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "wind/sdk/errors.h"

namespace wind::plugins {

namespace {
[[noreturn]] void invalid(const std::string& reason) {
  throw sdk::RequestError(sdk::ErrorCode::invalidRequest, reason);
}
}  // namespace

Payload::Payload(std::string_view json) {
  try {
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(std::string(json));
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      object_ = parsed.extract<Poco::JSON::Object::Ptr>();
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

std::optional<std::int64_t> Payload::optionalInteger(const std::string& key) const {
  if (!object_->has(key)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(key);
  // Var calls bool an integer; JSON does not.
  if (value.type() == typeid(bool) || !value.isInteger())
    invalid("\"" + key + "\" must be an integer");
  if (!value.isSigned()) {
    const auto unsignedValue = value.convert<Poco::UInt64>();
    return unsignedValue > static_cast<Poco::UInt64>(INT64_MAX)
               ? INT64_MAX
               : static_cast<std::int64_t>(unsignedValue);
  }
  return value.convert<Poco::Int64>();
}

}  // namespace wind::plugins
