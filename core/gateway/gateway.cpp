#include "gateway/gateway.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Buffer.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace wind::gateway {
namespace {

const std::string kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string acceptKey(const std::string& key) {
  Poco::SHA1Engine sha1;
  sha1.update(key + kWebSocketGuid);
  const Poco::DigestEngine::Digest& digest = sha1.digest();
  std::ostringstream out;
  Poco::Base64Encoder base64(out);
  base64.write(reinterpret_cast<const char*>(digest.data()),
               static_cast<std::streamsize>(digest.size()));
  base64.close();
  return out.str();
}

// The messages are fixed ASCII sentences: nothing to escape.
void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               int code, const std::string& message) {
  const std::string body = R"({"type":"error","payload":{"code":)" + std::to_string(code) +
                           R"(,"message":")" + message + R"("}})";
  response.setStatusAndReason(status);
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

// Why the handshake is unacceptable, or empty when it is fine.
std::string handshakeProblem(const Poco::Net::HTTPServerRequest& request) {
  if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_GET)
    return "WebSocket upgrade requires GET.";
  if (Poco::icompare(request.get("Upgrade", ""), "websocket") != 0)
    return "Missing Upgrade: websocket.";
  if (!request.hasToken("Connection", "upgrade")) return "Missing Connection: upgrade.";
  if (request.get("Sec-WebSocket-Version", "") != "13")
    return "Unsupported WebSocket version (13 required).";
  if (Poco::trim(request.get("Sec-WebSocket-Key", "")).empty()) return "Missing Sec-WebSocket-Key.";
  return {};
}

// Readies a detached socket for the loop: no inherited receive timeout,
// non-blocking, no Nagle delay for small frames.
bool prepareSocket(int fd) {
  const timeval none{};
  const int one = 1;
  const int flags = ::fcntl(fd, F_GETFL, 0);
  return ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none) == 0 &&
         ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none) == 0 && flags >= 0 &&
         ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
         ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0;
}

// One loop per core this process may run on: a server pinned to one core
// (taskset, cgroup cpusets) gains nothing from a second loop, only switches.
unsigned usableCores() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) {
    return static_cast<unsigned>(CPU_COUNT(&allowed));
  }
  return std::max(1U, std::thread::hardware_concurrency());
}

unsigned loopCount(const config::Config& config) {
  unsigned count = config.server.eventLoops;
  if (count == 0) count = usableCores();
  return std::min(count, EventLoop::kMaxLoops);
}

}  // namespace

Gateway::Gateway(const config::Config& config, SessionFactory& sessions, Poco::Logger& logger,
                 GatewayOptions options)
    : logger_(logger),
      publicUrl_(config.server.publicUrl),
      allowedOrigins_(config.websocket.allowedOrigins),
      addressSlots_(config.server.maxConnectionsPerAddress),
      maxConnections_(config.server.maxConnections) {
  LoopSettings settings;
  settings.maxMessageBytes = config.websocket.maxFrameBytes;
  settings.outboundQueueBytes = config.websocket.outboundQueueBytes;
  settings.closeTimeout = options.closeTimeout;
  settings.shutdownGrace = options.shutdownGrace;
  settings.addressSlots = &addressSlots_;
  settings.backlogBytes = &backlogBytes_;
  settings.serverClosed = options.serverClosed;
  SteadyClock clock =
      options.clock ? options.clock : SteadyClock([] { return std::chrono::steady_clock::now(); });
  const unsigned count = loopCount(config);
  loops_.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    loops_.push_back(std::make_unique<EventLoop>(static_cast<std::uint8_t>(i), settings, sessions,
                                                 logger, clock, live_));
  }
}

Gateway::~Gateway() { shutdown(); }

void Gateway::start() {
  for (auto& loop : loops_) loop->start();
  accepting_ = true;
  logger_.information("gateway: %z event loops", loops_.size());
}

void Gateway::shutdown() {
  accepting_ = false;
  for (auto& loop : loops_) loop->beginShutdown();
  for (auto& loop : loops_) loop->join();
}

std::size_t Gateway::connectionCount() const noexcept {
  return live_.load(std::memory_order_relaxed);
}

