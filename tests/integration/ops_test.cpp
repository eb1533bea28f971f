// Operating WIND (issue 10) against the real server: /metrics parsed as
// Prometheus text, every windctl command over the admin socket, SIGHUP
// reload, log hygiene, sd_notify, and an online backup restored offline.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "fixture.h"
#include "frames.h"
#include "metrics.h"

namespace wind::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Every histogram's buckets grow with le and end in +Inf == _count.
void expectConsistentHistograms(const Exposition& e) {
  static const std::regex bucket(R"re((.*)_bucket\{(.*)le="([^"]+)"(.*)\})re");
  std::map<std::string, std::vector<std::pair<double, double>>> byBase;
  std::map<std::string, std::string> countSeries;
  for (const auto& [series, value] : e.samples) {
    std::smatch m;
    if (!std::regex_match(series, m, bucket)) continue;
    std::string rest = std::string(m[2]) + std::string(m[4]);
    if (!rest.empty() && rest.front() == ',') rest.erase(0, 1);
    if (!rest.empty() && rest.back() == ',') rest.pop_back();
    const std::string base = std::string(m[1]) + "{" + rest + "}";
    const double le = m[3] == "+Inf" ? INFINITY : std::stod(m[3]);
    byBase[base].emplace_back(le, value);
    countSeries[base] = std::string(m[1]) + "_count" + (rest.empty() ? "" : "{" + rest + "}");
  }
  EXPECT_FALSE(byBase.empty());
  for (auto& [base, buckets] : byBase) {
    std::sort(buckets.begin(), buckets.end());
    for (std::size_t i = 1; i < buckets.size(); ++i)
      EXPECT_GE(buckets[i].second, buckets[i - 1].second) << base;
    EXPECT_TRUE(std::isinf(buckets.back().first)) << base;
    EXPECT_EQ(buckets.back().second, e.value(countSeries[base])) << base;
  }
}

// ---- helpers ----------------------------------------------------------------

struct ToolResult {
  int status = -1;
  std::string output;  // stdout and stderr
};

std::string quoted(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

ToolResult windctl(const ServerProcess& server, const std::vector<std::string>& args) {
  std::string command = std::string(WINDCTL_BIN) + " -c " + quoted(server.configPath().string());
  for (const auto& arg : args) command += " " + quoted(arg);
  command += " 2>&1";
  ToolResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Waits up to 10 s for `pattern` to appear in the server log after `from` bytes.
bool waitForLog(const ServerProcess& server, const std::string& pattern, std::size_t from = 0) {
  for (int i = 0; i < 500; ++i) {
    const std::string log = server.log();
    if (log.size() > from && log.find(pattern, from) != std::string::npos) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

void replaceInFile(const fs::path& path, const std::string& from, const std::string& to) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  const auto at = content.find(from);
  ASSERT_NE(at, std::string::npos) << from << " not in " << path;
  content.replace(at, from.size(), to);
  std::ofstream(path, std::ios::trunc) << content;
}

// Waits for the chat message with `content` on `socket`; returns its id.
std::string awaitChat(Ws& socket, const std::string& content) {
  for (;;) {
    auto frame = socket.expectJson();
    if (frame->optValue<std::string>("type", "") != "chat") continue;
    auto payload = frame->getObject("payload");
    if (payload->optValue<std::string>("content", "") == content)
      return payload->getValue<std::string>("id");
  }
}

// Sends one DM and waits for the sender's own copy: by then it is committed.
std::string sendCommitted(Ws& socket, const std::string& room, const std::string& content) {
  socket.send(sendFrame(room, content));
  return awaitChat(socket, content);
}

// ---- /metrics -----------------------------------------------------------------

class Metrics : public ServerTest {};

TEST_F(Metrics, ParsesAsPrometheusTextAndCountersMoveWithTraffic) {
  const auto before = parsePrometheus(http().get("/metrics").body);
  EXPECT_EQ(before.types.at("wind_connections_open"), "gauge");
  EXPECT_EQ(before.types.at("wind_handler_seconds"), "histogram");
  EXPECT_EQ(before.types.at("wind_login_attempts_total"), "counter");
  EXPECT_EQ(before.types.at("wind_outbound_backlog_bytes"), "gauge");
  EXPECT_EQ(before.value("wind_outbound_backlog_bytes"), 0);

  auto alice = createUser("alice");
  auto bob = createUser("bob");
  EXPECT_EQ(login(alice.email, "not the password").status, 401);
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  befriend(alice, *a, bob, *b);
  sendCommitted(*a, roomOf(alice, bob), "hello");
  // The two copies leave from different event loops after the commit: wait
  // for bob's too before counting frames out.
  awaitChat(*b, "hello");
  a->send(R"({"type":"no_such_type","payload":{}})");
  a->expectError(4000);

  const auto after = parsePrometheus(http().get("/metrics").body);
  // At least a's and b's (createUser's own sockets may still be closing).
  EXPECT_GE(after.value("wind_connections_open"), 2);
  EXPECT_GE(after.value("wind_connections_authenticated"), 2);
  EXPECT_EQ(after.value(R"(wind_login_attempts_total{outcome="success"})") -
                before.value(R"(wind_login_attempts_total{outcome="success"})"),
            2);
  EXPECT_EQ(after.value(R"(wind_login_attempts_total{outcome="wrong_credentials"})") -
                before.value(R"(wind_login_attempts_total{outcome="wrong_credentials"})"),
            1);
  EXPECT_GE(after.value(R"(wind_frames_in_total{type="heartbeat"})"), 2);
  EXPECT_GE(after.value(R"(wind_frames_in_total{type="auth"})"), 2);
  EXPECT_GE(after.value(R"(wind_frames_in_total{type="chat"})"), 1);
  EXPECT_GE(after.value(R"(wind_frames_in_total{type="unknown"})"), 1);
  EXPECT_GE(after.value(R"(wind_frames_out_total{type="chat"})"),
            2);  // alice's echo and bob's copy
  EXPECT_GE(after.value(R"(wind_errors_total{code="4000"})"), 1);
  EXPECT_GT(after.value(R"(wind_handler_seconds_count{plugin="chat",type="chat"})"),
            before.value(R"(wind_handler_seconds_count{plugin="chat",type="chat"})"));
  EXPECT_GT(after.value("wind_storage_commit_seconds_count"),
            before.value("wind_storage_commit_seconds_count"));
  EXPECT_GT(after.value("wind_storage_batch_statements_sum"),
            before.value("wind_storage_batch_statements_sum"));
  EXPECT_EQ(after.value(R"(wind_plugin_messages_sent_total{plugin="chat"})"), 1);
  // A plugin histogram (sdk::Host::histogram): chat times the storage write of each send.
  EXPECT_EQ(before.types.at("wind_plugin_send_write_seconds"), "histogram");
  EXPECT_EQ(before.value(R"(wind_plugin_send_write_seconds_count{plugin="chat"})"), 0);
  EXPECT_EQ(after.value(R"(wind_plugin_send_write_seconds_count{plugin="chat"})"), 1);
  expectConsistentHistograms(after);

  // A server-initiated close is counted by code.
  const auto revoke = windctl(*server_, {"tokens", "revoke", "--user", "bob"});
  EXPECT_EQ(revoke.status, 0) << revoke.output;
  b->expectClose(4002);
  EXPECT_EQ(parsePrometheus(http().get("/metrics").body).value(R"(wind_closes_total{code="4002"})"),
            1);

  // Closes the gateway starts on its own (a message over the limit: 1009)
  // are counted too, and only once.
  auto oversize = ws();
  oversize->send(R"({"type":"heartbeat","payload":")" + std::string(70000, 'x') + R"("})");
  oversize->expectClose(1009);
  EXPECT_EQ(parsePrometheus(http().get("/metrics").body).value(R"(wind_closes_total{code="1009"})"),
            1);
}

class SeparateMetrics : public ServerTest {
  std::string extraConfig() const override { return "metrics:\n  listen: \"127.0.0.1:0\"\n"; }
};

TEST_F(SeparateMetrics, MetricsListenMovesMetricsOffThePublicListener) {
  EXPECT_EQ(http().get("/metrics").status, 404);
  std::smatch m;
  const std::string log = server_->log();
  ASSERT_TRUE(std::regex_search(log, m, std::regex("metrics on http://127.0.0.1:([0-9]+)/metrics")))
      << log;
  const auto result = Http(static_cast<std::uint16_t>(std::stoi(m[1]))).get("/metrics");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(parsePrometheus(result.body).types.at("wind_connections_open"), "gauge");
}

// ---- windctl ------------------------------------------------------------------

class Windctl : public ServerTest {};

TEST_F(Windctl, StatusAndPluginsList) {
  auto alice = createUser("alice");
  auto socket = connectAs(alice);
  const auto status = windctl(*server_, {"status"});
  EXPECT_EQ(status.status, 0) << status.output;
  EXPECT_NE(status.output.find("wind-server "), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("SDK ABI "), std::string::npos) << status.output;
  EXPECT_NE(status.output.find("1 open, 1 authenticated"), std::string::npos) << status.output;
  for (const char* plugin : {"heartbeat", "mutual_users", "chat", "load"}) {
    EXPECT_NE(status.output.find(plugin), std::string::npos) << status.output;
  }
  std::cout << "windctl status:\n" << status.output;

  const auto json = windctl(*server_, {"--json", "plugins", "list"});
  EXPECT_EQ(json.status, 0) << json.output;
  const auto plugins = parseObject(json.output)->getObject("result")->getArray("plugins");
  ASSERT_EQ(plugins->size(), 4u);
  EXPECT_EQ(plugins->getObject(2)->getValue<std::string>("name"), "chat");
  EXPECT_EQ(plugins->getObject(2)->getArray("types")->getElement<std::string>(0), "chat");
}

TEST_F(Windctl, UsersListShowDisableEnable) {
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto socket = connectAs(bob);

  const auto list = windctl(*server_, {"users", "list"});
  EXPECT_EQ(list.status, 0) << list.output;
  EXPECT_NE(list.output.find("alice@example.com"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("bob@example.com"), std::string::npos) << list.output;

  const auto show = windctl(*server_, {"--json", "users", "show", "Bob"});
  EXPECT_EQ(show.status, 0) << show.output;
  auto shown = parseObject(show.output)->getObject("result");
  EXPECT_EQ(shown->getValue<std::string>("id"), bob.id);
  EXPECT_EQ(shown->getValue<int>("active_tokens"), 1);
  EXPECT_EQ(windctl(*server_, {"users", "show", alice.id}).status, 0);
  EXPECT_EQ(windctl(*server_, {"users", "show", "nobody"}).status, 1);

  const auto disable = windctl(*server_, {"users", "disable", "bob"});
  EXPECT_EQ(disable.status, 0) << disable.output;
  EXPECT_NE(disable.output.find("1 tokens revoked"), std::string::npos) << disable.output;
  socket->expectClose(4002);
  EXPECT_EQ(login(bob.email, bob.password).status, 403);
  Ws again(server_->port());
  again.send(R"({"type":"heartbeat","payload":{}})");
  again.expectType("heartbeat");
  again.send(R"({"type":"auth","payload":{"auth":")" + bob.token + "\"}}");
  again.expectError(4002);

  EXPECT_EQ(windctl(*server_, {"users", "enable", "bob"}).status, 0);
  EXPECT_EQ(login(bob.email, bob.password).status, 201);
  EXPECT_EQ(login(alice.email, alice.password).status, 201);  // never touched
}

TEST_F(Windctl, TokensRevokeClosesEverySocketOfTheUser) {
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto a1 = connectAs(alice);
  auto a2 = connectAs(alice);
  auto b = connectAs(bob);
  const auto revoke = windctl(*server_, {"tokens", "revoke", "--user", "alice"});
  EXPECT_EQ(revoke.status, 0) << revoke.output;
  a1->expectClose(4002);
  a2->expectClose(4002);
  b->send(R"({"type":"heartbeat","payload":{}})");
  b->expectType("heartbeat");  // bob keeps his connection
  EXPECT_EQ(Http(server_->port())
                .post("/api/v1/auth/logout", "", "application/x-www-form-urlencoded",
                      {{"Authorization", "Bearer " + alice.token}})
                .status,
            401);
}

TEST_F(Windctl, ConfigCheckValidatesYamlAndPlugins) {
  const auto ok = windctl(*server_, {"config", "check"});
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("plugin chat"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("configuration OK"), std::string::npos) << ok.output;

  const fs::path broken = server_->dir() / "broken.yaml";
  std::ofstream(broken) << "server:\n  listen: [\n";
  EXPECT_EQ(windctl(*server_, {"config", "check", broken.string()}).status, 78);

  const fs::path missingPlugin = server_->dir() / "missing-plugin.yaml";
  fs::copy_file(server_->configPath(), missingPlugin);
  replaceInFile(missingPlugin, "plugins:\n", "plugins:\n  no_such_plugin: {}\n");
  const auto missing = windctl(*server_, {"config", "check", missingPlugin.string()});
  EXPECT_EQ(missing.status, 78) << missing.output;
  EXPECT_NE(missing.output.find("no_such_plugin.so not found"), std::string::npos)
      << missing.output;

  const fs::path badSetting = server_->dir() / "bad-setting.yaml";
  fs::copy_file(server_->configPath(), badSetting);
  replaceInFile(badSetting, "  chat: {}", "  chat: { no_such_setting: 1 }");
  const auto bad = windctl(*server_, {"config", "check", badSetting.string()});
  EXPECT_EQ(bad.status, 78) << bad.output;
  EXPECT_NE(bad.output.find("no_such_setting"), std::string::npos) << bad.output;
}

TEST_F(Windctl, BackupReloadRestoreAndErrors) {
  if (storageIsPostgres())
    GTEST_SKIP() << "SQLite only: windctl backup copies the SQLite file; PostgreSQL is backed up "
                    "with pg_dump";
  createUser("alice");
  const fs::path backup = server_->dir() / "backup.db";
  const auto made = windctl(*server_, {"backup", backup.string()});
  EXPECT_EQ(made.status, 0) << made.output;
  EXPECT_TRUE(fs::exists(backup));
  EXPECT_EQ(windctl(*server_, {"backup", backup.string()}).status, 1);  // never overwrites

  const auto reload = windctl(*server_, {"reload"});
  EXPECT_EQ(reload.status, 0) << reload.output;
  EXPECT_NE(reload.output.find("reloaded"), std::string::npos);

  const auto restore = windctl(*server_, {"restore", backup.string()});
  EXPECT_EQ(restore.status, 1) << restore.output;
  EXPECT_NE(restore.output.find("stop it before a restore"), std::string::npos) << restore.output;

  EXPECT_EQ(windctl(*server_, {"frobnicate"}).status, 64);
  EXPECT_EQ(
      windctl(*server_, {"--socket", (server_->dir() / "nope.sock").string(), "status"}).status,
      69);
}

// ---- reload -----------------------------------------------------------------

class Reload : public ServerTest {
  std::string extraConfig() const override {
    return "server:\n  listen: \"127.0.0.1:0\"\n  public_url: \"http://127.0.0.1\"\n  "
           "max_connections: 4\n"
           "auth:\n  email_verification: true\n  login_attempts_per_minute: 100\n"
           "websocket:\n  frames_per_second: 1000\n  frames_burst: 1000\n";
  }
};

// Sends `count` frames of a type no plugin owns and counts the 4029 answers
// among their replies (the others are "unknown type" errors).
int rateLimitedAnswers(Ws& socket, int count) {
  for (int i = 0; i < count; ++i) {
    socket.send(R"({"type":"no_such_type","payload":1,"nonce":"f)" + std::to_string(i) + "\"}");
  }
  int limited = 0;
  for (int i = 0; i < count; ++i) {
    auto frame = socket.expectJson();
    EXPECT_EQ(frame->optValue<std::string>("type", ""), "error");
    limited += frame->getObject("payload")->optValue<int>("code", 0) == 4029;
  }
  return limited;
}

TEST_F(Reload, SighupAppliesNewLimitsWithoutDroppingConnections) {
  auto alice = createUser("alice");
  auto s1 = connectAs(alice);
  auto s2 = connectAs(alice);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(alice.email, "wrong").status, 401);

  replaceInFile(server_->configPath(), "login_attempts_per_minute: 100",
                "login_attempts_per_minute: 3");
  replaceInFile(server_->configPath(), "max_connections: 4", "max_connections: 3");
  replaceInFile(server_->configPath(), "frames_per_second: 1000", "frames_per_second: 1");
  replaceInFile(server_->configPath(), "frames_burst: 1000", "frames_burst: 2");
  const std::size_t mark = server_->log().size();
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(*server_,
                         "reload: applied [auth.login_attempts_per_minute, server.max_connections, "
                         "websocket.frames_per_second, websocket.frames_burst]",
                         mark))
      << server_->log();

  // Three failures are already within the minute: the fourth attempt is refused.
  EXPECT_EQ(login(alice.email, "wrong").status, 429);
  // A socket opened now gets burst 2 at 1/s (its auth frame took one token),
  // so a flood of five is refused in part; the sockets opened before keep
  // burst 1000 and see no refusal.
  auto s3 = connectAs(alice);
  EXPECT_GT(rateLimitedAnswers(*s3, 5), 0);
  EXPECT_EQ(rateLimitedAnswers(*s1, 5), 0);
  // Three sockets are open: a fourth is now over the limit, and all stay.
  EXPECT_THROW(Ws(server_->port()), std::exception);
  for (auto* s : {s1.get(), s2.get(), s3.get()}) {
    s->send(R"({"type":"heartbeat","payload":{}})");
    s->expectType("heartbeat");
  }
}

TEST_F(Reload, BrokenConfigurationIsRejectedAndTheServerKeepsRunning) {
  auto alice = createUser("alice");
  auto socket = connectAs(alice);
  replaceInFile(server_->configPath(), "listen: \"127.0.0.1:0\"",
                "listen: \"127.0.0.1:0\"\n  max_connections: many");
  const std::size_t mark = server_->log().size();
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(*server_, "configuration rejected, keeping the old one", mark))
      << server_->log();
  EXPECT_TRUE(server_->running());
  socket->send(R"({"type":"heartbeat","payload":{}})");
  socket->expectType("heartbeat");
  EXPECT_EQ(http().get("/healthz").status, 200);

  // windctl cannot read the broken file either, so it is told the socket.
  const auto viaWindctl =
      windctl(*server_, {"--socket", (server_->dir() / "admin.sock").string(), "reload"});
  EXPECT_EQ(viaWindctl.status, 1) << viaWindctl.output;
  EXPECT_NE(viaWindctl.output.find("max_connections"), std::string::npos) << viaWindctl.output;
}

