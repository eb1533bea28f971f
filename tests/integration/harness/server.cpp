#include "server.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "private_postgres.h"

namespace wind::itest {
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path makeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "wind-itest-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// Children must not inherit a blocked signal mask or odd dispositions.
void execServer(const std::vector<std::string>& args, const fs::path& logFile,
                const std::map<std::string, std::string>& env) {
  int fd = open(logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  for (const auto& [key, value] : env) setenv(key.c_str(), value.c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

ServerProcess::ServerProcess(std::string yamlExtra, std::map<std::string, std::string> env)
    : dir_(makeTempDir()), yamlExtra_(std::move(yamlExtra)), env_(std::move(env)) {
  writeConfig();
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
  // A database is some megabytes; a suite run makes one per server.
  if (!postgresUrl_.empty() && !getenv("WIND_KEEP_TEST_DIRS")) {
    testsupport::dropDatabase(postgresUrl_);
  }
  if (!getenv("WIND_KEEP_TEST_DIRS")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

bool storageIsPostgres() { return getenv("WIND_ITEST_POSTGRES_DIR") != nullptr; }

std::string postgresFixtureUrl() {
  const char* dir = getenv("WIND_ITEST_POSTGRES_DIR");
  std::string url = dir != nullptr ? readFile(fs::path(dir) / "url") : "";
  while (!url.empty() && (url.back() == '\n' || url.back() == ' ')) url.pop_back();
  if (url.empty())
    throw std::runtime_error("WIND_ITEST_POSTGRES_DIR has no url: is the fixture up?");
  return url;
}

std::string ServerProcess::storageSection() {
  if (!storageIsPostgres()) {
    return "storage:\n  path: \"" + (dir_ / "wind.db").string() + "\"\n  synchronous: normal\n";
  }
  // The private server CTest's fixture started (tests/support); a fresh
  // database per server process, named after its temporary directory.
  const std::string url = postgresFixtureUrl();
  std::string name = "wind_" + dir_.filename().string();
  for (char& c : name)
    c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? static_cast<char>(std::tolower(c)) : '_';
  testsupport::createDatabase(url, name);
  postgresUrl_ = url.substr(0, url.rfind('/') + 1) + name;
  return "storage:\n  driver: postgresql\n  url: \"" + postgresUrl_ + "\"\n";
}

void ServerProcess::writeConfig() {
  // Sections named in yamlExtra replace the generated ones.
  auto has = [&](const std::string& section) {
    return std::regex_search(yamlExtra_, std::regex("(^|\n)" + section + ":"));
  };
  std::ostringstream yaml;
  if (!has("server")) {
    yaml << "server:\n  listen: \"127.0.0.1:0\"\n  public_url: \"http://127.0.0.1\"\n"
         << "  event_loops: 2\n  workers: 4\n";
  }
  if (!has("storage")) yaml << storageSection();
  if (!has("email"))
    yaml << "email:\n  transport: file\n  outbox: \"" << outbox().string() << "\"\n";
  // Many tests register more users from 127.0.0.1 than the default
  // auth.registrations_per_hour; abuse_test checks that limit itself.
  if (!has("auth")) yaml << "auth:\n  email_verification: true\n  registrations_per_hour: 100000\n";
  if (!has("log")) yaml << "log:\n  level: debug\n";
  if (!has("admin")) yaml << "admin:\n  socket: \"" << (dir_ / "admin.sock").string() << "\"\n";
  if (!has("plugin_dirs")) yaml << "plugin_dirs: [\"" << WIND_TEST_PLUGIN_DIR << "\"]\n";
  if (!has("plugins")) {
    yaml << "plugins:\n  heartbeat: {}\n  mutual_users: {}\n  chat: {}\n  load: {}\n";
  }
  yaml << yamlExtra_ << "\n";
  std::ofstream(configPath()) << yaml.str();
}

void ServerProcess::start() {
  ++starts_;
  fs::path logFile = dir_ / "server.log";
  std::size_t logStart = fs::exists(logFile) ? fs::file_size(logFile) : 0;
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) execServer({WIND_SERVER_BIN, "-c", configPath().string()}, logFile, env_);

  // The server logs "listening on http://<host>:<port>" once it accepts.
  static const std::regex listening("listening on http://[^:\\s]+:([0-9]+)");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = readFile(logFile).substr(
        std::min(logStart, fs::exists(logFile) ? fs::file_size(logFile) : 0));
    std::smatch m;
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("wind-server exited during startup:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("wind-server did not report its port:\n" + log());
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool ServerProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string ServerProcess::log() const { return readFile(dir_ / "server.log"); }

std::vector<std::string> ServerProcess::mailsTo(const std::string& email) const {
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  if (!fs::exists(outbox())) return {};
  for (const auto& entry : fs::directory_iterator(outbox())) {
    if (entry.path().extension() != ".eml") continue;
    std::string text = readFile(entry.path());
    if (text.find("To: " + email) != std::string::npos ||
        text.find("<" + email + ">") != std::string::npos) {
      found.emplace_back(entry.last_write_time(), text);
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

std::optional<std::string> ServerProcess::verifyKeyFor(const std::string& email) const {
  static const std::regex link("/api/v1/auth/email_verify/([A-Za-z0-9_=-]+)");
  auto mails = mailsTo(email);
  for (auto it = mails.rbegin(); it != mails.rend(); ++it) {
    std::smatch m;
    if (std::regex_search(*it, m, link)) return m[1].str();
  }
  return std::nullopt;
}

int ServerProcess::runTool(const std::vector<std::string>& args, std::string& output) {
  fs::path tmp = makeTempDir();
  fs::path logFile = tmp / "out.txt";
  std::vector<std::string> argv{WIND_SERVER_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) execServer(argv, logFile, {});
  int status = 0;
  waitpid(pid, &status, 0);
  output = readFile(logFile);
  fs::remove_all(tmp);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace wind::itest
