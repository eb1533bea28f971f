#include <Poco/Logger.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "admin/notify.h"
#include "admin/reloader.h"
#include "admin/socket_server.h"

namespace wind::admin {
namespace {

std::string tempPath(const std::string& leaf) {
  return (std::filesystem::temp_directory_path() / (leaf + "-" + std::to_string(::getpid())))
      .string();
}

TEST(AdminReload, DiffSeparatesReloadableKeysFromRestartSections) {
  config::Config a;
  config::Config b = a;
  b.log.level = config::LogLevel::debug;
  b.server.maxConnections = 5;
  b.websocket.framesBurst = 7;
  b.websocket.heartbeatGrace = std::chrono::milliseconds(1);
  b.websocket.maxFrameBytes = 9;
  b.cluster.bus = "redis://127.0.0.1:6379";
  std::vector<std::string> reloadable;
  std::vector<std::string> restart;
  diffConfigs(a, b, reloadable, restart);
  EXPECT_EQ(reloadable,
            (std::vector<std::string>{"log.level", "server.max_connections",
                                      "websocket.frames_burst", "websocket.heartbeat_grace"}));
  EXPECT_EQ(restart, (std::vector<std::string>{"websocket", "cluster"}));
}

TEST(AdminReload, InvalidFileKeepsTheOldConfiguration) {
  int applied = 0;
  Reloader reloader(
      tempPath("wind-missing.yaml"), {}, config::Config{},
      [&](const config::Config&) { ++applied; }, Poco::Logger::get("test"));
  const ReloadResult result = reloader.reload();
  EXPECT_FALSE(result.ok);
  EXPECT_FALSE(result.error.empty());
  EXPECT_EQ(applied, 0);
}

TEST(AdminReload, PluginHookRunsFirstAndCanRejectTheReload) {
  const std::string path = tempPath("wind-reload.yaml");
  std::ofstream(path) << "log:\n  level: debug\n";
  int applied = 0;
  bool reject = true;
  Reloader reloader(
      path, {}, config::Config{}, [&](const config::Config&) { ++applied; },
      Poco::Logger::get("test"),
      [&](const config::Config&, std::vector<std::string>& keys, std::vector<std::string>&) {
        if (reject) throw std::runtime_error("plugins.chat.max_length: too small");
        keys.emplace_back("plugins.chat.max_length");
      });
  ReloadResult result = reloader.reload();
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "plugins.chat.max_length: too small");
  EXPECT_TRUE(result.applied.empty());
  EXPECT_EQ(applied, 0);
  reject = false;
  result = reloader.reload();
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.applied, (std::vector<std::string>{"log.level", "plugins.chat.max_length"}));
  EXPECT_EQ(applied, 1);
  std::filesystem::remove(path);
}

TEST(AdminSocket, AnswersOneLinePerConnection) {
  const std::string path = tempPath("wind-admin-test.sock");
  SocketServer server(
      path, [](const std::string& request) { return "echo:" + request; },
      Poco::Logger::get("test"));
  server.start();
  EXPECT_EQ(call(path, "hello"), "echo:hello");
  EXPECT_EQ(call(path, "again"), "echo:again");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                std::filesystem::perms::group_read | std::filesystem::perms::group_write);
  server.stop();
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_THROW(call(path, "gone"), std::runtime_error);
}

TEST(AdminNotify, SendsOneDatagramToNotifySocket) {
  const std::string path = tempPath("wind-notify-test.sock");
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strcpy(address.sun_path, path.c_str());
  ::unlink(path.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  SystemdNotifier notifier(path, std::string("10000000"));
  EXPECT_TRUE(notifier.enabled());
  EXPECT_TRUE(notifier.notify("READY=1"));
  char buffer[64] = {};
  const auto n = ::recv(fd, buffer, sizeof buffer, 0);
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(n)), "READY=1");
  EXPECT_EQ(notifier.watchdogInterval(), std::chrono::microseconds(5000000));
  ::close(fd);
  ::unlink(path.c_str());
  EXPECT_FALSE(SystemdNotifier(std::nullopt, std::nullopt).enabled());
}

}  // namespace
}  // namespace wind::admin
