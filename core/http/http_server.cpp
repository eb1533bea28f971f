#include "http/http_server.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

namespace wind::http {
namespace {

constexpr int kListenBacklog = 4096;  // Poco's default of 64 drops bursts of connects
constexpr int kMaxQueued = 1024;      // accepted connections waiting for a pool thread
constexpr int kMaxKeepAliveRequests = 1000;
const Poco::Timespan kTimeout(10, 0);

int threadsOf(const config::Config& config) {
  return static_cast<int>(std::clamp<std::size_t>(config.server.httpThreads, 1, 1024));
}

Poco::Net::HTTPServerParams::Ptr paramsOf(const config::Config& config) {
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threadsOf(config));
  params->setMaxQueued(kMaxQueued);
  params->setKeepAlive(true);
  params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
  params->setKeepAliveTimeout(kTimeout);
  params->setTimeout(kTimeout);
  params->setServerName("wind");
  params->setSoftwareVersion(std::string("wind/") + WIND_VERSION);
  return params;
}

Poco::Net::ServerSocket bindSocket(const config::Config& config) {
  Poco::Net::ServerSocket socket;
  // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT (Poco's two-argument
  // bind sets both): a second server on a taken port must fail, not share it.
  socket.bind(Poco::Net::SocketAddress(config.server.listenHost, config.server.listenPort), true,
              false);
  socket.listen(kListenBacklog);
  return socket;
}

}  // namespace

HttpServer::HttpServer(const config::Config& config, auth::Accounts& accounts,
                       UpgradeHandler& upgrade, std::function<bool()> ready,
                       std::function<std::string()> metricsText, Poco::Logger& logger)
    : logger_(logger),
      router_({config, accounts, upgrade, std::move(ready), std::move(metricsText), logger}),
      pool_("wind-http", 1, threadsOf(config)),
      socket_(bindSocket(config)),
      headerDeadline_(config.server.requestHeaderTimeout),
      server_(std::make_unique<GuardedHttpServer>(
          Poco::SharedPtr<DeadlineFactory>(
              new DeadlineFactory(std::make_unique<RouterFactory>(router_), headerDeadline_)),
          headerDeadline_, pool_, socket_, paramsOf(config))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  server_->start();
  running_ = true;
  logger_.information("http: listening on %s", socket_.address().toString());
}

void HttpServer::stop() {
  if (!running_) return;
  running_ = false;
  server_->stopAll(true);
  pool_.joinAll();
  headerDeadline_.stop();
}

std::uint16_t HttpServer::port() const { return socket_.address().port(); }

}  // namespace wind::http
