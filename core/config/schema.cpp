#include "config/schema.h"

#include <algorithm>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <utility>

#include "config/values.h"

namespace wind::config::detail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Accessors return the field a key writes; the factories below turn them into
// Key::apply functions with the value's type and range.
template <class T>
using Field = T& (*)(Config&);

template <class T>
Key integer(std::string_view path, std::string_view def, std::string_view comment, Field<T> field,
            std::uint64_t min, std::uint64_t max) {
  return {path, def, comment, [field, min, max](Config& c, const std::string& text) {
            field(c) = static_cast<T>(parseInteger(text, min, max));
          }};
}

Key boolean(std::string_view path, std::string_view def, std::string_view comment,
            Field<bool> field) {
  return {path, def, comment,
          [field](Config& c, const std::string& text) { field(c) = parseBool(text); }};
}

Key string(std::string_view path, std::string_view def, std::string_view comment,
           Field<std::string> field, std::string (*parse)(const std::string&)) {
  return {path, def, comment,
          [field, parse](Config& c, const std::string& text) { field(c) = parse(text); }};
}

std::string anyString(const std::string& text) { return text; }

template <class Unit>
Key duration(std::string_view path, std::string_view def, std::string_view comment,
             Field<Unit> field, Unit min, Unit max) {
  return {path, def, comment, [field, min, max](Config& c, const std::string& text) {
            field(c) = parseDurationIn<Unit>(text, min, max);
          }};
}

template <class E>
Key choice(std::string_view path, std::string_view def, std::string_view comment, Field<E> field,
           std::initializer_list<std::pair<std::string_view, E>> names) {
  std::vector<std::pair<std::string_view, E>> table(names);
  return {path, def, comment, [field, table](Config& c, const std::string& text) {
            std::string expected;
            for (const auto& [name, value] : table) {
              if (text == name) {
                field(c) = value;
                return;
              }
              expected += expected.empty() ? "" : " | ";
              expected += name;
            }
            throw std::invalid_argument("expected " + expected + ", got '" + text + "'");
          }};
}

constexpr std::uint64_t kMaxBytes = 1ULL << 30;
constexpr std::uint64_t kMaxCount = 100'000'000;

std::vector<Key> serverKeys() {
  return {
      {"server.listen", R"("0.0.0.0:8080")", "host:port; port 0 picks a free port",
       [](Config& c, const std::string& text) {
         auto listen = parseListen(text);
         c.server.listenHost = std::move(listen.host);
         c.server.listenPort = listen.port;
       }},
      string(
          "server.public_url", R"("http://localhost:8080")", "used in verification links",
          [](Config& c) -> std::string& { return c.server.publicUrl; }, parseHttpUrl),
      integer<unsigned>(
          "server.node_id", "0", "0..1023, part of every snowflake",
          [](Config& c) -> unsigned& { return c.server.nodeId; }, 0, 1023),
      integer<unsigned>(
          "server.event_loops", "0", "0 = one per core",
          [](Config& c) -> unsigned& { return c.server.eventLoops; }, 0, 1024),
      integer<unsigned>(
          "server.workers", "0", "handler/storage threads; 0 = automatic",
          [](Config& c) -> unsigned& { return c.server.workers; }, 0, 1024),
      integer<std::size_t>(
          "server.max_connections", "10000", "open WebSockets; more are refused",
          [](Config& c) -> std::size_t& { return c.server.maxConnections; }, 1, kMaxCount),
      integer<std::size_t>(
          "server.http_threads", "16", "HTTP request handler threads",
          [](Config& c) -> std::size_t& { return c.server.httpThreads; }, 1, 1024),
      integer<std::size_t>(
          "server.max_body_bytes", "65536", "largest HTTP request body",
          [](Config& c) -> std::size_t& { return c.server.maxBodyBytes; }, 1, kMaxBytes),
      integer<std::size_t>(
          "server.max_connections_per_address", "1024",
          "open WebSockets per client IP; more get 429",
          [](Config& c) -> std::size_t& { return c.server.maxConnectionsPerAddress; }, 1,
          kMaxCount),
      duration<milliseconds>(
          "server.request_header_timeout", R"("15s")",
          "an HTTP request's headers must arrive within it",
          [](Config& c) -> milliseconds& { return c.server.requestHeaderTimeout; },
          milliseconds(100), milliseconds(3600 * 1000)),
      string(
          "server.web_root", "\"" WIND_DEFAULT_WEB_ROOT "\"", "the web client served at /",
          [](Config& c) -> std::string& { return c.server.webRoot; }, parseNonEmpty),
  };
}

