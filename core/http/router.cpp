#include "http/router.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "http/pages.h"
#include "http/responses.h"

namespace wind::http {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

const std::string kAuthPrefix = "/api/v1/auth/";
const std::string kVerifyPrefix = "email_verify/";

bool hasBody(const HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() ||
         (request.hasContentLength() && request.getContentLength64() > 0);
}

// A body we do not read would be parsed as the next request on a kept-alive
// connection; closing after the answer is simpler and cheap for these routes.
void closeIfUnread(const HTTPServerRequest& request, HTTPServerResponse& response) {
  if (hasBody(request)) response.setKeepAlive(false);
}

void notFound(const HTTPServerRequest& request, HTTPServerResponse& response) {
  closeIfUnread(request, response);
  sendError(response, 404, 4004, "Not found.");
}

void methodNotAllowed(const HTTPServerRequest& request, HTTPServerResponse& response,
                      const std::string& allow) {
  closeIfUnread(request, response);
  response.set("Allow", allow);
  sendError(response, 405, 4000, "Method not allowed.");
}

// After a 413: read what a moderately oversized body still holds so that the
// close after the answer is clean, but never more than kDrainBytes.
void dropBody(HTTPServerRequest& request, HTTPServerResponse& response) {
  constexpr std::size_t kDrainBytes = 1 << 20;
  response.setKeepAlive(false);
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<Poco::Int64>(kDrainBytes))
    return;
  try {
    drain(request.stream(), kDrainBytes);
  } catch (const Poco::Exception&) {
    // A client that stalls mid-body gets the answer anyway.
  }
}

std::string clientAddress(const HTTPServerRequest& request) {
  return request.clientAddress().host().toString();
}

std::size_t maxBodyOf(const config::Config& config) {
  return config.server.maxBodyBytes > 0 ? config.server.maxBodyBytes : 65536;
}

}  // namespace

Router::Router(RouterDependencies dependencies)
    : deps_(std::move(dependencies)),
      maxBodyBytes_(maxBodyOf(deps_.config)),
      staticFiles_(deps_.config.server.webRoot, deps_.logger) {}

void Router::handle(HTTPServerRequest& request, HTTPServerResponse& response) noexcept {
  try {
    try {
      route(request, response);
    } catch (const BodyError& error) {
      if (error.status() == 413) dropBody(request, response);
      if (!response.sent()) sendError(response, error.status(), error.code(), error.what());
    } catch (const Poco::TimeoutException&) {
      // The client stopped sending its body: nothing useful can be answered.
      response.setKeepAlive(false);
      if (!response.sent()) sendError(response, 408, 4000, "Request timed out.");
    } catch (const Poco::Exception& error) {
      deps_.logger.error("http: %s %s: %s", request.getMethod(), request.getURI(),
                         error.displayText());
      response.setKeepAlive(false);
      if (!response.sent()) sendError(response, 500, 5000, auth::messages::kInternal);
    } catch (const std::exception& error) {
      deps_.logger.error("http: %s %s: %s", request.getMethod(), request.getURI(),
                         std::string(error.what()));
      response.setKeepAlive(false);
      if (!response.sent()) sendError(response, 500, 5000, auth::messages::kInternal);
    }
  } catch (...) {
    // Writing the 500 itself failed (the peer is gone): nothing left to do.
  }
}

void Router::route(HTTPServerRequest& request, HTTPServerResponse& response) {
  std::string path;
  try {
    path = Poco::URI(request.getURI()).getPath();
  } catch (const Poco::SyntaxException&) {
    closeIfUnread(request, response);
    sendError(response, 400, 4000, "Malformed request URI.");
    return;
  }
  if (path == "/ws") {
    if (request.getMethod() != HTTPRequest::HTTP_GET)
      return methodNotAllowed(request, response, "GET");
    deps_.upgrade.upgrade(request, response);
    return;
  }
  if (path.starts_with(kAuthPrefix))
    return routeAuth(path.substr(kAuthPrefix.size()), request, response);
  if (!routePage(path, request, response)) notFound(request, response);
}

