#pragma once
// HTTP and WebSocket clients for transcript-style integration tests.

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/WebSocket.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace wind::itest {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  Poco::JSON::Object::Ptr json() const;        // throws when the body is not a JSON object
  int code() const;                            // payload.code of an error body
  std::string message() const;                 // payload.message
};

class Http {
 public:
  explicit Http(std::uint16_t port) : port_(port) {}
  HttpResult get(const std::string& path,
                 const std::map<std::string, std::string>& headers = {}) const;
  HttpResult post(const std::string& path, const std::string& body,
                  const std::string& contentType = "application/x-www-form-urlencoded",
                  const std::map<std::string, std::string>& headers = {}) const;
  HttpResult request(const std::string& method, const std::string& path, const std::string& body,
                     const std::string& contentType,
                     const std::map<std::string, std::string>& headers) const;

 private:
  std::uint16_t port_;
};

// Form-encodes key/value pairs.
std::string form(const std::map<std::string, std::string>& fields);

struct Received {
  enum class Kind { text, binary, close, timeout } kind = Kind::timeout;
  std::string text;
  int closeCode = 0;
  std::string closeReason;
};

class Ws {
 public:
  explicit Ws(std::uint16_t port, const std::string& path = "/ws");
  ~Ws();
  void send(const std::string& text);
  void sendBinary(const std::string& bytes);
  void sendRaw(const std::string& bytes, int flags);
  // Next frame within `timeout` (pongs skipped).
  Received receive(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Next frame must be text; returns its JSON object (fails the test otherwise).
  Poco::JSON::Object::Ptr expectJson(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // Next frame must be text equal to `text`.
  void expectText(const std::string& text);
  // Next JSON frame must have this type; returns the object.
  Poco::JSON::Object::Ptr expectType(const std::string& type);
  // Next frame must be an error frame with this code; returns its payload.
  Poco::JSON::Object::Ptr expectError(int code);
  // Next frame must be a close with this code.
  void expectClose(int code);
  // Nothing arrives within `quiet`.
  void expectSilence(std::chrono::milliseconds quiet = std::chrono::milliseconds(300));

  // heartbeat then auth with `token`; returns the auth snapshot payload.
  Poco::JSON::Object::Ptr authenticate(const std::string& token);

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> socket_;
};

Poco::JSON::Object::Ptr parseObject(const std::string& text);

}  // namespace wind::itest
