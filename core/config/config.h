#pragma once
// The server's configuration (ARCHITECTURE.md §6): one YAML file plus
// conf.d/*.yaml merged in name order, then WIND_<SECTION>__<KEY> overrides.

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace wind::config {

// Where a value came from, for error messages: "file:line:col".
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown (defaults, environment)
  int column = 0;  // 1-based
  std::string toString() const;
};

// A configuration error: "<file>:<line>:<col>: <keyPath>: <message>".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceMark mark, std::string keyPath, const std::string& message);
  const SourceMark& mark() const noexcept { return mark_; }
  const std::string& keyPath() const noexcept { return keyPath_; }

 private:
  SourceMark mark_;
  std::string keyPath_;
};

enum class Synchronous { full, normal };
enum class MailTransport { file, smtp, log };
enum class LogLevel { trace, debug, info, warn, error };
enum class LogFormat { text, json };

// One scalar under plugins.<name>: kept as text with its position, validated
// later against the plugin's declared SettingSpecs by the plugin host.
struct PluginSetting {
  std::string key;
  std::string value;
  SourceMark mark;
};

struct PluginConfig {
  std::string name;
  std::vector<PluginSetting> settings;
  SourceMark mark;
};

struct Config {
  struct Server {
    std::string listenHost = "0.0.0.0";
    std::uint16_t listenPort = 8080;
    std::string publicUrl = "http://localhost:8080";
    unsigned nodeId = 0;      // 0..1023
    unsigned eventLoops = 0;  // 0 = one per core
    unsigned workers = 0;     // 0 = automatic
  } server;
  struct Storage {
    std::string path = "/var/lib/wind/wind.db";
    Synchronous synchronous = Synchronous::full;
  } storage;
  struct Auth {
    bool emailVerification = true;
    std::chrono::seconds tokenTtl{30 * 24 * 3600};
    std::chrono::seconds verifyTtl{24 * 3600};
    unsigned passwordMinLength = 8;
    unsigned loginAttemptsPerMinute = 10;
  } auth;
  struct Email {
    MailTransport transport = MailTransport::file;
    std::string outbox = "/var/lib/wind/outbox";
    std::string from = "WIND <noreply@localhost>";
    struct Smtp {
      std::string host = "localhost";
      std::uint16_t port = 587;
      bool starttls = true;
      std::string username;
      std::string password;
    } smtp;
  } email;
  struct WebSocket {
    std::chrono::milliseconds heartbeatInterval{40000};
    std::chrono::milliseconds heartbeatGrace{5000};
    std::size_t maxFrameBytes = 65536;
    std::size_t outboundQueueBytes = 1048576;
    unsigned framesPerSecond = 50;
    unsigned framesBurst = 200;
  } websocket;
  struct Log {
    LogLevel level = LogLevel::info;
    LogFormat format = LogFormat::text;
  } log;
  std::vector<std::string> pluginDirs;  // default: the build's WIND_PLUGIN_DIR
  std::vector<PluginConfig> plugins;    // in the order first listed
};

// Environment lookup, injectable for tests.
using Environment = std::map<std::string, std::string>;
Environment processEnvironment();

// Loads `path`, then `<dir of path>/conf.d/*.yaml` in name order (later files
// override scalars and add plugins), then environment overrides. Throws
// ConfigError on unknown keys, wrong types, out-of-range values, bad YAML.
Config load(const std::string& path, const Environment& env);

// The built-in defaults as commented YAML (what --print-default-config prints).
std::string defaultYaml();

// Parses "40s", "2ms", "30d", "24h", "15m", "500us"; throws std::invalid_argument.
std::chrono::microseconds parseDuration(const std::string& text);

}  // namespace wind::config
