#pragma once
// Writing answers: the JSON envelope {"type":…,"payload":…} of PROTOCOL.md §2,
// errors, HTML pages and plain text. Called on HTTP pool threads.

#include <Poco/Net/HTTPServerResponse.h>

#include <chrono>
#include <optional>
#include <string>

#include "auth/outcome.h"

namespace wind::http {

// {"type":"error","payload":{"code":…,"message":…}}
std::string errorJson(int code, const std::string& message);
// {"type":<type>,"payload":{<key>:<value>}}
std::string envelopeJson(const std::string& type, const std::string& key, const std::string& value);

void sendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& contentType,
              const std::string& body);
void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& json);
void sendError(Poco::Net::HTTPServerResponse& response, int status, int code,
               const std::string& message,
               std::optional<std::chrono::seconds> retryAfter = std::nullopt);
void sendHtml(Poco::Net::HTTPServerResponse& response, int status, const std::string& html);
// An account Outcome as JSON: info → {"type":"info","payload":{"message":…}},
// auth → {"type":"auth","payload":{"token":…}}, error as above; Retry-After when set.
void sendOutcome(Poco::Net::HTTPServerResponse& response, const auth::Outcome& outcome);

}  // namespace wind::http
