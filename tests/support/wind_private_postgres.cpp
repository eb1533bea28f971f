// wind_private_postgres start|stop <state-dir>: the CTest fixture of the
// integration tests on PostgreSQL. `start` creates a private server in a new
// temporary directory (under /tmp: when run as root the server runs as
// another user, who may not reach into the build tree) and writes its URL to
// <state-dir>/url and its directory to <state-dir>/server-dir; `stop` stops
// that server and removes both directories. `start` first stops what a
// crashed earlier run left behind.

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "private_postgres.h"

namespace fs = std::filesystem;

namespace {

void stopPrevious(const fs::path& state) {
  std::ifstream in(state / "server-dir");
  std::string serverDir;
  if (std::getline(in, serverDir) && !serverDir.empty()) {
    wind::testsupport::stopPostgresIn(serverDir);
    fs::remove_all(serverDir);
  }
  fs::remove_all(state);
}

fs::path makeServerDir() {
  std::string pattern = (fs::temp_directory_path() / "wind-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create " + pattern);
  return pattern;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: wind_private_postgres start|stop <state-dir>\n";
    return 2;
  }
  const fs::path state = argv[2];
  try {
    stopPrevious(state);
    if (std::string(argv[1]) == "stop") return 0;
    fs::create_directories(state);
    const fs::path serverDir = makeServerDir();
    std::ofstream(state / "server-dir") << serverDir.string() << "\n";
    wind::testsupport::PrivatePostgres server(serverDir);
    server.release();
    std::ofstream(state / "url") << server.url() << "\n";
    std::cout << "private PostgreSQL on " << server.url() << " in " << serverDir.string()
              << " (pid " << server.pid() << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