// A plugin setting declared reloadable (chat's max_length) applies at once;
// another (dm_policy) waits for a restart; an invalid one rejects the reload.
class ReloadPlugins : public ServerTest {
  std::string extraConfig() const override {
    return "plugins:\n  heartbeat: {}\n  mutual_users: {}\n  chat:\n    max_length: 10\n  load: "
           "{}\n";
  }
};

TEST_F(ReloadPlugins, ReloadablePluginSettingAppliesAtOnce) {
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  befriend(alice, *a, bob, *b);
  const std::string room = roomOf(alice, bob);
  sendCommitted(*a, room, "12345678");

  replaceInFile(server_->configPath(), "max_length: 10", "max_length: 5");
  std::size_t mark = server_->log().size();
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(*server_, "reload: applied [plugins.chat.max_length]", mark))
      << server_->log();
  a->send(sendFrame(room, "12345678"));
  a->expectError(4013);
  sendCommitted(*a, room, "12345");

  replaceInFile(server_->configPath(), "max_length: 5", "max_length: 5\n    dm_policy: anyone");
  const auto restart = windctl(*server_, {"reload"});
  EXPECT_EQ(restart.status, 0) << restart.output;
  EXPECT_NE(restart.output.find("need a restart: [plugins.chat]"), std::string::npos)
      << restart.output;

  replaceInFile(server_->configPath(), "max_length: 5", "max_length: 0");
  mark = server_->log().size();
  ASSERT_EQ(::kill(server_->pid(), SIGHUP), 0);
  ASSERT_TRUE(waitForLog(*server_, "configuration rejected, keeping the old one", mark))
      << server_->log();
  EXPECT_NE(server_->log().find("plugins.chat.max_length", mark), std::string::npos);
  a->send(sendFrame(room, "123456"));
  a->expectError(4013);  // still 5
}

