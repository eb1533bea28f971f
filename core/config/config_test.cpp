#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/schema.h"

namespace wind::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "wind-config-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to `name` (relative to the directory) and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

class ConfigTest : public ::testing::Test {
 protected:
  // Writes wind.yaml and loads it.
  Config loadText(const std::string& text, const Environment& env = {}) {
    return load(dir_.write("wind.yaml", text), env);
  }

  // Loads wind.yaml expecting a ConfigError; returns its what() with the
  // temporary directory replaced by "DIR".
  std::string errorOf(const std::string& text, const Environment& env = {}) {
    const std::string file = dir_.write("wind.yaml", text);
    return errorOfFile(file, env);
  }

  std::string errorOfFile(const std::string& file, const Environment& env = {}) {
    try {
      load(file, env);
    } catch (const ConfigError& e) {
      std::string message = e.what();
      const std::string dir = fs::path(file).parent_path().string();
      if (message.rfind(dir, 0) == 0) message.replace(0, dir.size(), "DIR");
      return message;
    }
    return "no error";
  }

  TempDir dir_;
};

// ---- defaults ----

TEST_F(ConfigTest, EmptyFileGivesDefaults) {
  const Config config = loadText("");
  EXPECT_EQ(config, defaults());
  EXPECT_EQ(config.server.listenHost, "0.0.0.0");
  EXPECT_EQ(config.server.listenPort, 8080);
  EXPECT_EQ(config.server.maxConnections, 10000U);
  EXPECT_EQ(config.server.httpThreads, 16U);
  EXPECT_EQ(config.server.maxBodyBytes, 65536U);
  EXPECT_EQ(config.auth.tokenTtl, std::chrono::seconds(30 * 24 * 3600));
  EXPECT_EQ(config.websocket.heartbeatInterval, 40s);
  ASSERT_EQ(config.pluginDirs.size(), 1U);
  EXPECT_EQ(config.pluginDirs[0], WIND_DEFAULT_PLUGIN_DIR);
  EXPECT_TRUE(config.plugins.empty());
}

TEST_F(ConfigTest, DefaultYamlLoadsToTheDefaults) {
  EXPECT_EQ(loadText(defaultYaml()), defaults());
}

TEST_F(ConfigTest, DefaultYamlNamesEveryKey) {
  const std::string text = defaultYaml();
  for (const auto& key : detail::schemaKeys()) {
    const std::string path(key.path);
    const std::string leaf = path.substr(path.rfind('.') + 1);
    EXPECT_NE(text.find(" " + leaf + ": "), std::string::npos) << path;
  }
  EXPECT_NE(text.find("plugin_dirs:"), std::string::npos);
  EXPECT_NE(text.find("plugins:"), std::string::npos);
}