std::vector<Key> storageAndAuthKeys() {
  return {
      choice<StorageDriver>(
          "storage.driver", "sqlite", "sqlite | postgresql",
          [](Config& c) -> StorageDriver& { return c.storage.driver; },
          {{"sqlite", StorageDriver::sqlite}, {"postgresql", StorageDriver::postgresql}}),
      string(
          "storage.path", R"("/var/lib/wind/wind.db")", "the SQLite database file",
          [](Config& c) -> std::string& { return c.storage.path; }, parseNonEmpty),
      choice<Synchronous>("storage.synchronous", "full", "full | normal",
                          [](Config& c) -> Synchronous& { return c.storage.synchronous; },
                          {{"full", Synchronous::full}, {"normal", Synchronous::normal}}),
      string(
          "storage.url", R"("")", "postgresql: postgresql://wind@127.0.0.1:5432/wind",
          [](Config& c) -> std::string& { return c.storage.url; }, anyString),
      string(
          "storage.password_file", R"("")", "postgresql: its first line is the password",
          [](Config& c) -> std::string& { return c.storage.passwordFile; }, anyString),
      integer<unsigned>(
          "storage.readers", "4", "pooled read connections",
          [](Config& c) -> unsigned& { return c.storage.readers; }, 1, 64),
      boolean("auth.email_verification", "true", "false: accounts are active at once",
              [](Config& c) -> bool& { return c.auth.emailVerification; }),
      duration<seconds>(
          "auth.token_ttl", R"("30d")", "session token lifetime",
          [](Config& c) -> seconds& { return c.auth.tokenTtl; }, seconds(1),
          seconds(3650LL * 24 * 3600)),
      duration<seconds>(
          "auth.verify_ttl", R"("24h")", "email verification link lifetime",
          [](Config& c) -> seconds& { return c.auth.verifyTtl; }, seconds(1),
          seconds(3650LL * 24 * 3600)),
      integer<unsigned>(
          "auth.password_min_length", "8", "shortest accepted password",
          [](Config& c) -> unsigned& { return c.auth.passwordMinLength; }, 1, 1024),
      integer<unsigned>(
          "auth.login_attempts_per_minute", "10", "per client address and per email",
          [](Config& c) -> unsigned& { return c.auth.loginAttemptsPerMinute; }, 1, 1'000'000),
      integer<unsigned>(
          "auth.registrations_per_hour", "1000", "per client address; more get 429",
          [](Config& c) -> unsigned& { return c.auth.registrationsPerHour; }, 1, 1'000'000),
  };
}

std::vector<Key> emailKeys() {
  return {
      choice<MailTransport>("email.transport", "file", "file | smtp | log",
                            [](Config& c) -> MailTransport& { return c.email.transport; },
                            {{"file", MailTransport::file},
                             {"smtp", MailTransport::smtp},
                             {"log", MailTransport::log}}),
      string(
          "email.outbox", R"("/var/lib/wind/outbox")", "directory of .eml files (file)",
          [](Config& c) -> std::string& { return c.email.outbox; }, parseNonEmpty),
      string(
          "email.from", R"("WIND <noreply@localhost>")", "sender of the mails",
          [](Config& c) -> std::string& { return c.email.from; }, parseNonEmpty),
      string(
          "email.smtp.host", R"("localhost")", "smtp transport: the relay",
          [](Config& c) -> std::string& { return c.email.smtp.host; }, parseNonEmpty),
      integer<std::uint16_t>(
          "email.smtp.port", "587", "1..65535",
          [](Config& c) -> std::uint16_t& { return c.email.smtp.port; }, 1, 65535),
      boolean("email.smtp.starttls", "true", "upgrade with STARTTLS",
              [](Config& c) -> bool& { return c.email.smtp.starttls; }),
      string(
          "email.smtp.username", R"("")", "empty: no authentication",
          [](Config& c) -> std::string& { return c.email.smtp.username; }, anyString),
      string(
          "email.smtp.password", R"("")", "prefer WIND_EMAIL__SMTP__PASSWORD",
          [](Config& c) -> std::string& { return c.email.smtp.password; }, anyString),
  };
}