// ---- logs and systemd -----------------------------------------------------------

class Logs : public ServerTest {};

TEST_F(Logs, NeverContainTokensOrPasswords) {
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  befriend(alice, *a, bob, *b);
  sendCommitted(*a, roomOf(alice, bob), "secret-free text");
  a->send(R"({"type":"auth","payload":{"auth":"not-a-real-token-xyz"}})");
  a->expectError(4002);
  EXPECT_EQ(login(alice.email, "wrong password 123").status, 401);
  EXPECT_EQ(windctl(*server_, {"tokens", "revoke", "--user", "bob"}).status, 0);
  b->expectClose(4002);
  server_->stop();

  const std::string log = server_->log();
  for (const auto& secret :
       {alice.token, bob.token, alice.password, bob.password, std::string("wrong password 123"),
        std::string("not-a-real-token-xyz")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "log contains \"" << secret << "\"";
  }
  // Lines about a connection name it and its user (the harness logs at debug).
  EXPECT_NE(log.find("session: authenticated connection="), std::string::npos) << log;
  EXPECT_NE(log.find("user=" + alice.id), std::string::npos) << log;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("connection") != std::string::npos &&
        line.find("session:") != std::string::npos) {
      EXPECT_NE(line.find(" user="), std::string::npos) << line;
    }
  }
}

