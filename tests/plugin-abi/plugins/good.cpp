// A well-formed plugin exercising settings, migrations and every Host service
// the plugin host wires up. Type "good_echo".
#include <cstdlib>
#include <string>

#include "wind/sdk/export.h"
#include "wind/sdk/json.h"

namespace {

using namespace wind::sdk;

const PluginInfo& goodInfo() noexcept {
  static const PluginInfo kInfo{
      .version = "2.3.4",
      .types = {{.type = "good_echo", .execution = Execution::worker, .beforeAuth = false}},
      .settings = {{.name = "limit",
                    .type = SettingType::integer,
                    .defaultValue = "5",
                    .help = "a limit",
                    .choices = {},
                    .min = 1,
                    .max = 100},
                   {.name = "mode",
                    .type = SettingType::string,
                    .defaultValue = "fast",
                    .help = "a mode",
                    .choices = {"fast", "safe"},
                    .min = INT64_MIN,
                    .max = INT64_MAX},
                   {.name = "verbose",
                    .type = SettingType::boolean,
                    .defaultValue = "false",
                    .help = "a flag",
                    .choices = {},
                    .min = INT64_MIN,
                    .max = INT64_MAX}},
      .migrations = {{.version = 1, .sql = "CREATE TABLE good_items (id INTEGER PRIMARY KEY)"}},
  };
  return kInfo;
}

class Good final : public PluginBase {
 public:
  Good(const Settings& settings, Host& host) : host_(host), echoes_(host.counter("echoes")) {
    settingsJson_ = "{\"limit\":" + std::to_string(settings.integer("limit")) +
                    ",\"mode\":" + json::quoted(settings.string("mode")) +
                    ",\"verbose\":" + (settings.boolean("verbose") ? "true" : "false") + "}";
    host.log(LogLevel::info, "created");
  }
  // Tells the test that the server deleted the plugin (through this library's code).
  ~Good() override { setenv("WIND_TEST_GOOD_DESTROYED", "1", 1); }

 protected:
  // Replies good_echo (the payload) and good_settings; pushes good_pushed
  // through the host to the same connection; a payload of "services"
  // additionally answers good_services with what the host's services return.
  void onFrame(const Request& request, Reply& reply) override {
    echoes_.add();
    reply.send("good_echo", request.payload);
    reply.send("good_settings", settingsJson_);
    host_.sendToConnection(request.connection, "good_pushed", request.payload);
    if (request.payload == "\"services\"") {
      auto user = host_.findUser(request.user);
      auto byName = host_.findUserByName("ALICE");
      std::string out = "{\"now\":" + std::to_string(host_.nowMicros()) +
                        ",\"user\":" + (user ? toJson(*user) : "null") +
                        ",\"by_name\":" + (byName ? toJson(*byName) : "null") +
                        ",\"id_ok\":" + (host_.nextId() > 0 ? "true" : "false") +
                        ",\"friends\":" + (host_.friends() ? "true" : "false") + "}";
      host_.sendToUser(request.user, "good_user", "1", request.connection);
      reply.send("good_services", out);
    }
  }

 private:
  Host& host_;
  Counter& echoes_;
  std::string settingsJson_;
};

}  // namespace

WIND_PLUGIN(good, goodInfo, Good)
