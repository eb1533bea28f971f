#pragma once
// The HTTP side of the server (PROTOCOL.md §2) on Poco's HTTPServer, with
// every limit set explicitly (ARCHITECTURE.md §9 "Server limits"): its own
// thread pool of server.http_threads, a queue of 1024 accepted connections,
// a listen backlog of 4096, 10 s receive timeouts, keep-alive.
// `GET /ws` goes to the UpgradeHandler; this folder knows nothing else about
// WebSockets or plugins.

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "auth/accounts.h"
#include "config/config.h"
#include "http/header_deadline.h"
#include "http/router.h"
#include "http/upgrade_handler.h"

namespace wind::http {

class HttpServer {
 public:
  // Binds server.listenHost:server.listenPort at once (port 0 picks a free
  // port, see port()); throws Poco::Net::NetException when it cannot bind.
  // Every reference must outlive this. `ready` answers /readyz,
  // `metricsText` /metrics; both are called on HTTP pool threads.
  HttpServer(const config::Config& config, auth::Accounts& accounts, UpgradeHandler& upgrade,
             std::function<bool()> ready, std::function<std::string()> metricsText,
             Poco::Logger& logger);
  // Stops if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Starts accepting. Call once, from the main thread.
  void start();
  // Stops accepting, aborts open HTTP connections (upgraded WebSockets are
  // no longer HTTP connections and are not touched) and joins the pool.
  // Idempotent.
  void stop();

  // The bound port (the real one when listen port 0 was configured).
  std::uint16_t port() const;

 private:
  Poco::Logger& logger_;
  Router router_;
  Poco::ThreadPool pool_;
  Poco::Net::ServerSocket socket_;
  // Outlives server_, whose connections arm and disarm it.
  HeaderDeadline headerDeadline_;
  std::unique_ptr<GuardedHttpServer> server_;
  bool running_ = false;
};

}  // namespace wind::http