TEST(SystemdNotify, ReadyAndStoppingReachNotifySocket) {
  const fs::path path =
      fs::temp_directory_path() / ("wind-notify-" + std::to_string(::getpid()) + ".sock");
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  fs::remove(path);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  auto receive = [fd] {
    char buffer[256] = {};
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  };
  {
    ServerProcess server({}, {{"NOTIFY_SOCKET", path.string()}, {"WATCHDOG_USEC", "200000"}});
    server.start();
    EXPECT_EQ(receive().rfind("READY=1", 0), 0u);
    EXPECT_EQ(receive(), "WATCHDOG=1");  // every 100 ms
    EXPECT_EQ(server.stop(), 0);
    std::string message = receive();
    while (message == "WATCHDOG=1") message = receive();
    EXPECT_EQ(message, "STOPPING=1");
  }
  ::close(fd);
  fs::remove(path);
}

// ---- backup during traffic, restored offline ------------------------------------

class Backup : public ServerTest {};

// Loads up to 100 messages of `room`; returns their ids.
std::vector<std::string> loadRoom(Ws& socket, const std::string& room) {
  socket.send(R"({"type":"load","payload":{"type":"chat","load_id":")" + room +
              R"(","count":100}})");
  std::vector<std::string> ids;
  for (;;) {
    auto frame = socket.expectJson();
    if (frame->getValue<std::string>("type") == "load") return ids;
    ids.push_back(frame->getObject("payload")->getValue<std::string>("id"));
  }
}