void Router::routeAuth(const std::string& action, HTTPServerRequest& request,
                       HTTPServerResponse& response) {
  const bool post = request.getMethod() == HTTPRequest::HTTP_POST;
  if (action.starts_with(kVerifyPrefix)) {
    const auto key = action.substr(kVerifyPrefix.size());
    if (key.find('/') != std::string::npos) return notFound(request, response);
    if (request.getMethod() != HTTPRequest::HTTP_GET)
      return methodNotAllowed(request, response, "GET");
    return verifyEmail(key, request, response);
  }
  if (action != "register" && action != "login" && action != "logout" &&
      action != "resend_verification") {
    return notFound(request, response);
  }
  if (!post) return methodNotAllowed(request, response, "POST");
  if (action == "logout") return logout(request, response);
  if (action == "register") {
    const auto fields = fieldsOf(request, {"name", "email", "password"});
    return sendOutcome(
        response, deps_.accounts.registerAccount({fieldOf(fields, "name"), fieldOf(fields, "email"),
                                                  fieldOf(fields, "password")},
                                                 clientAddress(request)));
  }
  if (action == "login") {
    const auto fields = fieldsOf(request, {"email", "password"});
    return sendOutcome(response,
                       deps_.accounts.login(fieldOf(fields, "email"), fieldOf(fields, "password"),
                                            clientAddress(request)));
  }
  const auto fields = fieldsOf(request, {"email"});
  sendOutcome(response,
              deps_.accounts.resendVerification(fieldOf(fields, "email"), clientAddress(request)));
}

bool Router::routePage(const std::string& path, HTTPServerRequest& request,
                       HTTPServerResponse& response) {
  if (!StaticFiles::owns(path) && path != "/register" && path != "/login" && path != "/healthz" &&
      path != "/readyz" && path != "/metrics") {
    return false;
  }
  // HEAD for the web client's files (Poco sends the headers only).
  const bool web = StaticFiles::owns(path);
  if (request.getMethod() != HTTPRequest::HTTP_GET &&
      !(web && request.getMethod() == HTTPRequest::HTTP_HEAD)) {
    methodNotAllowed(request, response, web ? "GET, HEAD" : "GET");
    return true;
  }
  closeIfUnread(request, response);
  if (web) {
    if (staticFiles_.serve(path, request, response)) return true;
    // Without a web client installed, / still shows the plain start page.
    if (path != "/") return false;
    sendHtml(response, 200, pages::home());
  } else if (path == "/register") {
    sendHtml(response, 200, pages::registerForm(deps_.config.auth.passwordMinLength));
  } else if (path == "/login") {
    sendHtml(response, 200, pages::loginForm());
  } else if (path == "/healthz") {
    health(response, true);
  } else if (path == "/readyz") {
    health(response, !deps_.ready || deps_.ready());
  } else if (!deps_.config.metrics.listen.empty()) {
    return false;  // metrics.listen set: /metrics lives on that address only
  } else if (!request.clientAddress().host().isLoopback()) {
    // Metrics reveal traffic and user counts: local scrapers only on the public listener.
    sendError(response, 403, 4005, "Metrics are served to local clients only.");
  } else {
    sendBody(response, 200, "text/plain; version=0.0.4; charset=utf-8",
             deps_.metricsText ? deps_.metricsText() : std::string{});
  }
  return true;
}

void Router::health(HTTPServerResponse& response, bool ok) const {
  sendJson(response, ok ? 200 : 503, envelopeJson("health", "status", ok ? "ok" : "unavailable"));
}

void Router::verifyEmail(const std::string& key, HTTPServerRequest& request,
                         HTTPServerResponse& response) {
  closeIfUnread(request, response);
  const auto outcome = deps_.accounts.verifyEmail(key);
  const bool html = prefersHtml(request.get("Accept", ""));
  if (html && outcome.status == 201) return sendHtml(response, 201, pages::verified());
  if (html && outcome.status == 404) return sendHtml(response, 404, pages::verifyFailed());
  sendOutcome(response, outcome);
}

void Router::logout(HTTPServerRequest& request, HTTPServerResponse& response) {
  readLimited(request.stream(), maxBodyBytes_);  // unused, but must leave the connection in sync
  std::string scheme;
  std::string token;
  if (request.hasCredentials()) {
    try {
      request.getCredentials(scheme, token);
    } catch (const Poco::Exception&) {
      scheme.clear();
    }
  }
  if (Poco::icompare(scheme, "Bearer") != 0) {
    return sendError(response, 401, 4002, auth::messages::kInvalidToken);
  }
  sendOutcome(response, deps_.accounts.logout(Poco::trim(token)));
}

Fields Router::fieldsOf(HTTPServerRequest& request, const std::vector<std::string>& wanted) const {
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<Poco::Int64>(maxBodyBytes_)) {
    throw BodyError(413, 4013, "Request body too large.");
  }
  const auto body = readLimited(request.stream(), maxBodyBytes_);
  return parseFields(request.getContentType(), body, wanted);
}

namespace {

class ForwardingHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ForwardingHandler(Router& router) : router_(router) {}
  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    router_.handle(request, response);
  }

 private:
  Router& router_;
};

}  // namespace

Poco::Net::HTTPRequestHandler* RouterFactory::createRequestHandler(const HTTPServerRequest&) {
  return new ForwardingHandler(router_);
}

}  // namespace wind::http
