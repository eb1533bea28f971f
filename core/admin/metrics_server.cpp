#include "admin/metrics_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace wind::admin {
namespace {

using Poco::Net::HTTPResponse;

class MetricsHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit MetricsHandler(const std::function<std::string()>& render) : render_(render) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    const bool ok = request.getURI() == "/metrics" && request.getMethod() == "GET";
    const std::string body = ok ? render_() : "not found\n";
    response.setStatus(ok ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_NOT_FOUND);
    response.setContentType(ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
  }

 private:
  const std::function<std::string()>& render_;
};

class MetricsFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit MetricsFactory(std::function<std::string()> render) : render_(std::move(render)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new MetricsHandler(render_);
  }

 private:
  std::function<std::string()> render_;
};

}  // namespace

MetricsServer::MetricsServer(const std::string& listen, std::function<std::string()> render) {
  // Not SO_REUSEPORT (Poco's address constructor sets it): a taken port must fail.
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress(listen), true, false);
  socket.listen();
  port_ = socket.address().port();
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(2);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new MetricsFactory(std::move(render)), socket,
                                                    params);
}

MetricsServer::~MetricsServer() { server_->stopAll(true); }

void MetricsServer::start() { server_->start(); }

std::uint16_t MetricsServer::port() const { return port_; }

}  // namespace wind::admin
