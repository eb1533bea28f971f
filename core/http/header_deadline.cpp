#include "http/header_deadline.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <vector>

namespace wind::http {
namespace {

// Runs the router's handler, then re-arms the deadline for the connection's
// next request.
class RearmingHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  RearmingHandler(Poco::Net::HTTPRequestHandler* inner, HeaderDeadline& deadline,
                  Poco::Net::StreamSocket socket)
      : inner_(inner), deadline_(deadline), socket_(std::move(socket)) {}
  ~RearmingHandler() override {
    // A socket handed over (WebSocket upgrade) is closed on Poco's side.
    if (socket_.impl()->initialized()) deadline_.arm(socket_);
  }
  RearmingHandler(const RearmingHandler&) = delete;
  RearmingHandler& operator=(const RearmingHandler&) = delete;

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    inner_->handleRequest(request, response);
  }

 private:
  std::unique_ptr<Poco::Net::HTTPRequestHandler> inner_;
  HeaderDeadline& deadline_;
  Poco::Net::StreamSocket socket_;
};

// Arms the deadline when a pool thread takes the connection, then serves it
// exactly as Poco's HTTPServer would.
class ArmingConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
 public:
  ArmingConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                          Poco::Net::HTTPRequestHandlerFactory::Ptr factory,
                          HeaderDeadline& deadline)
      : params_(std::move(params)), factory_(std::move(factory)), deadline_(deadline) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    deadline_.arm(socket);
    return new Poco::Net::HTTPServerConnection(socket, params_, factory_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr factory_;
  HeaderDeadline& deadline_;
};

}  // namespace

HeaderDeadline::HeaderDeadline(std::chrono::milliseconds limit)
    : limit_(limit), thread_([this] { watch(); }) {}

HeaderDeadline::~HeaderDeadline() { stop(); }

void HeaderDeadline::arm(const Poco::Net::StreamSocket& socket) {
  std::lock_guard lock(mutex_);
  armed_.insert_or_assign(socket.impl(), Entry{socket, Clock::now() + limit_});
}

void HeaderDeadline::disarm(const Poco::Net::StreamSocket& socket) {
  std::lock_guard lock(mutex_);
  armed_.erase(socket.impl());
}

std::size_t HeaderDeadline::armedCount() {
  std::lock_guard lock(mutex_);
  return armed_.size();
}

void HeaderDeadline::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  armed_.clear();
}

void HeaderDeadline::watch() {
  // Checked a few times per limit: a slow client gets at most ~1.25 × limit.
  const auto tick = std::max(std::chrono::milliseconds(50), limit_ / 4);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, tick, [this] { return stopping_; });
    std::vector<Poco::Net::StreamSocket> expired;
    const auto now = Clock::now();
    for (auto it = armed_.begin(); it != armed_.end();) {
      if (it->second.deadline <= now) {
        expired.push_back(std::move(it->second.socket));
        it = armed_.erase(it);
      } else {
        ++it;
      }
    }
    lock.unlock();
    for (auto& socket : expired) {
      try {
        // Ends the pool thread's blocked read; Poco then closes the socket.
        socket.shutdown();
      } catch (const Poco::Exception&) {
        // Already closed by the peer or by Poco: nothing to cut.
      }
    }
    expired.clear();
    lock.lock();
  }
}

Poco::Net::HTTPRequestHandler* DeadlineFactory::createRequestHandler(
    const Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<const Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return inner_->createRequestHandler(request);
  // socket() is not const in Poco; the request itself is not changed.
  Poco::Net::StreamSocket socket = const_cast<Poco::Net::HTTPServerRequestImpl*>(impl)->socket();
  deadline_.disarm(socket);
  return new RearmingHandler(inner_->createRequestHandler(request), deadline_, std::move(socket));
}

GuardedHttpServer::GuardedHttpServer(Poco::SharedPtr<DeadlineFactory> factory,
                                     HeaderDeadline& deadline, Poco::ThreadPool& pool,
                                     const Poco::Net::ServerSocket& socket,
                                     Poco::Net::HTTPServerParams::Ptr params)
    : Poco::Net::TCPServer(
          new ArmingConnectionFactory(params, Poco::Net::HTTPRequestHandlerFactory::Ptr(factory),
                                      deadline),
          pool, socket, params),
      factory_(std::move(factory)) {}

void GuardedHttpServer::stopAll(bool abortCurrent) {
  stop();
  factory_->notifyStopped(this, abortCurrent);
}

}  // namespace wind::http
