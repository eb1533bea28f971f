#pragma once
// A private PostgreSQL server for tests: initdb in a directory of the test's
// own, `postgres` on a free loopback port (no Unix socket), trust
// authentication for the user `wind`, fsync off. Never the system service.
// Used by the storage unit tests, the integration harness (through the
// wind_private_postgres tool that CTest runs as a fixture) and cluster tests.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace wind::testsupport {

// The directory of initdb and postgres: `pg_config --bindir`, else the newest
// /usr/lib/postgresql/<version>/bin. Empty when PostgreSQL is not installed
// (tests then skip with the message of skipMessage()).
std::optional<std::filesystem::path> postgresBinDir();
const char* skipMessage();

class PrivatePostgres {
 public:
  // Creates the cluster in `dir` (made if missing; must be empty) and starts
  // the server; returns once it accepts connections. When run as root, the
  // server runs as the `postgres` (else `nobody`) user, which owns `dir`:
  // PostgreSQL refuses to run as root. Throws std::runtime_error with the
  // server's log when it does not come up.
  explicit PrivatePostgres(std::filesystem::path dir);
  // Stops the server (fast shutdown) unless release() was called. Leaves `dir`.
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  // Stops the server and waits for it; start() runs it again on the same port.
  void stop();
  void start();
  // The server keeps running after this object is gone (stop it with stopPostgresIn).
  void release() noexcept { released_ = true; }

  std::uint16_t port() const noexcept { return port_; }
  pid_t pid() const noexcept { return pid_; }
  // postgresql://wind@127.0.0.1:<port>/<database>
  std::string url(const std::string& database = "postgres") const;
  // CREATE DATABASE (owner wind). Throws std::runtime_error.
  void createDatabase(const std::string& name) const;

 private:
  std::filesystem::path dir_;
  std::filesystem::path bin_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool released_ = false;
};

// Creates database `name` on the server at `url` (any database of it).
// Throws std::runtime_error with libpq's message.
void createDatabase(const std::string& url, const std::string& name);

// Drops the database `url` names (connected to the server's `postgres`
// database, ending sessions still on it). Errors are ignored: cleanup only.
void dropDatabase(const std::string& url) noexcept;

// Stops the server whose data directory is `dir` (its postmaster.pid names
// the process this helper started), waiting up to 30 s. False when none ran.
bool stopPostgresIn(const std::filesystem::path& dir);

}  // namespace wind::testsupport
