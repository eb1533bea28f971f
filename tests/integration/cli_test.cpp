// The wind-server command line: --version, --print-default-config,
// --check-config, and configuration errors that stop the server before it
// binds its port.
#include <fstream>
#include <regex>

#include "fixture.h"
#include "wind/sdk/abi.h"

namespace wind::itest {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "wind-cli-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }

 private:
  fs::path path_;
};

TEST(Cli, VersionNamesAbiAndFingerprint) {
  std::string out;
  EXPECT_EQ(ServerProcess::runTool({"--version"}, out), 0);
  EXPECT_TRUE(std::regex_search(out, std::regex("wind-server [0-9]+\\.[0-9]+\\.[0-9]+"))) << out;
  EXPECT_NE(out.find("SDK ABI " + std::to_string(wind::sdk::kAbiVersion)), std::string::npos)
      << out;
  EXPECT_NE(out.find("fingerprint"), std::string::npos) << out;
}

TEST(Cli, PrintedDefaultsAreAValidConfiguration) {
  std::string defaults;
  ASSERT_EQ(ServerProcess::runTool({"--print-default-config"}, defaults), 0);
  EXPECT_NE(defaults.find("heartbeat_interval"), std::string::npos);
  TempDir dir;
  auto file = dir.write("wind.yaml", defaults);
  std::string out;
  EXPECT_EQ(ServerProcess::runTool({"--check-config", "-c", file.string()}, out), 0) << out;
}

TEST(Cli, CheckConfigReportsFileLineColumnAndKey) {
  TempDir dir;
  auto file = dir.write("wind.yaml", "server:\n  listen: \"127.0.0.1:0\"\n  lisen: \"oops\"\n");
  std::string out;
  EXPECT_NE(ServerProcess::runTool({"--check-config", "-c", file.string()}, out), 0);
  EXPECT_NE(out.find(file.string() + ":3:3"), std::string::npos) << out;
  EXPECT_NE(out.find("server.lisen"), std::string::npos) << out;
}

TEST(Cli, ConfDErrorsNameTheirOwnFile) {
  TempDir dir;
  auto file = dir.write("wind.yaml", "server:\n  listen: \"127.0.0.1:0\"\n");
  auto extra = dir.write("conf.d/50-bad.yaml", "websocket:\n  heartbeat_interval: forty\n");
  std::string out;
  EXPECT_NE(ServerProcess::runTool({"--check-config", "-c", file.string()}, out), 0);
  EXPECT_NE(out.find(extra.string() + ":2:"), std::string::npos) << out;
}

TEST(Cli, AConfigErrorStopsTheServerBeforeItListens) {
  ServerProcess server("websocket:\n  max_frame_bytes: \"lots\"\n");
  EXPECT_THROW(server.start(), std::runtime_error);
  EXPECT_NE(server.log().find("websocket.max_frame_bytes"), std::string::npos) << server.log();
  EXPECT_EQ(server.log().find("listening on"), std::string::npos);
}

TEST(Cli, AnUnknownPluginSettingStopsTheServer) {
  ServerProcess server("plugins:\n  heartbeat: {}\n  chat: { max_lenght: 10 }\n");
  EXPECT_THROW(server.start(), std::runtime_error);
  EXPECT_NE(server.log().find("plugins.chat.max_lenght"), std::string::npos) << server.log();
  EXPECT_TRUE(std::regex_search(server.log(), std::regex("wind\\.yaml:[0-9]+:[0-9]+")))
      << server.log();
}

TEST(Cli, AnUnreachablePostgresStopsTheServerNamingIt) {
  ServerProcess server(
      "storage:\n  driver: postgresql\n  url: \"postgresql://wind@127.0.0.1:1/nowhere\"\n");
  EXPECT_THROW(server.start(), std::runtime_error);
  EXPECT_NE(server.log().find("postgresql://wind@127.0.0.1:1/nowhere"), std::string::npos)
      << server.log();
  EXPECT_EQ(server.log().find("listening on"), std::string::npos);
}

TEST(Cli, AMissingPostgresPasswordFileStopsTheServer) {
  ServerProcess server(
      "storage:\n  driver: postgresql\n  url: \"postgresql://wind@127.0.0.1:1/x\"\n"
      "  password_file: \"/nonexistent/pg-password\"\n");
  EXPECT_THROW(server.start(), std::runtime_error);
  EXPECT_NE(server.log().find("/nonexistent/pg-password"), std::string::npos) << server.log();
}

TEST(Cli, ATakenPortIsNamedInTheErrorAndExitsNonZero) {
  ServerProcess first;
  first.start();
  const std::string taken = "127.0.0.1:" + std::to_string(first.port());
  ServerProcess second("", {{"WIND_SERVER__LISTEN", taken}});
  EXPECT_THROW(second.start(), std::runtime_error);
  EXPECT_NE(second.log().find("already in use"), std::string::npos) << second.log();
  EXPECT_EQ(second.log().find("listening on"), std::string::npos) << second.log();
}

TEST(Cli, UnknownArgumentIsAUsageError) {
  std::string out;
  EXPECT_NE(ServerProcess::runTool({"--frobnicate"}, out), 0);
  EXPECT_NE(out.find("--frobnicate"), std::string::npos);
}

}  // namespace
}  // namespace wind::itest
