#pragma once
// Request bodies of the auth API (PROTOCOL.md §2): form-urlencoded or JSON
// with the same field names. Pure functions; any thread. Errors are
// BodyError carrying the HTTP status and protocol code to answer.

#include <istream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wind::http {

class BodyError : public std::runtime_error {
 public:
  BodyError(int status, int code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(code) {}
  int status() const noexcept { return status_; }
  int code() const noexcept { return code_; }

 private:
  int status_;
  int code_;
};

// The wanted fields that the body holds, as strings.
using Fields = std::map<std::string, std::string, std::less<>>;

// Parses `body` by `contentType` (parameters such as charset ignored):
// application/x-www-form-urlencoded, application/json, or an empty body with
// no content type (no fields). Only `wanted` fields are returned; a wanted
// JSON field that is not a string, bad percent-encoding, invalid JSON, a
// JSON body that is not an object, invalid UTF-8 in a wanted field, or any
// other content type throws BodyError(400, 4000).
Fields parseFields(const std::string& contentType, const std::string& body,
                   const std::vector<std::string>& wanted);

// Reads the whole stream unless it holds more than `maxBytes`: then throws
// BodyError(413, 4013) after reading at most maxBytes + 1 bytes.
std::string readLimited(std::istream& in, std::size_t maxBytes);

// Reads and drops at most `maxBytes` more bytes of `in`; true when it reached
// the end. Answering a large body before reading it would let the kernel
// reset the connection and lose the answer; draining first avoids that.
bool drain(std::istream& in, std::size_t maxBytes);

bool isValidUtf8(std::string_view text) noexcept;

// True when an Accept header ranks text/html above application/json (a
// browser: "text/html,…,*/*;q=0.8"); false for absent, "*/*" or JSON.
bool prefersHtml(const std::string& accept);

// The value of a field, or nullopt when absent.
std::optional<std::string> fieldOf(const Fields& fields, std::string_view name);

}  // namespace wind::http
