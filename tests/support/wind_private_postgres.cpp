// wind_private_postgres start|stop <dir>: the CTest fixture of the
// integration tests on PostgreSQL. `start` creates a private server in <dir>
// (replacing what a crashed earlier run left there) and writes its URL to
// <dir>/url; `stop` stops the server this tool started there and removes <dir>.

#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "private_postgres.h"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
    std::cerr << "usage: wind_private_postgres start|stop <dir>\n";
    return 2;
  }
  const fs::path dir = argv[2];
  try {
    wind::testsupport::stopPostgresIn(dir);
    fs::remove_all(dir);
    if (std::string(argv[1]) == "stop") return 0;
    wind::testsupport::PrivatePostgres server(dir);
    server.release();
    std::ofstream(dir / "url") << server.url() << "\n";
    std::cout << "private PostgreSQL on " << server.url() << " (pid " << server.pid() << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}