TEST_F(ConfigTest, EveryKeyIsApplied) {
  const Config config = loadText(R"(
server:
  listen: "127.0.0.1:0"
  public_url: "https://chat.example.org"
  node_id: 1023
  event_loops: 2
  workers: 3
  max_connections: 50
  http_threads: 4
  max_body_bytes: 1024
storage:
  path: "data/x.db"
  synchronous: normal
auth:
  email_verification: false
  token_ttl: 2s
  verify_ttl: 15m
  password_min_length: 12
  login_attempts_per_minute: 3
email:
  transport: smtp
  outbox: out
  from: "Me <me@example.org>"
  smtp: { host: mail, port: 2525, starttls: false, username: u, password: p }
websocket:
  heartbeat_interval: 100ms
  heartbeat_grace: 0s
  max_frame_bytes: 100
  outbound_queue_bytes: 200
  frames_per_second: 5
  frames_burst: 6
log:
  level: debug
  format: json
plugin_dirs: [a, b]
)");
  EXPECT_EQ(config.server.listenHost, "127.0.0.1");
  EXPECT_EQ(config.server.listenPort, 0);
  EXPECT_EQ(config.server.publicUrl, "https://chat.example.org");
  EXPECT_EQ(config.server.nodeId, 1023U);
  EXPECT_EQ(config.server.eventLoops, 2U);
  EXPECT_EQ(config.server.workers, 3U);
  EXPECT_EQ(config.server.maxConnections, 50U);
  EXPECT_EQ(config.server.httpThreads, 4U);
  EXPECT_EQ(config.server.maxBodyBytes, 1024U);
  EXPECT_EQ(config.storage.path, "data/x.db");
  EXPECT_EQ(config.storage.synchronous, Synchronous::normal);
  EXPECT_FALSE(config.auth.emailVerification);
  EXPECT_EQ(config.auth.tokenTtl, 2s);
  EXPECT_EQ(config.auth.verifyTtl, 15min);
  EXPECT_EQ(config.auth.passwordMinLength, 12U);
  EXPECT_EQ(config.auth.loginAttemptsPerMinute, 3U);
  EXPECT_EQ(config.email.transport, MailTransport::smtp);
  EXPECT_EQ(config.email.outbox, "out");
  EXPECT_EQ(config.email.from, "Me <me@example.org>");
  EXPECT_EQ(config.email.smtp.host, "mail");
  EXPECT_EQ(config.email.smtp.port, 2525);
  EXPECT_FALSE(config.email.smtp.starttls);
  EXPECT_EQ(config.email.smtp.username, "u");
  EXPECT_EQ(config.email.smtp.password, "p");
  EXPECT_EQ(config.websocket.heartbeatInterval, 100ms);
  EXPECT_EQ(config.websocket.heartbeatGrace, 0ms);
  EXPECT_EQ(config.websocket.maxFrameBytes, 100U);
  EXPECT_EQ(config.websocket.outboundQueueBytes, 200U);
  EXPECT_EQ(config.websocket.framesPerSecond, 5U);
  EXPECT_EQ(config.websocket.framesBurst, 6U);
  EXPECT_EQ(config.log.level, LogLevel::debug);
  EXPECT_EQ(config.log.format, LogFormat::json);
  EXPECT_EQ(config.pluginDirs, (std::vector<std::string>{"a", "b"}));
}

// ---- durations ----

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parseDuration("40s"), 40s);
  EXPECT_EQ(parseDuration("2ms"), 2ms);
  EXPECT_EQ(parseDuration("30d"), std::chrono::hours(30 * 24));
  EXPECT_EQ(parseDuration("24h"), 24h);
  EXPECT_EQ(parseDuration("15m"), 15min);
  EXPECT_EQ(parseDuration("500us"), 500us);
  EXPECT_EQ(parseDuration("0s"), 0s);
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const std::string text : {"", "s", "40", "4 0s", "-1s", "+1s", "1.5s", "40S", "40sec",
                                 " 40s", "40s ", "1w", "99999999999999999999s", "9999999999999d"}) {
    EXPECT_THROW(parseDuration(text), std::invalid_argument) << "'" << text << "'";
  }
}

// ---- listen ----

TEST_F(ConfigTest, ListenAcceptsHostnamesIpv4AndBracketedIpv6) {
  Config config = loadText("server: { listen: \"localhost:9000\" }");
  EXPECT_EQ(config.server.listenHost, "localhost");
  EXPECT_EQ(config.server.listenPort, 9000);
  config = loadText("server: { listen: \"[::1]:65535\" }");
  EXPECT_EQ(config.server.listenHost, "::1");
  EXPECT_EQ(config.server.listenPort, 65535);
}

TEST_F(ConfigTest, BadListenIsRejected) {
  for (const std::string listen :
       {"8080", ":8080", "host:", "host:65536", "host:abc", "a b:80", "[]:80", "::1:80", "h:-1"}) {
    const std::string error = errorOf("server:\n  listen: \"" + listen + "\"\n");
    EXPECT_EQ(error.rfind("DIR/wind.yaml:2:11: server.listen: expected host:port", 0), 0U)
        << listen << " -> " << error;
  }
}

// ---- error paths with exact messages ----

TEST_F(ConfigTest, UnknownTopLevelKey) {
  EXPECT_EQ(errorOf("server: {}\nbogus: 1\n"), "DIR/wind.yaml:2:1: bogus: unknown key");
}

TEST_F(ConfigTest, UnknownNestedKey) {
  EXPECT_EQ(errorOf("server:\n  node_id: 1\n  nodeid: 2\n"),
            "DIR/wind.yaml:3:3: server.nodeid: unknown key");
  EXPECT_EQ(errorOf("email:\n  smtp:\n    hots: x\n"),
            "DIR/wind.yaml:3:5: email.smtp.hots: unknown key");
}