std::vector<Key> websocketAndLogKeys() {
  return {
      duration<milliseconds>(
          "websocket.heartbeat_interval", R"("40s")", "clients send a heartbeat this often",
          [](Config& c) -> milliseconds& { return c.websocket.heartbeatInterval; }, milliseconds(1),
          milliseconds(24LL * 3600 * 1000)),
      duration<milliseconds>(
          "websocket.heartbeat_grace", R"("5s")", "close 4003 after interval + grace",
          [](Config& c) -> milliseconds& { return c.websocket.heartbeatGrace; }, milliseconds(0),
          milliseconds(24LL * 3600 * 1000)),
      integer<std::size_t>(
          "websocket.max_frame_bytes", "65536", "a larger message closes with 1009",
          [](Config& c) -> std::size_t& { return c.websocket.maxFrameBytes; }, 1, kMaxBytes),
      integer<std::size_t>(
          "websocket.outbound_queue_bytes", "1048576", "a slower reader is disconnected",
          [](Config& c) -> std::size_t& { return c.websocket.outboundQueueBytes; }, 1, kMaxBytes),
      integer<unsigned>(
          "websocket.frames_per_second", "50", "per connection; more get error 4029",
          [](Config& c) -> unsigned& { return c.websocket.framesPerSecond; }, 1, 1'000'000),
      integer<unsigned>(
          "websocket.frames_burst", "200", "token bucket size",
          [](Config& c) -> unsigned& { return c.websocket.framesBurst; }, 1, 1'000'000),
      {"websocket.allowed_origins", R"("")", "comma-separated; \"\" = same origin only",
       [](Config& c, const std::string& text) {
         c.websocket.allowedOrigins.clear();
         std::size_t at = 0;
         while (at <= text.size()) {
           const std::size_t end = std::min(text.find(',', at), text.size());
           std::string entry = text.substr(at, end - at);
           entry.erase(0, entry.find_first_not_of(" \t"));
           entry.erase(entry.find_last_not_of(" \t") + 1);
           if (!entry.empty()) c.websocket.allowedOrigins.push_back(std::move(entry));
           at = end + 1;
         }
       }},
      choice<LogLevel>("log.level", "info", "trace | debug | info | warn | error",
                       [](Config& c) -> LogLevel& { return c.log.level; },
                       {{"trace", LogLevel::trace},
                        {"debug", LogLevel::debug},
                        {"info", LogLevel::info},
                        {"warn", LogLevel::warn},
                        {"error", LogLevel::error}}),
      choice<LogFormat>("log.format", "text", "text | json",
                        [](Config& c) -> LogFormat& { return c.log.format; },
                        {{"text", LogFormat::text}, {"json", LogFormat::json}}),
      string(
          "admin.socket", R"("/run/wind/admin.sock")", "windctl's Unix socket (0660); \"\" = none",
          [](Config& c) -> std::string& { return c.admin.socket; }, anyString),
      string(
          "metrics.listen", R"("")", "\"\": /metrics for loopback clients only; or host:port",
          [](Config& c) -> std::string& { return c.metrics.listen; },
          [](const std::string& text) {
            if (!text.empty()) parseListen(text);  // throws on a bad host:port
            return text;
          }),
  };
}

std::string parseRedisUrl(const std::string& text) {
  if (text.empty()) return text;
  constexpr std::string_view kScheme = "redis://";
  const bool redis = text.compare(0, kScheme.size(), kScheme) == 0;
  std::string address = redis ? text.substr(kScheme.size()) : std::string();
  if (!address.empty() && address.back() == '/') address.pop_back();
  const std::invalid_argument bad("expected \"\" or redis://host:port, got '" + text + "'");
  // No user, password, database or options: a Redis reachable on loopback or a private network.
  if (!redis || address.find_first_of("/@?#") != std::string::npos) throw bad;
  try {
    parseListen(address);
  } catch (const std::invalid_argument&) {
    throw bad;
  }
  return text;
}

std::vector<Key> clusterKeys() {
  return {
      string(
          "cluster.bus", R"("")", "\"\" = one node; redis://host:port = cluster (docs/cluster.md)",
          [](Config& c) -> std::string& { return c.cluster.bus; }, parseRedisUrl),
      duration<milliseconds>(
          "cluster.ttl", R"("15s")", "a dead node's id and presence expire after it",
          [](Config& c) -> milliseconds& { return c.cluster.ttl; }, milliseconds(1000),
          milliseconds(3600 * 1000)),
  };
}

}  // namespace

std::vector<Key> schemaKeys() {
  std::vector<Key> keys;
  for (auto part :
       {serverKeys(), storageAndAuthKeys(), emailKeys(), websocketAndLogKeys(), clusterKeys()}) {
    std::move(part.begin(), part.end(), std::back_inserter(keys));
  }
  return keys;
}

const Key* findKey(const std::vector<Key>& keys, std::string_view path) {
  const auto it =
      std::find_if(keys.begin(), keys.end(), [path](const Key& key) { return key.path == path; });
  return it == keys.end() ? nullptr : &*it;
}

bool isSection(const std::vector<Key>& keys, std::string_view path) {
  return std::any_of(keys.begin(), keys.end(), [path](const Key& key) {
    return key.path.size() > path.size() && key.path.substr(0, path.size()) == path &&
           key.path[path.size()] == '.';
  });
}

}  // namespace wind::config::detail
