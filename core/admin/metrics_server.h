#pragma once
// metrics.listen: GET /metrics on an address of its own (e.g. a private
// interface a Prometheus server scrapes), so the public listener need not
// serve it at all. Two threads of its own; other paths get 404.

#include <Poco/Net/HTTPServer.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace wind::admin {

class MetricsServer {
 public:
  // Binds `listen` ("host:port", port 0 picks one) at once; throws
  // Poco::Net::NetException when it cannot. `render` is called on the
  // server's threads and must outlive this.
  MetricsServer(const std::string& listen, std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  void start();
  std::uint16_t port() const;

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

}  // namespace wind::admin
