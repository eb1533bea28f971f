#include "private_postgres.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace fs = std::filesystem;

namespace wind::testsupport {
namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string commandOutput(const char* command) {
  std::string out;
  FILE* pipe = popen(command, "r");
  if (pipe == nullptr) return out;
  std::array<char, 256> buffer{};
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) out += buffer.data();
  pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::uint16_t freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  std::uint16_t port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) close(fd);
  if (port == 0) throw std::runtime_error("private postgres: no free loopback port");
  return port;
}

// PostgreSQL refuses to run as root: the server then runs as this user.
const passwd* serverUser() {
  if (geteuid() != 0) return nullptr;
  const passwd* user = getpwnam("postgres");
  return user != nullptr ? user : getpwnam("nobody");
}

void chownTree(const fs::path& dir, const passwd& user) {
  if (chown(dir.c_str(), user.pw_uid, user.pw_gid) != 0) {
    throw std::runtime_error("private postgres: cannot chown " + dir.string());
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (lchown(entry.path().c_str(), user.pw_uid, user.pw_gid) != 0) {
      throw std::runtime_error("private postgres: cannot chown " + entry.path().string());
    }
  }
}

// Forks and execs `args` with output appended to `log`, in a session of its
// own (a test's process group signals do not reach it), as serverUser().
pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const passwd* user = serverUser();
  // Everything that allocates happens before fork: the test may have threads.
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("private postgres: fork failed");
  if (pid > 0) return pid;
  setsid();
  const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  if (user != nullptr && (setgid(user->pw_gid) != 0 || setuid(user->pw_uid) != 0)) _exit(126);
  execv(argv[0], argv.data());
  _exit(127);
}

int waitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool alive(pid_t pid) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return true;
  // Not our child (the fixture tool stopping another run's server): ask the kernel.
  return r < 0 && errno == ECHILD && kill(pid, 0) == 0;
}

struct ConnectionDeleter {
  void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};

}  // namespace

std::optional<fs::path> postgresBinDir() {
  const std::string configured = commandOutput("pg_config --bindir 2>/dev/null");
  if (!configured.empty() && fs::exists(fs::path(configured) / "postgres") &&
      fs::exists(fs::path(configured) / "initdb")) {
    return fs::path(configured);
  }
  std::optional<fs::path> newest;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "postgres") && fs::exists(bin / "initdb") &&
        (!newest || bin.string() > newest->string())) {
      newest = bin;
    }
  }
  return newest;
}

const char* skipMessage() {
  return "PostgreSQL is not installed (no pg_config --bindir, no /usr/lib/postgresql/*/bin): "
         "install the Debian package postgresql to run the PostgreSQL tests";
}

PrivatePostgres::PrivatePostgres(fs::path dir) : dir_(std::move(dir)) {
  const auto bin = postgresBinDir();
  if (!bin) throw std::runtime_error(skipMessage());
  bin_ = *bin;
  fs::create_directories(dir_ / "data");
  if (const passwd* user = serverUser()) chownTree(dir_, *user);
  const pid_t initdb = spawn({(bin_ / "initdb").string(), "--auth=trust", "-U", "wind", "--no-sync",
                              "--no-locale", "-E", "UTF8", "-D", (dir_ / "data").string()},
                             dir_ / "initdb.log");
  if (waitFor(initdb) != 0) {
    throw std::runtime_error("private postgres: initdb failed:\n" + readFile(dir_ / "initdb.log"));
  }
  port_ = freePort();
  start();
}

PrivatePostgres::~PrivatePostgres() {
  if (!released_) stop();
}

void PrivatePostgres::start() {
  pid_ = spawn(
      {(bin_ / "postgres").string(), "-D", (dir_ / "data").string(), "-p", std::to_string(port_),
       "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off",
       "-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=200"},
      dir_ / "server.log");
  const std::string conninfo =
      "host=127.0.0.1 port=" + std::to_string(port_) + " user=wind dbname=postgres";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (PQping(conninfo.c_str()) != PQPING_OK) {
    if (!alive(pid_) || std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("private postgres: the server did not come up:\n" +
                               readFile(dir_ / "server.log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void PrivatePostgres::stop() {
  if (pid_ <= 0) return;
  // SIGINT: fast shutdown (open sessions are ended, nothing waits for clients).
  kill(pid_, SIGINT);
  waitFor(pid_);
  pid_ = -1;
}

std::string PrivatePostgres::url(const std::string& database) const {
  return "postgresql://wind@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

void PrivatePostgres::createDatabase(const std::string& name) const {
  testsupport::createDatabase(url(), name);
}

void createDatabase(const std::string& url, const std::string& name) {
  const std::unique_ptr<PGconn, ConnectionDeleter> connection(PQconnectdb(url.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error("private postgres: cannot connect to " + url + ": " +
                             PQerrorMessage(connection.get()));
  }
  char* quoted = PQescapeIdentifier(connection.get(), name.c_str(), name.size());
  const std::string sql = std::string("CREATE DATABASE ") + quoted;
  PQfreemem(quoted);
  PGresult* result = PQexec(connection.get(), sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  if (!ok) throw std::runtime_error("private postgres: " + sql + ": " + message);
}

void dropDatabase(const std::string& url) noexcept {
  const auto slash = url.rfind('/');
  if (slash == std::string::npos) return;
  const std::unique_ptr<PGconn, ConnectionDeleter> connection(
      PQconnectdb((url.substr(0, slash + 1) + "postgres").c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) return;
  const std::string name = url.substr(slash + 1);
  char* quoted = PQescapeIdentifier(connection.get(), name.c_str(), name.size());
  if (quoted == nullptr) return;
  const std::string sql = std::string("DROP DATABASE IF EXISTS ") + quoted + " WITH (FORCE)";
  PQfreemem(quoted);
  PQclear(PQexec(connection.get(), sql.c_str()));
}

bool stopPostgresIn(const fs::path& dir) {
  const fs::path pidPath = dir / "data" / "postmaster.pid";
  std::ifstream pidFile(pidPath);
  pid_t pid = -1;
  if (!(pidFile >> pid) || pid <= 0) return false;
  if (kill(pid, SIGINT) != 0) return false;
  // The server removes postmaster.pid as the last step of its shutdown; its
  // process may linger as a zombie where nobody reaps orphans (containers).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (fs::exists(pidPath) && alive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !fs::exists(pidPath) || !alive(pid);
}

}  // namespace wind::testsupport
