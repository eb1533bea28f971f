#include "admin/socket_server.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace wind::admin {
namespace {

constexpr std::size_t kMaxRequestBytes = 64 * 1024;
constexpr int kClientTimeoutMs = 5000;

sockaddr_un addressOf(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(address.sun_path)) {
    throw std::runtime_error("admin socket path '" + path + "' is empty or too long");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

std::string errnoText(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

bool writeAll(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads up to the first newline (dropped), or EOF. Empty on error or timeout.
std::string readLine(int fd, int timeoutMs) {
  std::string line;
  char buffer[4096];
  while (line.size() < kMaxRequestBytes) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0) return {};
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
    const auto newline = line.find('\n');
    if (newline != std::string::npos) return line.substr(0, newline);
  }
  return line;
}

int connectTo(const std::string& path) {
  const sockaddr_un address = addressOf(path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(errnoText("socket", path));
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const std::string message = errnoText("cannot connect to the admin socket", path);
    ::close(fd);
    throw std::runtime_error(message);
  }
  return fd;
}

bool answers(const std::string& path) {
  try {
    ::close(connectTo(path));
    return true;
  } catch (const std::runtime_error&) {
    return false;
  }
}

}  // namespace

SocketServer::SocketServer(std::string path, Handler handler, Poco::Logger& logger)
    : path_(std::move(path)), handler_(std::move(handler)), logger_(logger) {}

SocketServer::~SocketServer() { stop(); }

void SocketServer::start() {
  const sockaddr_un address = addressOf(path_);
  // A socket file nobody answers on is a leftover of a crash: replace it.
  if (answers(path_))
    throw std::runtime_error("admin socket '" + path_ + "' is in use by another server");
  ::unlink(path_.c_str());
  listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listenFd_ < 0) throw std::runtime_error(errnoText("socket", path_));
  // Bound before listen() and chmod-ed before it: nobody can connect until
  // the mode is 0660 (connecting needs write permission, and the socket only
  // accepts once listening). umask is not touched: it is process-wide.
  if (::bind(listenFd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::chmod(path_.c_str(), 0660) != 0 || ::listen(listenFd_, 16) != 0) {
    const std::string message = errnoText("cannot bind the admin socket", path_);
    ::close(listenFd_);
    listenFd_ = -1;
    throw std::runtime_error(message);
  }
  if (::pipe2(wakeFd_, O_CLOEXEC) != 0) throw std::runtime_error(errnoText("pipe", path_));
  thread_ = std::thread([this] { serve(); });
}

void SocketServer::stop() {
  if (!thread_.joinable()) return;
  const char byte = 0;
  [[maybe_unused]] const auto n = ::write(wakeFd_[1], &byte, 1);
  thread_.join();
  ::close(listenFd_);
  ::close(wakeFd_[0]);
  ::close(wakeFd_[1]);
  ::unlink(path_.c_str());
  listenFd_ = -1;
}

void SocketServer::serve() {
  for (;;) {
    pollfd fds[2] = {{listenFd_, POLLIN, 0}, {wakeFd_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      logger_.error(errnoText("admin socket: poll", path_));
      return;
    }
    if (fds[1].revents != 0) return;
    const int client = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    answer(client);
    ::close(client);
  }
}

void SocketServer::answer(int client) {
  const std::string request = readLine(client, kClientTimeoutMs);
  if (request.empty()) return;
  if (!writeAll(client, handler_(request) + "\n"))
    logger_.warning("admin socket: client left early");
}

std::string call(const std::string& path, const std::string& request) {
  const int fd = connectTo(path);
  const bool sent = writeAll(fd, request + "\n");
  // A backup of a large database may take a while: wait up to ten minutes.
  const std::string response = sent ? readLine(fd, 600'000) : std::string{};
  ::close(fd);
  if (response.empty()) throw std::runtime_error("no answer on the admin socket '" + path + "'");
  return response;
}

}  // namespace wind::admin
