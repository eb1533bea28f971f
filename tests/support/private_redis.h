#pragma once
// A private redis-server for tests: its own temporary directory, a free
// loopback port, no persistence; stopped by pid. Never the system service.
// Tests call PrivateRedis::available() first and GTEST_SKIP without it.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace wind::testing {

class PrivateRedis {
 public:
  // redis-server is on PATH.
  static bool available();

  // Picks a free port and starts the server; throws std::runtime_error when it does not answer
  // PING.
  PrivateRedis();
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  // Starts again on the same port (after kill9()); waits until it answers.
  void start();
  // SIGKILL and wait: Redis vanishes as in a crash.
  void kill9();

  std::uint16_t port() const noexcept { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url() const { return "redis://" + address(); }

  // Runs one command (words) on a fresh connection; returns the reply as text
  // (an array's elements joined by '\n'). For assertions and waits in tests.
  std::string command(std::initializer_list<std::string> words) const;

 private:
  bool answers() const;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace wind::testing