TEST_F(ConfigTest, ErrorCarriesMarkAndKeyPath) {
  try {
    loadText("log:\n  level: loud\n");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.keyPath(), "log.level");
    EXPECT_EQ(e.mark().line, 2);
    EXPECT_EQ(e.mark().column, 10);
    EXPECT_EQ(fs::path(e.mark().file).filename(), "wind.yaml");
  }
}

TEST_F(ConfigTest, WrongTypes) {
  EXPECT_EQ(errorOf("server: 5\n"), "DIR/wind.yaml:1:9: server: expected a map, got a scalar");
  EXPECT_EQ(errorOf("server:\n  node_id: [1]\n"),
            "DIR/wind.yaml:2:12: server.node_id: expected a scalar, got a list");
  EXPECT_EQ(errorOf("server:\n  node_id: abc\n"),
            "DIR/wind.yaml:2:12: server.node_id: expected an integer in 0..1023, got 'abc'");
  EXPECT_EQ(errorOf("auth:\n  email_verification: maybe\n"),
            "DIR/wind.yaml:2:23: auth.email_verification: expected true or false, got 'maybe'");
  EXPECT_EQ(errorOf("- a\n- b\n"), "DIR/wind.yaml:1:1: expected a map of sections, got a list");
  EXPECT_EQ(errorOf("plugin_dirs: /x\n"),
            "DIR/wind.yaml:1:14: plugin_dirs: expected a list of directories, got a scalar");
  EXPECT_EQ(errorOf("plugin_dirs: [a, {b: c}]\n"),
            "DIR/wind.yaml:1:18: plugin_dirs[1]: expected a non-empty directory name");
  EXPECT_EQ(errorOf("server:\n  public_url: ftp://x\n"),
            "DIR/wind.yaml:2:15: server.public_url: expected an http:// or https:// URL, got "
            "'ftp://x'");
  EXPECT_EQ(errorOf("storage:\n  path: \"\"\n"),
            "DIR/wind.yaml:2:9: storage.path: must not be empty");
}

TEST_F(ConfigTest, OutOfRange) {
  EXPECT_EQ(errorOf("server:\n  node_id: 1024\n"),
            "DIR/wind.yaml:2:12: server.node_id: expected an integer in 0..1023, got '1024'");
  EXPECT_EQ(errorOf("server:\n  node_id: -1\n"),
            "DIR/wind.yaml:2:12: server.node_id: expected an integer in 0..1023, got '-1'");
  EXPECT_EQ(errorOf("email:\n  smtp:\n    port: 0\n"),
            "DIR/wind.yaml:3:11: email.smtp.port: expected an integer in 1..65535, got '0'");
  EXPECT_EQ(errorOf("email:\n  smtp:\n    port: 65536\n"),
            "DIR/wind.yaml:3:11: email.smtp.port: expected an integer in 1..65535, got '65536'");
  for (const std::string key :
       {"server.max_connections", "server.http_threads", "server.max_body_bytes",
        "websocket.max_frame_bytes", "websocket.outbound_queue_bytes",
        "websocket.frames_per_second", "websocket.frames_burst", "auth.password_min_length"}) {
    const auto dot = key.find('.');
    const std::string error = errorOf(key.substr(0, dot) + ":\n  " + key.substr(dot + 1) + ": 0\n");
    EXPECT_NE(error.find(key + ": expected an integer in 1.."), std::string::npos) << error;
  }
}

TEST_F(ConfigTest, BadDurations) {
  EXPECT_EQ(errorOf("auth:\n  token_ttl: 40x\n"),
            "DIR/wind.yaml:2:14: auth.token_ttl: bad duration: expected a number and a unit "
            "(us, ms, s, m, h, d), got '40x'");
  EXPECT_EQ(errorOf("auth:\n  token_ttl: 1500ms\n"),
            "DIR/wind.yaml:2:14: auth.token_ttl: not a whole number of s: expected a duration "
            "from 1s to 315360000s, got '1500ms'");
  EXPECT_EQ(errorOf("websocket:\n  heartbeat_interval: 0s\n"),
            "DIR/wind.yaml:2:23: websocket.heartbeat_interval: expected a duration from 1ms to "
            "86400000ms, got '0s'");
  EXPECT_EQ(errorOf("websocket:\n  heartbeat_grace: 500us\n").find("not a whole number of ms"),
            std::string("DIR/wind.yaml:2:20: websocket.heartbeat_grace: ").size());
}