TEST_F(Backup, TakenDuringDmTrafficRestoresEveryMessageCommittedBefore) {
  if (storageIsPostgres())
    GTEST_SKIP() << "SQLite only: windctl backup copies the SQLite file; PostgreSQL is backed up "
                    "with pg_dump";
  auto alice = createUser("alice");
  auto bob = createUser("bob");
  auto carol = createUser("carol");
  auto a = connectAs(alice);
  auto b = connectAs(bob);
  auto c = connectAs(carol);
  befriend(alice, *a, bob, *b);
  befriend(carol, *c, bob, *b);
  std::vector<std::string> committed;
  for (int i = 0; i < 30; ++i)
    committed.push_back(sendCommitted(*a, roomOf(alice, bob), "before " + std::to_string(i)));

  // Bob keeps writing to Carol while the backup runs.
  std::atomic<bool> stop{false};
  std::atomic<int> acknowledged{0};
  std::thread traffic([&] {
    auto writer = connectAs(bob);
    for (int i = 0; !stop && i < 60; ++i) {
      sendCommitted(*writer, roomOf(bob, carol), "during " + std::to_string(i));
      ++acknowledged;
    }
  });
  while (acknowledged < 5) std::this_thread::sleep_for(5ms);
  const int ackedBeforeBackup = acknowledged;
  const fs::path backup = server_->dir() / "during.db";
  const auto made = windctl(*server_, {"backup", backup.string()});
  stop = true;
  traffic.join();
  ASSERT_EQ(made.status, 0) << made.output;

  // Offline restore into a new data directory, then serve from it.
  const std::string placeholder = (fs::temp_directory_path() / "wind-placeholder.db").string();
  ServerProcess restored("storage:\n  path: \"" + placeholder + "\"\n");
  const fs::path data = restored.dir() / "data" / "wind.db";
  replaceInFile(restored.configPath(), placeholder, data.string());
  const auto restore = windctl(restored, {"restore", backup.string()});
  ASSERT_EQ(restore.status, 0) << restore.output;
  restored.start();

  Ws socket(restored.port());
  socket.authenticate(alice.token);  // tokens are part of the backup
  const auto ids = loadRoom(socket, roomOf(alice, bob));
  EXPECT_EQ(ids, committed);  // oldest first, every one
  Ws carolSocket(restored.port());
  carolSocket.authenticate(carol.token);
  EXPECT_GE(static_cast<int>(loadRoom(carolSocket, roomOf(bob, carol)).size()), ackedBeforeBackup);
}

}  // namespace
}  // namespace wind::itest
