#pragma once
// The admin socket: a Unix stream socket (mode 0660, so the server's group
// may use windctl) where each connection carries one request line and gets
// one response line (protocol in README.md beside this file).
//
// Made by main; start() binds and spawns the one serving thread; stop() (or
// the destructor) joins it and removes the socket file. Requests are served
// one at a time on that thread: admin traffic is rare, and a backup that
// takes seconds simply makes the next windctl wait.

#include <Poco/Logger.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace wind::admin {

class SocketServer {
 public:
  // Turns one request line (without the newline) into one response line.
  // Called on the serving thread; must not throw.
  using Handler = std::function<std::string(const std::string& request)>;

  SocketServer(std::string path, Handler handler, Poco::Logger& logger);
  ~SocketServer();
  SocketServer(const SocketServer&) = delete;
  SocketServer& operator=(const SocketServer&) = delete;

  // Binds `path` (replacing a stale socket file left by a crashed server,
  // refusing when another server answers there) and starts serving. Throws
  // std::runtime_error naming the path on failure. Main thread, once.
  void start();
  // Stops serving, joins the thread, unlinks the socket. Idempotent.
  void stop();

 private:
  void serve();
  void answer(int client);

  const std::string path_;
  Handler handler_;
  Poco::Logger& logger_;
  int listenFd_ = -1;
  int wakeFd_[2] = {-1, -1};  // a pipe: stop() writes, serve() polls it
  std::thread thread_;
};

// Connects to the admin socket at `path`, sends `request` and returns the
// response line. Throws std::runtime_error when nobody answers. (windctl.)
std::string call(const std::string& path, const std::string& request);

}  // namespace wind::admin