TEST_F(ConfigTest, BadEnums) {
  EXPECT_EQ(errorOf("storage:\n  synchronous: off\n"),
            "DIR/wind.yaml:2:16: storage.synchronous: expected full | normal, got 'off'");
  EXPECT_EQ(errorOf("storage:\n  driver: mysql\n"),
            "DIR/wind.yaml:2:11: storage.driver: expected sqlite | postgresql, got 'mysql'");
  EXPECT_EQ(errorOf("storage:\n  readers: 0\n"),
            "DIR/wind.yaml:2:12: storage.readers: expected an integer in 1..64, got '0'");
  EXPECT_EQ(errorOf("email:\n  transport: pigeon\n"),
            "DIR/wind.yaml:2:14: email.transport: expected file | smtp | log, got 'pigeon'");
  EXPECT_EQ(errorOf("log:\n  level: verbose\n"),
            "DIR/wind.yaml:2:10: log.level: expected trace | debug | info | warn | error, got "
            "'verbose'");
  EXPECT_EQ(errorOf("log:\n  format: xml\n"),
            "DIR/wind.yaml:2:11: log.format: expected text | json, got 'xml'");
}

TEST_F(ConfigTest, BadYamlSyntaxHasLineAndColumn) {
  EXPECT_EQ(errorOf("server:\n  node_id: 1\n  workers: 2: 3\n"),
            "DIR/wind.yaml:3:13: illegal map value");  // at the second ":"
  EXPECT_EQ(errorOf("server:\n  listen: [1, 2\n"),
            "DIR/wind.yaml:3:1: end of sequence flow not found");
}

TEST_F(ConfigTest, DuplicateKeyIsRejected) {
  EXPECT_EQ(errorOf("server:\n  node_id: 1\n  node_id: 2\n"),
            "DIR/wind.yaml:3:3: server.node_id: duplicate key");
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  EXPECT_EQ(errorOfFile((fs::temp_directory_path() / "wind-config-missing" / "x.yaml").string()),
            "DIR/x.yaml:0:0: cannot read the file");
  const std::string file = dir_.write("sub/wind.yaml", "");
  EXPECT_EQ(errorOfFile(fs::path(file).parent_path().string()),
            "DIR/sub:0:0: is a directory, not a file");
}

// ---- plugins ----

TEST_F(ConfigTest, PluginsKeepOrderSettingsAndMarks) {
  const Config config = loadText(
      "plugins:\n"
      "  heartbeat: {}\n"
      "  chat:\n"
      "    max_length: 4000\n"
      "    dm_policy: friends\n"
      "  load: { max_count: 100 }\n"
      "  mutual_users:\n");
  ASSERT_EQ(config.plugins.size(), 4U);
  EXPECT_EQ(config.plugins[0].name, "heartbeat");
  EXPECT_TRUE(config.plugins[0].settings.empty());
  EXPECT_EQ(config.plugins[1].name, "chat");
  EXPECT_EQ(config.plugins[1].mark.line, 3);
  EXPECT_EQ(config.plugins[1].mark.column, 3);
  ASSERT_EQ(config.plugins[1].settings.size(), 2U);
  EXPECT_EQ(config.plugins[1].settings[0].key, "max_length");
  EXPECT_EQ(config.plugins[1].settings[0].value, "4000");
  EXPECT_EQ(config.plugins[1].settings[0].mark.line, 4);
  EXPECT_EQ(config.plugins[1].settings[0].mark.column, 17);
  EXPECT_EQ(config.plugins[1].settings[1].key, "dm_policy");
  EXPECT_EQ(config.plugins[1].settings[1].value, "friends");
  EXPECT_EQ(config.plugins[2].name, "load");
  ASSERT_EQ(config.plugins[2].settings.size(), 1U);
  EXPECT_EQ(config.plugins[2].settings[0].value, "100");
  EXPECT_EQ(config.plugins[3].name, "mutual_users");
  EXPECT_TRUE(config.plugins[3].settings.empty());
}

