#pragma once
// A real wind-server process for integration tests: its own temporary
// directory (SQLite file, mail outbox, log), a generated config listening on
// 127.0.0.1 port 0, and the port read back from the server's log.

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wind::itest {

// True when the suite runs on PostgreSQL (WIND_ITEST_POSTGRES_DIR names the
// private server of CTest's fixture): each ServerProcess then gets a fresh
// database there instead of an SQLite file; SQLite-only tests skip.
bool storageIsPostgres();
// The URL of the fixture's private server (its `postgres` database); throws
// std::runtime_error when the fixture is not up.
std::string postgresFixtureUrl();

class ServerProcess {
 public:
  // `yamlExtra` is appended to the generated config (top-level sections
  // given here replace the generated ones of the same name).
  explicit ServerProcess(std::string yamlExtra = {}, std::map<std::string, std::string> env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start();
  // SIGTERM and wait; returns the exit status (or -1).
  int stop();
  // SIGKILL and wait.
  void kill9();
  bool running();

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }  // for signals (SIGHUP); -1 when not running
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path configPath() const { return dir_ / "wind.yaml"; }
  std::filesystem::path outbox() const { return dir_ / "outbox"; }
  std::string log() const;

  // Mails in the outbox addressed to `email`, oldest first (raw .eml text).
  std::vector<std::string> mailsTo(const std::string& email) const;
  // The key of the newest verification link mailed to `email`, if any.
  std::optional<std::string> verifyKeyFor(const std::string& email) const;

  // Runs wind-server with `args` (no config generated), returns exit code and output.
  static int runTool(const std::vector<std::string>& args, std::string& output);

 private:
  void writeConfig();
  std::string storageSection();
  std::filesystem::path dir_;
  std::string yamlExtra_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int starts_ = 0;
  std::string postgresUrl_;  // of the database made for this server, when on PostgreSQL
};

}  // namespace wind::itest
