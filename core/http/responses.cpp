#include "http/responses.h"

#include <Poco/JSON/Object.h>

#include <sstream>

namespace wind::http {
namespace {

std::string stringify(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::string envelope(const std::string& type, const Poco::JSON::Object::Ptr& payload) {
  Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("type", type);
  root.set("payload", payload);
  return stringify(root);
}

}  // namespace

std::string errorJson(int code, const std::string& message) {
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  payload->set("code", code);
  payload->set("message", message);
  return envelope("error", payload);
}

std::string envelopeJson(const std::string& type, const std::string& key,
                         const std::string& value) {
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  payload->set(key, value);
  return envelope(type, payload);
}

void sendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& contentType,
              const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType(contentType);
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.set("Cache-Control", "no-store");
  response.send() << body;
}

void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json) {
  sendBody(response, status, "application/json", json);
}

void sendError(Poco::Net::HTTPServerResponse& response, int status, int code,
               const std::string& message, std::optional<std::chrono::seconds> retryAfter) {
  if (retryAfter) response.set("Retry-After", std::to_string(retryAfter->count()));
  sendJson(response, status, errorJson(code, message));
}

void sendHtml(Poco::Net::HTTPServerResponse& response, int status, const std::string& html) {
  sendBody(response, status, "text/html; charset=utf-8", html);
}

void sendOutcome(Poco::Net::HTTPServerResponse& response, const auth::Outcome& outcome) {
  switch (outcome.kind) {
    case auth::Outcome::Kind::info:
      sendJson(response, outcome.status, envelopeJson("info", "message", outcome.text));
      return;
    case auth::Outcome::Kind::auth:
      sendJson(response, outcome.status, envelopeJson("auth", "token", outcome.text));
      return;
    case auth::Outcome::Kind::error:
      sendError(response, outcome.status, outcome.code, outcome.text, outcome.retryAfter);
      return;
  }
}

}  // namespace wind::http