TEST_F(ConfigTest, EmptySectionsAndListsAreAllowed) {
  const Config config = loadText("server:\nplugin_dirs:\nplugins:\n");
  EXPECT_EQ(config.server, defaults().server);
  EXPECT_TRUE(config.pluginDirs.empty());
  EXPECT_TRUE(config.plugins.empty());
  EXPECT_EQ(errorOf("plugins:\n  \"\": {}\n"),
            "DIR/wind.yaml:2:3: plugins.: a plugin name must not be empty");
}

TEST_F(ConfigTest, BadPluginShapes) {
  EXPECT_EQ(errorOf("plugins: [chat]\n"),
            "DIR/wind.yaml:1:10: plugins: expected a map keyed by plugin name, got a list");
  EXPECT_EQ(errorOf("plugins:\n  chat: 5\n"),
            "DIR/wind.yaml:2:9: plugins.chat: expected a map of settings, got a scalar");
  EXPECT_EQ(errorOf("plugins:\n  chat: { max_length: [1] }\n"),
            "DIR/wind.yaml:2:23: plugins.chat.max_length: expected a scalar, got a list");
  EXPECT_EQ(errorOf("plugins:\n  chat: {}\n  chat: {}\n"),
            "DIR/wind.yaml:3:3: plugins.chat: duplicate key");
}

// ---- conf.d ----

TEST_F(ConfigTest, ConfDMergesInNameOrder) {
  const std::string main = dir_.write("wind.yaml",
                                      "server: { node_id: 1, workers: 7 }\n"
                                      "plugin_dirs: [main]\n"
                                      "plugins:\n"
                                      "  heartbeat: {}\n"
                                      "  chat: { max_length: 4000, dm_policy: friends }\n");
  // Written out of order: the names, not the creation order, decide.
  dir_.write("conf.d/20-b.yaml",
             "server: { node_id: 3 }\n"
             "plugins:\n"
             "  chat: { max_length: 10 }\n"
             "  load: { max_count: 5 }\n");
  dir_.write("conf.d/10-a.yaml", "server: { node_id: 2 }\nplugin_dirs: [a1, a2]\n");
  dir_.write("conf.d/30-ignored.yml", "bogus: 1\n");
  dir_.write("conf.d/.hidden.yaml", "bogus: 1\n");
  const Config config = load(main, {});
  EXPECT_EQ(config.server.nodeId, 3U);
  EXPECT_EQ(config.server.workers, 7U);
  EXPECT_EQ(config.pluginDirs, (std::vector<std::string>{"a1", "a2"}));
  ASSERT_EQ(config.plugins.size(), 3U);
  EXPECT_EQ(config.plugins[0].name, "heartbeat");
  EXPECT_EQ(config.plugins[1].name, "chat");
  EXPECT_EQ(fs::path(config.plugins[1].mark.file).filename(), "wind.yaml");
  ASSERT_EQ(config.plugins[1].settings.size(), 2U);
  EXPECT_EQ(config.plugins[1].settings[0].key, "max_length");
  EXPECT_EQ(config.plugins[1].settings[0].value, "10");
  EXPECT_EQ(fs::path(config.plugins[1].settings[0].mark.file).filename(), "20-b.yaml");
  EXPECT_EQ(config.plugins[1].settings[1].value, "friends");
  EXPECT_EQ(config.plugins[2].name, "load");
  EXPECT_EQ(config.plugins[2].settings.at(0).value, "5");
}

TEST_F(ConfigTest, ConfDErrorNamesTheConfDFile) {
  const std::string main = dir_.write("wind.yaml", "server: { node_id: 1 }\n");
  dir_.write("conf.d/10-a.yaml", "server: { node_id: 2 }\n");
  dir_.write("conf.d/20-b.yaml", "log:\n  levle: debug\n");
  EXPECT_EQ(errorOfFile(main), "DIR/conf.d/20-b.yaml:2:3: log.levle: unknown key");
  dir_.write("conf.d/20-b.yaml", "log: [\n");
  EXPECT_EQ(errorOfFile(main).rfind("DIR/conf.d/20-b.yaml:2:1: ", 0), 0U);
}

// ---- environment ----