void Gateway::upgrade(Poco::Net::HTTPServerRequest& request,
                      Poco::Net::HTTPServerResponse& response) {
  using Poco::Net::HTTPResponse;
  if (const std::string problem = handshakeProblem(request); !problem.empty()) {
    response.set("Sec-WebSocket-Version", "13");
    sendError(response, HTTPResponse::HTTP_BAD_REQUEST, 4000, problem);
    return;
  }
  if (!originAllowed(request.get("Origin", ""), request.getHost(), publicUrl_, allowedOrigins_)) {
    sendError(response, HTTPResponse::HTTP_FORBIDDEN, 4005, "Origin not allowed.");
    return;
  }
  if (!accepting_) {
    sendError(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, 5000, "Server is shutting down.");
    return;
  }
  if (live_.fetch_add(1) >= maxConnections_.load()) {
    live_.fetch_sub(1);
    sendError(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, 5000, "Too many connections.");
    return;
  }
  const std::string address = hostOf(request.clientAddress().toString());
  if (!addressSlots_.tryAcquire(address)) {
    live_.fetch_sub(1);
    response.set("Retry-After", "60");
    sendError(response, HTTPResponse::HTTP_TOO_MANY_REQUESTS, 4029,
              "Too many connections from this address.");
    return;
  }
  // From here the reservations in live_ and addressSlots_ belong to the loop
  // (released when the session ends) unless the socket never reaches one.
  try {
    if (!handOver(request, response)) {
      live_.fetch_sub(1);
      addressSlots_.release(address);
    }
  } catch (...) {
    live_.fetch_sub(1);
    addressSlots_.release(address);
    throw;
  }
}

bool Gateway::handOver(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) {
  using Poco::Net::HTTPResponse;
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) {
    sendError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, 5000,
              "Upgrade not possible here.");
    return false;
  }
  response.setStatusAndReason(HTTPResponse::HTTP_SWITCHING_PROTOCOLS);
  response.set("Upgrade", "websocket");
  response.set("Connection", "Upgrade");
  response.set("Sec-WebSocket-Accept", acceptKey(Poco::trim(request.get("Sec-WebSocket-Key"))));
  response.setContentLength(0);
  response.send().flush();

  // Bytes the client sent right behind the handshake may already sit in the
  // HTTP session's buffer: take them along.
  Poco::Buffer<char> buffered(0);
  impl->session().drainBuffer(buffered);
  std::string pending(buffered.begin(), buffered.size());
  std::string peer = request.clientAddress().toString();
  Poco::Net::StreamSocket socket = impl->detachSocket();
  // Our own descriptor: Poco closes its copy when `socket` goes away.
  const int fd = ::fcntl(socket.impl()->sockfd(), F_DUPFD_CLOEXEC, 0);
  socket.close();
  if (fd < 0 || !prepareSocket(fd)) {
    if (fd >= 0) ::close(fd);
    logger_.warning("gateway: could not take over the socket of %s", peer);
    return false;
  }
  try {
    leastLoaded().adopt(fd, std::move(peer), std::move(pending));
  } catch (...) {
    ::close(fd);
    throw;
  }
  return true;
}

void Gateway::post(sdk::ConnectionId connection,
                   std::function<void(Link&, ConnectionHandler&)> work) noexcept {
  EventLoop* loop = loopFor(connection);
  if (loop == nullptr) return;
  try {
    loop->post(connection, std::move(work));
  } catch (const std::exception& error) {
    logger_.error("gateway: post failed: %s", std::string(error.what()));
  }
}

void Gateway::send(sdk::ConnectionId connection, std::string frame) noexcept {
  EventLoop* loop = loopFor(connection);
  if (loop == nullptr) return;
  try {
    loop->send(connection, std::move(frame));
  } catch (const std::exception& error) {
    logger_.error("gateway: send failed: %s", std::string(error.what()));
  }
}

EventLoop* Gateway::loopFor(sdk::ConnectionId connection) const noexcept {
  const std::size_t index = loopIndexOf(connection);
  return index < loops_.size() ? loops_[index].get() : nullptr;
}

EventLoop& Gateway::leastLoaded() const noexcept {
  EventLoop* best = loops_.front().get();
  for (const auto& loop : loops_) {
    if (loop->load() < best->load()) best = loop.get();
  }
  return *best;
}

}  // namespace wind::gateway
