// Loads real plugins built in this tree (see CMakeLists.txt) through the
// real PluginHost, against fake core services.
#include "plugin_host/plugin_host.h"

#include <Poco/AutoPtr.h>
#include <Poco/Logger.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "dispatch/frame.h"
#include "fakes.h"

namespace wind::plugin_host {
namespace {

using testing::FakeDatabase;
using testing::FakeDelivery;
using testing::FakeUsers;
using testing::FixedClock;
using testing::RecordingChannel;
using testing::RecordingReply;

constexpr std::int64_t kNow = 1700000000123456;

config::PluginSetting setting(std::string key, std::string value, int line = 3, int column = 10) {
  return {std::move(key), std::move(value), {"/etc/wind/wind.yaml", line, column}};
}

config::PluginConfig plugin(std::string name, std::vector<config::PluginSetting> settings = {}) {
  return {std::move(name), std::move(settings), {"/etc/wind/wind.yaml", 1, 1}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PluginHostTest : public ::testing::Test {
 protected:
  PluginHostTest()
      : channel_(new RecordingChannel), logger_(Poco::Logger::get("plugin_host_test")) {
    logger_.setChannel(channel_);
    logger_.setLevel(Poco::Message::PRIO_TRACE);
    config_.pluginDirs = {WIND_TEST_PLUGIN_DIR, WIND_PLUGIN_BUILD_DIR};
    users_.users = {{sdk::UserId{42}, "alice", std::nullopt}};
  }

  PluginHost& makeHost(std::vector<config::PluginConfig> plugins) {
    config_.plugins = std::move(plugins);
    host_ = std::make_unique<PluginHost>(config_, database_, users_, delivery_, ids_, clock_,
                                         metrics_, logger_);
    return *host_;
  }

  // Loads `plugins`, expecting a PluginLoadError; returns its message.
  std::string loadError(std::vector<config::PluginConfig> plugins) {
    PluginHost& host = makeHost(std::move(plugins));
    try {
      host.loadAll();
    } catch (const PluginLoadError& e) {
      EXPECT_FALSE(host.allLoaded());
      return e.what();
    }
    ADD_FAILURE() << "loadAll() did not throw";
    return {};
  }

  const dispatch::Route& route(std::string_view type) {
    const dispatch::Route* found = host_->routes().find(type);
    if (found == nullptr) throw std::runtime_error("no route for " + std::string(type));
    return *found;
  }

  static sdk::Request request(std::string_view type, std::string_view payload,
                              sdk::UserId user = sdk::UserId{42}) {
    return {sdk::ConnectionId{9}, user, true, type, payload};
  }

  config::Config config_;
  FakeDatabase database_;
  FakeUsers users_;
  FakeDelivery delivery_;
  FixedClock clock_{kNow};
  ids::SnowflakeGenerator ids_{3, clock_};
  metrics::Registry metrics_;
  Poco::AutoPtr<RecordingChannel> channel_;
  Poco::Logger& logger_;
  std::unique_ptr<PluginHost> host_;
};

TEST_F(PluginHostTest, GoodPluginLoadsRoutesAndGetsDefaults) {
  PluginHost& host = makeHost({plugin("good")});
  host.loadAll();
  EXPECT_TRUE(host.allLoaded());

  const dispatch::Route& echo = route("good_echo");
  EXPECT_EQ(echo.pluginName, "good");
  EXPECT_EQ(echo.spec.execution, sdk::Execution::worker);
  EXPECT_FALSE(echo.spec.beforeAuth);
  ASSERT_EQ(host.plugins().size(), 1U);
  EXPECT_EQ(host.plugins()[0].name, "good");
  EXPECT_EQ(host.plugins()[0].version, "2.3.4");
  EXPECT_EQ(host.plugins()[0].types, std::vector<std::string>{"good_echo"});
  EXPECT_EQ(host.routes().authContributors(), std::vector<sdk::Plugin*>{echo.plugin});

  ASSERT_EQ(database_.migrated.size(), 1U);
  EXPECT_EQ(database_.migrated[0].owner, "good");
  ASSERT_EQ(database_.migrated[0].migrations.size(), 1U);
  EXPECT_EQ(database_.migrated[0].migrations[0].version, 1);

  RecordingReply reply;
  sdk::Status status = echo.plugin->handle(request("good_echo", "{\"x\":[1,2]}"), reply);
  EXPECT_TRUE(status.ok);
  ASSERT_EQ(reply.frames.size(), 2U);
  EXPECT_EQ(reply.frames[0].type, "good_echo");
  EXPECT_EQ(reply.frames[0].payload, "{\"x\":[1,2]}");
  EXPECT_EQ(reply.frames[1].payload, "{\"limit\":5,\"mode\":\"fast\",\"verbose\":false}");
}

TEST_F(PluginHostTest, ConfiguredSettingsReachThePlugin) {
  makeHost({plugin("good",
                   {setting("limit", "7"), setting("mode", "safe"), setting("verbose", "True")})})
      .loadAll();
  RecordingReply reply;
  route("good_echo").plugin->handle(request("good_echo", "1"), reply);
  ASSERT_EQ(reply.frames.size(), 2U);
  EXPECT_EQ(reply.frames[1].payload, "{\"limit\":7,\"mode\":\"safe\",\"verbose\":true}");
}

TEST_F(PluginHostTest, HostServicesReachTheCore) {
  makeHost({plugin("good")}).loadAll();
  RecordingReply reply;
  route("good_echo").plugin->handle(request("good_echo", "\"services\""), reply);
  ASSERT_EQ(reply.frames.size(), 3U);
  const std::string alice = "{\"id\":\"42\",\"name\":\"alice\",\"profile\":null}";
  EXPECT_EQ(reply.frames[2].payload, "{\"now\":" + std::to_string(kNow) + ",\"user\":" + alice +
                                         ",\"by_name\":" + alice +
                                         ",\"id_ok\":true,\"friends\":false}");

  auto sent = delivery_.sent();
  ASSERT_EQ(sent.size(), 2U);
  EXPECT_EQ(sent[0].connection, sdk::ConnectionId{9});
  EXPECT_EQ(sent[0].frame, dispatch::makeFrame("good_pushed", "\"services\""));
  EXPECT_EQ(sent[1].user, sdk::UserId{42});
  EXPECT_EQ(sent[1].except, sdk::ConnectionId{9});
  EXPECT_EQ(sent[1].frame, dispatch::makeFrame("good_user", "1"));

  EXPECT_TRUE(
      contains(metrics_.renderPrometheus(), "wind_plugin_echoes_total{plugin=\"good\"} 1\n"));
  auto lines = channel_->lines();
  EXPECT_NE(std::ranges::find(lines, "[good] created"), lines.end());
}

TEST_F(PluginHostTest, UnknownSettingIsRefusedWithItsPosition) {
  EXPECT_EQ(loadError({plugin("good", {setting("colour", "red", 12, 5)})}),
            "/etc/wind/wind.yaml:12:5: plugins.good.colour: unknown setting");
  EXPECT_EQ(host_->routes().find("good_echo"), nullptr);
  EXPECT_TRUE(database_.migrated.empty());
}

TEST_F(PluginHostTest, ValuesOfTheWrongTypeAreRefused) {
  EXPECT_EQ(loadError({plugin("good", {setting("limit", "many")})}),
            "/etc/wind/wind.yaml:3:10: plugins.good.limit: expected an integer, got \"many\"");
  EXPECT_EQ(
      loadError({plugin("good", {setting("verbose", "maybe")})}),
      "/etc/wind/wind.yaml:3:10: plugins.good.verbose: expected true or false, got \"maybe\"");
  EXPECT_EQ(loadError({plugin("good", {setting("mode", "slow")})}),
            "/etc/wind/wind.yaml:3:10: plugins.good.mode: must be one of fast, safe; got \"slow\"");
  EXPECT_EQ(loadError({plugin("good", {setting("limit", "101")})}),
            "/etc/wind/wind.yaml:3:10: plugins.good.limit: must be between 1 and 100, got 101");
}

TEST_F(PluginHostTest, WrongAbiIsRefusedBeforeAnyPluginCodeRuns) {
  unsetenv("WIND_TEST_WRONG_ABI_CALLED");
  std::string message = loadError({plugin("wrong_abi")});
  EXPECT_TRUE(contains(message, "plugin \"wrong_abi\""));
  EXPECT_TRUE(contains(message, "was built for ABI " + std::to_string(sdk::kAbiVersion + 1) +
                                    ", this server speaks ABI " + std::to_string(sdk::kAbiVersion) +
                                    ": upgrade the server"))
      << message;
  EXPECT_EQ(std::getenv("WIND_TEST_WRONG_ABI_CALLED"), nullptr)
      << "the plugin's info() or create() ran";
  EXPECT_TRUE(database_.migrated.empty());
}

TEST_F(PluginHostTest, WrongFingerprintIsRefusedNamingBoth) {
  unsetenv("WIND_TEST_WRONG_FINGERPRINT_CALLED");
  std::string message = loadError({plugin("wrong_fingerprint")});
  EXPECT_TRUE(contains(message, "\"gcc-4;libstdc++-4;cxx11abi=0;std=201103L\"")) << message;
  EXPECT_TRUE(contains(message, std::string("\"") + sdk::kBuildFingerprint + "\"")) << message;
  EXPECT_EQ(std::getenv("WIND_TEST_WRONG_FINGERPRINT_CALLED"), nullptr);
}

TEST_F(PluginHostTest, DuplicateTypeIsRefusedNamingBothPlugins) {
  EXPECT_EQ(loadError({plugin("dup_a"), plugin("dup_b")}),
            "type \"dup_type\" is claimed by both plugin \"dup_a\" and plugin \"dup_b\"");
  EXPECT_EQ(route("dup_type").pluginName, "dup_a");
  ASSERT_EQ(host_->plugins().size(), 1U);
}

TEST_F(PluginHostTest, TheCoreAuthTypeCannotBeClaimed) {
  EXPECT_EQ(loadError({plugin("claims_auth")}),
            "plugin \"claims_auth\" claims type \"auth\", which the core handles");
}

TEST_F(PluginHostTest, MissingFileIsRefused) {
  EXPECT_EQ(
      loadError({plugin("nonexistent")}),
      std::string("/etc/wind/wind.yaml:1:1: plugins.nonexistent: nonexistent.so not found in ") +
          WIND_TEST_PLUGIN_DIR + ", " + WIND_PLUGIN_BUILD_DIR);
  config_.pluginDirs.clear();
  EXPECT_EQ(loadError({plugin("good")}),
            "/etc/wind/wind.yaml:1:1: plugins.good: good.so not found in (no plugin_dirs)");
}

TEST_F(PluginHostTest, NamesThatAreNotOneFileNameAreRefused) {
  EXPECT_EQ(loadError({plugin("../plugins/good")}),
            "/etc/wind/wind.yaml:1:1: plugins.../plugins/good: invalid plugin name (letters, "
            "digits, '_' and '-' only)");
}

TEST_F(PluginHostTest, PluginCallingItselfByAnotherNameIsRefused) {
  std::string message = loadError({plugin("bad_name")});
  EXPECT_TRUE(contains(message, "calls itself \"other_name\"")) << message;
}

TEST_F(PluginHostTest, AFileThatIsNotALibraryIsRefused) {
  auto dir = std::filesystem::temp_directory_path() /
             ("wind_plugin_host_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "garbage.so") << "not an ELF file";
  config_.pluginDirs = {dir.string()};
  std::string message = loadError({plugin("garbage")});
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(
      contains(message, "plugin \"garbage\": cannot load " + (dir / "garbage.so").string() + ": "))
      << message;
  // Only dlerror's own text ("<path>: <reason>"), not Boost.DLL's wrapping.
  EXPECT_FALSE(contains(message, "boost::dll")) << message;
  EXPECT_EQ(message.find("garbage.so"), message.rfind("garbage.so")) << message;
}

TEST_F(PluginHostTest, ALibraryWithoutTheEntryIsRefused) {
  std::string message = loadError({plugin("no_entry")});
  EXPECT_TRUE(contains(message, "no_entry.so has no wind_plugin_entry: not a WIND plugin"))
      << message;
}

TEST_F(PluginHostTest, DestroyingTheHostDeletesEveryPlugin) {
  unsetenv("WIND_TEST_GOOD_DESTROYED");
  makeHost({plugin("good"), plugin("heartbeat")}).loadAll();
  EXPECT_EQ(std::getenv("WIND_TEST_GOOD_DESTROYED"), nullptr);
  host_.reset();
  EXPECT_NE(std::getenv("WIND_TEST_GOOD_DESTROYED"), nullptr);
}

TEST_F(PluginHostTest, ConstructorFailureIsReportedWithItsReason) {
  std::string message = loadError({plugin("refuses")});
  EXPECT_EQ(message, "plugin \"refuses\" failed to start: cannot create plugin: no licence key");
}

TEST_F(PluginHostTest, AServiceOfAPluginThatFailedToStartIsWithdrawn) {
  EXPECT_TRUE(contains(loadError({plugin("good"), plugin("refuses")}), "no licence key"));
  RecordingReply reply;
  route("good_echo").plugin->handle(request("good_echo", "\"services\""), reply);
  ASSERT_EQ(reply.frames.size(), 3U);
  EXPECT_TRUE(contains(reply.frames[2].payload, "\"friends\":false")) << reply.frames[2].payload;
}

TEST_F(PluginHostTest, MigrationFailureIsRefused) {
  database_.failMigrations = true;
  EXPECT_EQ(loadError({plugin("good")}), "plugin \"good\": migrations failed: disk on fire");
}

TEST_F(PluginHostTest, ThrowingHandlerReturnsAFailureStatus) {
  makeHost({plugin("thrower")}).loadAll();
  RecordingReply reply;
  sdk::Status status = route("thrower_boom").plugin->handle(request("thrower_boom", "null"), reply);
  EXPECT_FALSE(status.ok);
  EXPECT_EQ(status.message, "boom");
  EXPECT_TRUE(reply.frames.empty());

  sdk::AuthSnapshot snapshot;
  sdk::Status auth =
      host_->routes().authContributors().at(0)->contributeToAuth(sdk::UserId{42}, snapshot);
  EXPECT_FALSE(auth.ok);
  EXPECT_EQ(auth.message, "auth boom");
}

TEST_F(PluginHostTest, HeartbeatIsFoundInTheSecondDirectoryAndEchoes) {
  makeHost({plugin("heartbeat")}).loadAll();
  const dispatch::Route& heartbeat = route("heartbeat");
  EXPECT_EQ(heartbeat.spec.execution, sdk::Execution::eventLoop);
  EXPECT_TRUE(heartbeat.spec.beforeAuth);
  RecordingReply reply;
  EXPECT_TRUE(
      heartbeat.plugin->handle(request("heartbeat", "{\"n\":1}", sdk::UserId{0}), reply).ok);
  ASSERT_EQ(reply.frames.size(), 1U);
  EXPECT_EQ(reply.frames[0].type, "heartbeat");
  EXPECT_EQ(reply.frames[0].payload, "{\"n\":1}");
}

TEST_F(PluginHostTest, ChatRunsOnTheLoopWithEmbeddedStorageAndOnWorkersOverTheNetwork) {
  makeHost({plugin("chat")}).loadAll();
  EXPECT_EQ(route("chat").spec.execution, sdk::Execution::eventLoop);
  database_.localStorage = false;  // PostgreSQL: a read is a network round trip
  makeHost({plugin("chat")}).loadAll();
  EXPECT_EQ(route("chat").spec.execution, sdk::Execution::worker);
}

TEST_F(PluginHostTest, PluginsLoadInListedOrder) {
  PluginHost& host = makeHost({plugin("thrower"), plugin("heartbeat"), plugin("good")});
  host.loadAll();
  auto loaded = host.plugins();
  ASSERT_EQ(loaded.size(), 3U);
  EXPECT_EQ(loaded[0].name, "thrower");
  EXPECT_EQ(loaded[1].name, "heartbeat");
  EXPECT_EQ(loaded[2].name, "good");
  EXPECT_EQ(host.routes().authContributors(),
            (std::vector<sdk::Plugin*>{route("thrower_boom").plugin, route("heartbeat").plugin,
                                       route("good_echo").plugin}));
  EXPECT_THROW(host.loadAll(), PluginLoadError);
}

TEST_F(PluginHostTest, NoPluginsConfiguredIsReady) {
  PluginHost& host = makeHost({});
  EXPECT_FALSE(host.allLoaded());
  host.loadAll();
  EXPECT_TRUE(host.allLoaded());
  EXPECT_TRUE(host.plugins().empty());
}

}  // namespace
}  // namespace wind::plugin_host
