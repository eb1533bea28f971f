#pragma once
// The routes of PROTOCOL.md §2. One Router serves every request on the HTTP
// pool threads (it keeps no per-request state, so it is shared); Poco's
// factory hands out a thin per-request handler that forwards to it.

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>
#include <string>

#include "auth/accounts.h"
#include "config/config.h"
#include "http/body.h"
#include "http/static_files.h"
#include "http/upgrade_handler.h"

namespace wind::http {

struct RouterDependencies {
  const config::Config& config;
  auth::Accounts& accounts;
  UpgradeHandler& upgrade;
  std::function<bool()> ready;
  std::function<std::string()> metricsText;
  Poco::Logger& logger;
};

class Router {
 public:
  // Every reference in `dependencies` must outlive this. Reads the web
  // client's files from config.server.webRoot.
  explicit Router(RouterDependencies dependencies);

  // Any HTTP pool thread. Never throws: an escaping exception is logged and
  // answered 500 (code 5000) when the response is not sent yet.
  void handle(Poco::Net::HTTPServerRequest& request,
              Poco::Net::HTTPServerResponse& response) noexcept;

 private:
  void route(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
  void routeAuth(const std::string& path, Poco::Net::HTTPServerRequest& request,
                 Poco::Net::HTTPServerResponse& response);
  // GET-only resources: "/", forms, health, metrics.
  bool routePage(const std::string& path, Poco::Net::HTTPServerRequest& request,
                 Poco::Net::HTTPServerResponse& response);
  void verifyEmail(const std::string& key, Poco::Net::HTTPServerRequest& request,
                   Poco::Net::HTTPServerResponse& response);
  void logout(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
  Fields fieldsOf(Poco::Net::HTTPServerRequest& request,
                  const std::vector<std::string>& wanted) const;
  void health(Poco::Net::HTTPServerResponse& response, bool ok) const;

  RouterDependencies deps_;
  const std::size_t maxBodyBytes_;
  const StaticFiles staticFiles_;  // server.web_root, read at construction
};

class RouterFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  // `router` must outlive the HTTP server.
  explicit RouterFactory(Router& router) : router_(router) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;

 private:
  Router& router_;
};

}  // namespace wind::http