TEST_F(ConfigTest, EnvironmentOverridesFilesAndConfD) {
  const std::string main = dir_.write("wind.yaml",
                                      "server: { listen: \"0.0.0.0:80\" }\n"
                                      "plugins: { chat: { max_length: 4000 } }\n");
  dir_.write("conf.d/10.yaml", "storage: { path: confd.db }\n");
  const Config config = load(main, {{"WIND_SERVER__LISTEN", "127.0.0.1:0"},
                                    {"WIND_STORAGE__PATH", "env.db"},
                                    {"WIND_AUTH__TOKEN_TTL", "2s"},
                                    {"WIND_WEBSOCKET__HEARTBEAT_INTERVAL", "150ms"},
                                    {"WIND_EMAIL__SMTP__PORT", "2525"},
                                    {"WIND_PLUGINS__CHAT__MAX_LENGTH", "20"},
                                    {"WIND_PLUGINS__CHAT__DM_POLICY", "anyone"},
                                    {"WIND_TEST_BINARY", "ignored: no double underscore"},
                                    {"PATH", "/bin"}});
  EXPECT_EQ(config.server.listenHost, "127.0.0.1");
  EXPECT_EQ(config.server.listenPort, 0);
  EXPECT_EQ(config.storage.path, "env.db");
  EXPECT_EQ(config.auth.tokenTtl, 2s);
  EXPECT_EQ(config.websocket.heartbeatInterval, 150ms);
  EXPECT_EQ(config.email.smtp.port, 2525);
  ASSERT_EQ(config.plugins.size(), 1U);
  ASSERT_EQ(config.plugins[0].settings.size(), 2U);
  EXPECT_EQ(config.plugins[0].settings[0].value, "20");
  EXPECT_EQ(config.plugins[0].settings[0].mark.file, "env:WIND_PLUGINS__CHAT__MAX_LENGTH");
  EXPECT_EQ(config.plugins[0].settings[1].key, "dm_policy");
}

TEST_F(ConfigTest, EnvironmentErrorsNameTheVariable) {
  EXPECT_EQ(errorOf("", {{"WIND_SERVER__BOGUS", "1"}}),
            "env:WIND_SERVER__BOGUS:0:0: server.bogus: unknown setting");
  EXPECT_EQ(errorOf("", {{"WIND_NOPE__LISTEN", "1"}}),
            "env:WIND_NOPE__LISTEN:0:0: nope.listen: unknown setting");
  EXPECT_EQ(errorOf("", {{"WIND_SERVER__NODE_ID", "2000"}}),
            "env:WIND_SERVER__NODE_ID:0:0: server.node_id: expected an integer in 0..1023, got "
            "'2000'");
  EXPECT_EQ(errorOf("", {{"WIND_SERVER__LISTEN", "nowhere"}}),
            "env:WIND_SERVER__LISTEN:0:0: server.listen: expected host:port (no port), got "
            "'nowhere'");
  EXPECT_EQ(errorOf("", {{"WIND_EMAIL__SMTP", "x"}}),
            "env:WIND_EMAIL__SMTP:0:0: email.smtp: not a scalar setting");
  EXPECT_EQ(errorOf("", {{"WIND_PLUGINS__CHAT__MAX_LENGTH", "1"}}),
            "env:WIND_PLUGINS__CHAT__MAX_LENGTH:0:0: plugins.chat.max_length: plugin is not "
            "listed");
  EXPECT_EQ(errorOf("", {{"WIND_SERVER____LISTEN", "x"}}),
            "env:WIND_SERVER____LISTEN:0:0: server..listen: unknown setting");
}

TEST(ProcessEnvironment, SeesTheProcessVariables) {
  ASSERT_EQ(setenv("WIND_CONFIG_TEST_PROBE", "value=with=equals", 1), 0);
  const Environment env = processEnvironment();
  unsetenv("WIND_CONFIG_TEST_PROBE");
  ASSERT_EQ(env.count("WIND_CONFIG_TEST_PROBE"), 1U);
  EXPECT_EQ(env.at("WIND_CONFIG_TEST_PROBE"), "value=with=equals");
}

// ---- the shipped files ----

