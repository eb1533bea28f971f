#pragma once
// Error codes of PROTOCOL.md §3.7, and the exception a plugin throws to answer one.

#include <stdexcept>
#include <string>

namespace wind::sdk {

enum class ErrorCode : int {
  binaryFrame = 1003,
  invalidJson = 1007,
  invalidRequest = 4000,
  authRequired = 4001,
  authFailed = 4002,
  heartbeat = 4003,
  notFound = 4004,
  forbidden = 4005,
  conflict = 4009,
  tooLarge = 4013,
  rateLimited = 4029,
  internal = 5000,
};

// Thrown from PluginBase::onFrame to answer the requesting connection with an
// error frame {code, reason}. Caught by PluginBase inside the plugin, so it
// never crosses the library boundary.
class RequestError : public std::runtime_error {
 public:
  RequestError(ErrorCode code, const std::string& reason)
      : std::runtime_error(reason), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace wind::sdk
