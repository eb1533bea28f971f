#pragma once
// Slowloris defence for the HTTP listener. Poco bounds each read of a
// request (10 s receive timeout) but not the request as a whole, so a client
// that sends one header byte every few seconds holds a pool thread forever,
// and server.http_threads such clients starve every other request, WebSocket
// upgrades included (tests/integration/abuse_test.cpp SlowClients).
//
// HeaderDeadline gives each request `limit` (server.request_header_timeout)
// to deliver its headers: it is armed when a pool thread starts serving a
// connection (GuardedHttpServer's connection factory; time spent queued for
// a thread does not count) and again after each response (the next
// keep-alive request), and disarmed once the headers are complete (by
// DeadlineFactory, before routing). A watchdog thread shuts expired sockets
// down, which ends Poco's blocked read and frees the thread.
//
// Threads: arm/disarm on HTTP pool threads, the watchdog on its own;
// everything is guarded by one mutex.

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/SharedPtr.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace wind::http {

class HeaderDeadline final {
 public:
  // Starts the watchdog thread.
  explicit HeaderDeadline(std::chrono::milliseconds limit);
  // Stops the watchdog (see stop()).
  ~HeaderDeadline();
  HeaderDeadline(const HeaderDeadline&) = delete;
  HeaderDeadline& operator=(const HeaderDeadline&) = delete;

  // The headers of the next request on `socket` are due within the limit.
  // Keeps a reference to the socket until disarmed or expired, so an expired
  // entry can never hit a reused descriptor.
  void arm(const Poco::Net::StreamSocket& socket);
  void disarm(const Poco::Net::StreamSocket& socket);
  // Number of armed sockets (tests).
  std::size_t armedCount();

  // Joins the watchdog; later expiries are not enforced. Idempotent.
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Poco::Net::StreamSocket socket;
    Clock::time_point deadline;
  };
  void watch();

  const std::chrono::milliseconds limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<const Poco::Net::SocketImpl*, Entry> armed_;
  std::thread thread_;
};

// Wraps the router's factory: disarms the deadline of a request whose headers
// have arrived, and re-arms it when its handler is done (unless the socket
// was taken over, as by a WebSocket upgrade). `deadline` must outlive it.
class DeadlineFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  DeadlineFactory(std::unique_ptr<Poco::Net::HTTPRequestHandlerFactory> inner,
                  HeaderDeadline& deadline)
      : inner_(std::move(inner)), deadline_(deadline) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest& request) override;
  // Tells the connections the server stopped (the event is protected in Poco).
  void notifyStopped(const void* server, bool abortCurrent) { serverStopped(server, abortCurrent); }

 private:
  std::unique_ptr<Poco::Net::HTTPRequestHandlerFactory> inner_;
  HeaderDeadline& deadline_;
};

// Poco's HTTPServer with the deadline armed per served connection: the same
// HTTPServerConnection per socket, created by a factory that arms first.
class GuardedHttpServer final : public Poco::Net::TCPServer {
 public:
  // `deadline` (the one `factory` uses) must outlive this.
  GuardedHttpServer(Poco::SharedPtr<DeadlineFactory> factory, HeaderDeadline& deadline,
                    Poco::ThreadPool& pool, const Poco::Net::ServerSocket& socket,
                    Poco::Net::HTTPServerParams::Ptr params);
  // As Poco's HTTPServer::stopAll: stops accepting, and with `abortCurrent`
  // also ends the connections being served.
  void stopAll(bool abortCurrent);

 private:
  Poco::SharedPtr<DeadlineFactory> factory_;
};

}  // namespace wind::http