TEST(ShippedConfig, PackagedDefaultLoads) {
  const Config config = load(WIND_CONFIG_SOURCE_DIR "/wind.yaml", {});
  EXPECT_EQ(config.server.listenHost, "0.0.0.0");
  EXPECT_EQ(config.storage.path, "/var/lib/wind/wind.db");
  // Only heartbeat (shipped in wind-server): the wind-plugins package adds the
  // others through conf.d/50-wind-plugins.yaml (docs/packaging.md).
  ASSERT_EQ(config.plugins.size(), 1U);
  EXPECT_EQ(config.plugins[0].name, "heartbeat");
  EXPECT_EQ(config.pluginDirs, defaults().pluginDirs);
}

TEST(ShippedConfig, ExampleLoadsWithPluginSettings) {
  const Config config = load(WIND_CONFIG_SOURCE_DIR "/wind.example.yaml", {});
  ASSERT_EQ(config.plugins.size(), 4U);
  EXPECT_EQ(config.plugins[2].name, "chat");
  ASSERT_EQ(config.plugins[2].settings.size(), 2U);
  EXPECT_EQ(config.plugins[2].settings[1].value, "friends");
  Config expected = defaults();
  expected.pluginDirs = config.pluginDirs;
  expected.plugins = config.plugins;
  EXPECT_EQ(config, expected);  // every other value is the documented default
}

TEST(ShippedConfig, DevConfigUsesLocalPaths) {
  const Config config = load(WIND_CONFIG_SOURCE_DIR "/dev.yaml", {});
  EXPECT_EQ(config.server.listenHost, "127.0.0.1");
  EXPECT_EQ(config.server.listenPort, 8080);
  EXPECT_EQ(config.server.publicUrl, "http://127.0.0.1:8080");
  EXPECT_EQ(config.storage.path, "data/wind.db");
  EXPECT_EQ(config.server.webRoot, "web");  // the web client from the source tree
  EXPECT_EQ(config.email.transport, MailTransport::file);
  EXPECT_EQ(config.email.outbox, "data/outbox");
  EXPECT_EQ(config.pluginDirs, (std::vector<std::string>{"build/dev/plugins-out"}));
  EXPECT_EQ(config.log.level, LogLevel::info);
  EXPECT_EQ(config.plugins.size(), 4U);
}

TEST_F(ConfigTest, AdminSocketAndMetricsListen) {
  EXPECT_EQ(defaults().admin.socket, "/run/wind/admin.sock");
  EXPECT_EQ(defaults().metrics.listen, "");
  const Config config =
      loadText("admin:\n  socket: \"\"\nmetrics:\n  listen: \"127.0.0.1:9100\"\n");
  EXPECT_EQ(config.admin.socket, "");
  EXPECT_EQ(config.metrics.listen, "127.0.0.1:9100");
  EXPECT_NE(errorOf("metrics:\n  listen: \"nowhere\"\n").find("metrics.listen"), std::string::npos);
}

TEST_F(ConfigTest, ClusterBusIsARedisUrlOrEmpty) {
  EXPECT_EQ(defaults().cluster.bus, "");
  EXPECT_EQ(defaults().cluster.ttl, std::chrono::milliseconds(15000));
  const Config config = loadText("cluster:\n  bus: \"redis://10.0.0.5:6379\"\n  ttl: 30s\n");
  EXPECT_EQ(config.cluster.bus, "redis://10.0.0.5:6379");
  EXPECT_EQ(config.cluster.ttl, std::chrono::milliseconds(30000));
  EXPECT_EQ(loadText("", {{"WIND_CLUSTER__BUS", "redis://[::1]:6380/"}}).cluster.bus,
            "redis://[::1]:6380/");
  for (const char* bad :
       {"redis://nohost", "http://h:1", "redis://user:pw@h:1", "redis://h:1/2", "h:6379"}) {
    const std::string error = errorOf(std::string("cluster:\n  bus: \"") + bad + "\"\n");
    EXPECT_NE(error.find(":2:8: cluster.bus: expected \"\" or redis://host:port"),
              std::string::npos)
        << error;
  }
  EXPECT_NE(errorOf("cluster:\n  ttl: 10ms\n").find("cluster.ttl"), std::string::npos);
  EXPECT_NE(errorOf("cluster:\n  bsu: \"\"\n").find("cluster.bsu"), std::string::npos);
  EXPECT_NE(defaultYaml().find("cluster:\n  bus: \"\""), std::string::npos);
}

}  // namespace
}  // namespace wind::config
