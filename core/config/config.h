#pragma once
// The server's configuration (ARCHITECTURE.md §6): one YAML file plus
// conf.d/*.yaml merged in name order, then WIND_<SECTION>__<KEY> overrides.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace wind::config {

// Where a value came from, for error messages: "file:line:col".
struct SourceMark {
  std::string file;
  int line = 0;                  // 1-based; 0 when unknown (defaults, environment)
  int column = 0;                // 1-based
  std::string toString() const;  // always "file:line:col"
  friend bool operator==(const SourceMark&, const SourceMark&) = default;
};

// A configuration error: "<file>:<line>:<col>: <keyPath>: <message>", or
// "<file>:<line>:<col>: <message>" when no key is involved (YAML syntax, an
// unreadable file). Environment overrides use the file "env:WIND_..." and 0:0.
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
enum class StorageDriver { sqlite, postgresql };
enum class MailTransport { file, smtp, log };
enum class LogLevel { trace, debug, info, warn, error };
enum class LogFormat { text, json };

// One scalar under plugins.<name>: kept as text with its position, validated
// later against the plugin's declared SettingSpecs by the plugin host.
struct PluginSetting {
  std::string key;
  std::string value;
  SourceMark mark;
  friend bool operator==(const PluginSetting&, const PluginSetting&) = default;
};

struct PluginConfig {
  std::string name;
  std::vector<PluginSetting> settings;  // in the order first listed
  SourceMark mark;                      // where the plugin was first listed
  friend bool operator==(const PluginConfig&, const PluginConfig&) = default;
};

struct Config {
  struct Server {
    std::string listenHost = "0.0.0.0";
    std::uint16_t listenPort = 8080;
    std::string publicUrl = "http://localhost:8080";
    unsigned nodeId = 0;                 // 0..1023
    unsigned eventLoops = 0;             // 0 = one per core
    unsigned workers = 0;                // 0 = automatic
    std::size_t maxConnections = 10000;  // server.max_connections: open WebSockets, 1..
    std::size_t httpThreads = 16;        // server.http_threads: HTTP handler pool, 1..1024
    std::size_t maxBodyBytes = 65536;    // server.max_body_bytes: HTTP request body limit
    std::size_t maxConnectionsPerAddress =
        1024;  // server.max_connections_per_address: open WebSockets per client IP
    // server.request_header_timeout: a request's headers must arrive within it (slowloris)
    std::chrono::milliseconds requestHeaderTimeout{15000};
    std::string webRoot = WIND_DEFAULT_WEB_ROOT;  // server.web_root: the web client's files
    friend bool operator==(const Server&, const Server&) = default;
  } server;
  struct Storage {
    StorageDriver driver = StorageDriver::sqlite;  // storage.driver
    std::string path = "/var/lib/wind/wind.db";    // sqlite
    Synchronous synchronous = Synchronous::full;   // sqlite
    std::string url;                               // postgresql: libpq URI or key=value string
    std::string passwordFile;  // postgresql: first line is the password; "" = none
    unsigned readers = 4;      // storage.readers: pooled read connections
    friend bool operator==(const Storage&, const Storage&) = default;
  } storage;
  struct Auth {
    bool emailVerification = true;
    std::chrono::seconds tokenTtl{30 * 24 * 3600};
    std::chrono::seconds verifyTtl{24 * 3600};
    unsigned passwordMinLength = 8;
    unsigned loginAttemptsPerMinute = 10;
    unsigned registrationsPerHour = 1000;  // auth.registrations_per_hour: per client address
    friend bool operator==(const Auth&, const Auth&) = default;
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
      friend bool operator==(const Smtp&, const Smtp&) = default;
    } smtp;
    friend bool operator==(const Email&, const Email&) = default;
  } email;
  struct WebSocket {
    std::chrono::milliseconds heartbeatInterval{40000};
    std::chrono::milliseconds heartbeatGrace{5000};
    std::size_t maxFrameBytes = 65536;
    std::size_t outboundQueueBytes = 1048576;
    unsigned framesPerSecond = 50;
    unsigned framesBurst = 200;
    // websocket.allowed_origins (comma-separated): Origins allowed to upgrade;
    // empty = none besides the server's own (Host or server.public_url).
    std::vector<std::string> allowedOrigins;
    friend bool operator==(const WebSocket&, const WebSocket&) = default;
  } websocket;
  struct Log {
    LogLevel level = LogLevel::info;
    LogFormat format = LogFormat::text;
    friend bool operator==(const Log&, const Log&) = default;
  } log;
  struct Admin {
    std::string socket = "/run/wind/admin.sock";  // admin.socket: windctl's Unix socket; "" = none
    friend bool operator==(const Admin&, const Admin&) = default;
  } admin;
  struct Metrics {
    // metrics.listen: "" = /metrics on the public listener, loopback clients
    // only; "host:port" = served there (to anyone who can reach it) instead.
    std::string listen;
    friend bool operator==(const Metrics&, const Metrics&) = default;
  } metrics;
  struct Cluster {
    std::string bus;  // cluster.bus: "" = single node; "redis://host:port" = the Redis bus
    // cluster.ttl: a dead node's id lease and presence entries expire after it
    std::chrono::milliseconds ttl{15000};
    friend bool operator==(const Cluster&, const Cluster&) = default;
  } cluster;
  // Default (set by defaults() and load(), not by Config{}): a single entry,
  // the build's WIND_DEFAULT_PLUGIN_DIR. A later file's list replaces it.
  std::vector<std::string> pluginDirs;
  std::vector<PluginConfig> plugins;  // in the order first listed
  friend bool operator==(const Config&, const Config&) = default;
};

// The built-in defaults: Config{} plus pluginDirs = {WIND_DEFAULT_PLUGIN_DIR}.
Config defaults();

// Environment lookup, injectable for tests.
using Environment = std::map<std::string, std::string>;
Environment processEnvironment();

// Loads `path`, then `<dir of path>/conf.d/*.yaml` in name order (later files
// override scalars and add plugins), then environment overrides. Throws
// ConfigError on unknown keys, wrong types, out-of-range values, bad YAML.
//
// Merging: scalars override; plugins merge by plugin name (a later file's
// settings override same-named ones and add new ones; a plugin keeps the
// position where it was first listed); plugin_dirs is replaced as a whole.
// Environment: every variable named WIND_<SECTION>__<KEY> (segments joined by
// "__", e.g. WIND_EMAIL__SMTP__HOST, WIND_PLUGINS__CHAT__MAX_LENGTH) sets that
// scalar; an unknown one is an error. Names without "__" are ignored.
// Relative paths in the configuration stay relative (to the working directory).
// Pure function of its inputs and the files; callable from any thread.
Config load(const std::string& path, const Environment& env);

// The built-in defaults as commented YAML (what --print-default-config prints).
std::string defaultYaml();

// Parses "40s", "2ms", "30d", "24h", "15m", "500us" (a non-negative integer and
// one unit: us ms s m h d); throws std::invalid_argument.
std::chrono::microseconds parseDuration(const std::string& text);

}  // namespace wind::config
