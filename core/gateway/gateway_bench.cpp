// Echo throughput of the Gateway (not a test): a real HTTPServer + Gateway
// with an echo session, and one epoll client thread keeping `inFlight`
// 64-byte text frames outstanding on each of `connections` sockets.
//
//   wind-gateway-bench [connections=100] [inFlight=8] [seconds=5] [loops=1]
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "gateway/gateway.h"

namespace {

using namespace wind;

constexpr std::size_t kPayload = 64;
constexpr std::size_t kServerFrame = 2 + kPayload;
constexpr std::size_t kClientFrame = 2 + 4 + kPayload;

class EchoHandler final : public gateway::ConnectionHandler {
 public:
  explicit EchoHandler(gateway::Link& link) : link_(link) {}
  void onText(std::string_view message) override { link_.sendText(message); }
  void onBinary() override {}
  void onDeadline() override {}
  void onClosed() override {}

 private:
  gateway::Link& link_;
};

class EchoFactory final : public gateway::SessionFactory {
 public:
  std::unique_ptr<gateway::ConnectionHandler> open(gateway::Link& link) override {
    return std::make_unique<EchoHandler>(link);
  }
};

class UpgradeOnly final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit UpgradeOnly(http::UpgradeHandler& upgrades) : upgrades_(upgrades) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(upgrades_);
  }

 private:
  class Handler final : public Poco::Net::HTTPRequestHandler {
   public:
    explicit Handler(http::UpgradeHandler& upgrades) : upgrades_(upgrades) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
      upgrades_.upgrade(request, response);
    }

   private:
    http::UpgradeHandler& upgrades_;
  };
  http::UpgradeHandler& upgrades_;
};

std::string clientFrames(std::size_t count) {
  std::string out;
  const char key[4] = {0x11, 0x22, 0x33, 0x44};
  for (std::size_t n = 0; n < count; ++n) {
    out += static_cast<char>(0x81);
    out += static_cast<char>(0x80 | kPayload);
    out.append(key, 4);
    for (std::size_t i = 0; i < kPayload; ++i) out += static_cast<char>('a' ^ key[i % 4]);
  }
  return out;
}

double processCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double threadCpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Resident set size in bytes.
std::size_t residentBytes() {
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  unsigned long resident = 0;
  if (statm != nullptr) {
    if (std::fscanf(statm, "%lu %lu", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

int handshake(const Poco::Net::SocketAddress& address) {
  Poco::Net::StreamSocket socket(address);
  const std::string request =
      "GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  std::string response;
  char c = 0;
  while (response.find("\r\n\r\n") == std::string::npos && socket.receiveBytes(&c, 1) == 1)
    response += c;
  const int fd = ::dup(socket.impl()->sockfd());
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

struct Client {
  int fd = -1;
  std::size_t partial = 0;  // bytes of an incomplete echo frame
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t connections = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  const std::size_t inFlight = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 8;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 5;
  const unsigned loops = argc > 4 ? static_cast<unsigned>(std::atoi(argv[4])) : 1;

  config::Config config;
  config.server.eventLoops = loops;
  EchoFactory factory;
  Poco::Logger& logger = Poco::Logger::get("bench");
  logger.setLevel("warning");
  gateway::Gateway gateway(config, factory, logger);
  gateway.start();
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0), 1024);
  Poco::Net::HTTPServer server(new UpgradeOnly(gateway), listener, new Poco::Net::HTTPServerParams);
  server.start();

  const std::string burst = clientFrames(1024);
  const int epoll = ::epoll_create1(0);
  std::vector<Client> clients(connections);
  const std::size_t residentBefore = residentBytes();
  for (std::size_t i = 0; i < connections; ++i) {
    clients[i].fd = handshake(listener.address());
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = i;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, clients[i].fd, &event);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the loops adopt them
  std::printf(
      "idle: %.0f bytes of user-space memory per connection (both ends, one process)\n",
      static_cast<double>(residentBytes() - residentBefore) / static_cast<double>(connections));
  for (Client& client : clients) {
    [[maybe_unused]] auto sent =
        ::send(client.fd, burst.data(), inFlight * kClientFrame, MSG_NOSIGNAL);
  }

  std::vector<char> buffer(1 << 20);
  std::vector<epoll_event> events(1024);
  std::size_t echoed = 0;
  const double processCpuStart = processCpuSeconds();
  const double clientCpuStart = threadCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    const int ready = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < ready; ++e) {
      Client& client = clients[events[static_cast<std::size_t>(e)].data.u64];
      const ssize_t got = ::recv(client.fd, buffer.data(), buffer.size(), 0);
      if (got <= 0) continue;
      const std::size_t bytes = client.partial + static_cast<std::size_t>(got);
      const std::size_t frames = bytes / kServerFrame;
      client.partial = bytes % kServerFrame;
      echoed += frames;
      // Replace each echo with a new frame: constant frames in flight.
      for (std::size_t left = frames; left > 0;) {
        const std::size_t now = std::min<std::size_t>(left, 1024);
        [[maybe_unused]] auto sent =
            ::send(client.fd, burst.data(), now * kClientFrame, MSG_NOSIGNAL);
        left -= now;
      }
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double clientCpu = threadCpuSeconds() - clientCpuStart;
  // Everything but the client thread is the server (its loops, mostly).
  const double serverCpu = processCpuSeconds() - processCpuStart - clientCpu;
  std::printf(
      "%zu connections x %zu in flight, %u loop(s): %zu echoes in %.2f s = %.0f frames/s; "
      "server CPU %.2f s = %.0f frames per server CPU second\n",
      connections, inFlight, loops, echoed, elapsed, static_cast<double>(echoed) / elapsed,
      serverCpu, static_cast<double>(echoed) / serverCpu);
  for (Client& client : clients) ::close(client.fd);
  ::close(epoll);
  server.stopAll(true);
  gateway.shutdown();
  return 0;
}
