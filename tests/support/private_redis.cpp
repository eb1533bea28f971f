#include "private_redis.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace wind::testing {
namespace fs = std::filesystem;

namespace {

std::uint16_t freePort() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

fs::path makeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "wind-redis-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string text(const Poco::Redis::RedisType::Ptr& reply) {
  if (reply.isNull()) return {};
  if (reply->isArray()) {
    const auto& array = dynamic_cast<const Poco::Redis::Type<Poco::Redis::Array>&>(*reply).value();
    std::string out;
    for (auto it = array.begin(); it != array.end(); ++it) {
      if (!out.empty()) out += '\n';
      out += text(*it);
    }
    return out;
  }
  if (reply->isBulkString()) {
    const auto& bulk =
        dynamic_cast<const Poco::Redis::Type<Poco::Redis::BulkString>&>(*reply).value();
    return bulk.isNull() ? std::string() : bulk.value();
  }
  if (reply->isInteger()) {
    return std::to_string(dynamic_cast<const Poco::Redis::Type<Poco::Int64>&>(*reply).value());
  }
  if (reply->isSimpleString())
    return dynamic_cast<const Poco::Redis::Type<std::string>&>(*reply).value();
  return "ERR " + reply->toString();
}

}  // namespace

bool PrivateRedis::available() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / "redis-server").c_str(), X_OK) == 0) return true;
  }
  return false;
}

PrivateRedis::PrivateRedis() : dir_(makeTempDir()), port_(freePort()) { start(); }

PrivateRedis::~PrivateRedis() {
  kill9();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PrivateRedis::start() {
  const std::string port = std::to_string(port_);
  const std::string log = (dir_ / "redis.log").string();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    std::vector<std::string> args{
        "redis-server", "--port", port,    "--bind",      "127.0.0.1",   "--save", "",
        "--appendonly", "no",     "--dir", dir_.string(), "--daemonize", "no"};
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp("redis-server", argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers()) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  throw std::runtime_error("redis-server did not answer on port " + port);
}

void PrivateRedis::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool PrivateRedis::answers() const {
  try {
    return command({"PING"}) == "PONG";
  } catch (const std::exception&) {
    return false;
  }
}

std::string PrivateRedis::command(std::initializer_list<std::string> words) const {
  Poco::Redis::Client client;
  client.connect(address(), Poco::Timespan(2, 0));
  client.setReceiveTimeout(Poco::Timespan(5, 0));
  Poco::Redis::Array array;
  for (const auto& word : words) array.add(word);
  return text(client.sendCommand(array));
}

}  // namespace wind::testing
