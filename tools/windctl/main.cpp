// windctl: operate a running wind-server over its admin socket
// (core/admin/README.md); config check and restore work without a server.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "admin/config_check.h"
#include "admin/socket_server.h"
#include "config/config.h"
#include "offline.h"
#include "render.h"

namespace {

using namespace wind;

constexpr const char* kDefaultConfigPath = "/etc/wind/wind.yaml";
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;        // the server refused or the check failed
constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: no server answers
constexpr int kExitUsage = 64;
constexpr int kExitConfig = 78;

struct Options {
  std::string configPath = kDefaultConfigPath;
  std::optional<std::string> socket;
  bool json = false;
  std::vector<std::string> words;
};

void printUsage() {
  std::cout
      << "usage: windctl [-c FILE] [--socket PATH] [--json] COMMAND\n"
         "  status                      version, ABI, uptime, connections, plugins\n"
         "  users list                  every account\n"
         "  users show USER             one account (USER: name or id)\n"
         "  users disable USER          refuse its logins, revoke its tokens, close its sockets "
         "(4002)\n"
         "  users enable USER           allow its logins again\n"
         "  tokens revoke --user USER   revoke every token of USER, closing its sockets (4002)\n"
         "  plugins list                loaded plugins, versions and types\n"
         "  config check [FILE]         validate FILE (default: -c) and dry-load its plugins; "
         "offline\n"
         "  reload                      re-read the configuration (as SIGHUP does)\n"
         "  backup FILE                 online backup of the database to FILE (absolute, must not "
         "exist)\n"
         "  restore FILE                replace the database with FILE; only while the server is "
         "stopped\n"
         "  -c, --config FILE           the server's configuration (default "
      << kDefaultConfigPath
      << ")\n"
         "  --socket PATH               the admin socket (default: admin.socket of the "
         "configuration)\n"
         "  --json                      print the server's JSON answer\n";
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "-c" || arg == "--config") && i + 1 < argc) {
      options.configPath = argv[++i];
    } else if (arg == "--socket" && i + 1 < argc) {
      options.socket = argv[++i];
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "-h" || arg == "--help") {
      return std::nullopt;
    } else {
      options.words.push_back(arg);
    }
  }
  if (options.words.empty()) return std::nullopt;
  return options;
}

config::Config loadConfig(const std::string& path) {
  return config::load(path, config::processEnvironment());
}

std::string socketPath(const Options& options) {
  if (options.socket) return *options.socket;
  return loadConfig(options.configPath).admin.socket;
}

// The admin request for the command words, or nullopt when they are not one.
std::optional<Poco::JSON::Object::Ptr> requestFor(const std::vector<std::string>& w) {
  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  auto is = [&w](std::initializer_list<const char*> words) {
    if (w.size() != words.size()) return false;
    std::size_t i = 0;
    for (const char* word : words) {
      if (*word != '*' && w[i] != word) return false;
      ++i;
    }
    return true;
  };
  if (is({"status"}) || is({"reload"})) {
    request->set("command", w[0]);
  } else if (is({"users", "list"}) || is({"plugins", "list"})) {
    request->set("command", w[0] + "." + w[1]);
  } else if (is({"users", "show", "*"}) || is({"users", "disable", "*"}) ||
             is({"users", "enable", "*"})) {
    request->set("command", w[0] + "." + w[1]);
    request->set("user", w[2]);
  } else if (is({"tokens", "revoke", "--user", "*"})) {
    request->set("command", "tokens.revoke");
    request->set("user", w[3]);
  } else if (is({"backup", "*"})) {
    request->set("command", "backup");
    request->set("path", std::filesystem::absolute(w[1]).string());
  } else {
    return std::nullopt;
  }
  return request;
}

int configCheck(const Options& options) {
  const std::string path = options.words.size() > 2 ? options.words[2] : options.configPath;
  const admin::ConfigCheck check = admin::checkConfiguration(path, config::processEnvironment());
  for (const auto& plugin : check.plugins) {
    std::cout << "plugin " << plugin.name << " " << plugin.version << " (" << plugin.library
              << "): ok\n";
  }
  if (!check.ok) {
    std::cerr << "windctl: " << path << ": " << check.error << "\n";
    return kExitConfig;
  }
  std::cout << path << ": configuration OK\n";
  return kExitOk;
}

int restore(const Options& options) {
  const config::Config config = loadConfig(options.configPath);
  if (!config.admin.socket.empty()) {
    try {
      admin::call(config.admin.socket, R"({"command":"status"})");
      std::cerr << "windctl: the server is running (" << config.admin.socket
                << " answers); stop it before a restore\n";
      return kExitFailed;
    } catch (const std::runtime_error&) {
      // Nobody answers: the server is stopped, as it must be.
    }
  }
  windctl::restoreDatabase(std::filesystem::absolute(options.words[1]).string(),
                           config.storage.path);
  std::cout << "restored " << options.words[1] << " to " << config.storage.path << "\n";
  return kExitOk;
}

int online(const Options& options, const Poco::JSON::Object::Ptr& request) {
  std::ostringstream line;
  Poco::JSON::Stringifier::condense(request, line);
  const std::string path = socketPath(options);
  std::string answer;
  try {
    answer = admin::call(path, line.str());
  } catch (const std::runtime_error& e) {
    std::cerr << "windctl: " << e.what() << " (is wind-server running?)\n";
    return kExitUnavailable;
  }
  if (options.json) std::cout << answer << "\n";
  Poco::JSON::Parser parser;
  const auto response = parser.parse(answer).extract<Poco::JSON::Object::Ptr>();
  if (!response->getValue<bool>("ok")) {
    std::cerr << "windctl: " << response->getValue<std::string>("error") << "\n";
    return kExitFailed;
  }
  if (!options.json)
    windctl::render(request->getValue<std::string>("command"), response->getObject("result"),
                    std::cout);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse(argc, argv);
  if (!options) {
    printUsage();
    return argc > 1 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")
               ? kExitOk
               : kExitUsage;
  }
  const auto& words = options->words;
  try {
    if (words[0] == "config" && words.size() >= 2 && words.size() <= 3 && words[1] == "check")
      return configCheck(*options);
    if (words[0] == "restore" && words.size() == 2) return restore(*options);
    const auto request = requestFor(words);
    if (!request) {
      std::cerr << "windctl: unknown command (try --help)\n";
      return kExitUsage;
    }
    return online(*options, *request);
  } catch (const config::ConfigError& e) {
    std::cerr << "windctl: configuration error: " << e.what() << "\n";
    return kExitConfig;
  } catch (const std::exception& e) {
    std::cerr << "windctl: " << e.what() << "\n";
    return kExitFailed;
  }
}
