// libFuzzer target: one standard plugin's handler, driven through the SDK's
// FakeHost with all four standard plugins wired (mutual_users provides
// Friends, chat provides History), so cross-plugin paths are reached.
// WIND_FUZZ_PLUGIN (0 heartbeat, 1 mutual_users, 2 chat, 3 load) selects the
// plugin whose frames the input drives.
//
// Input: lines; each line is one frame. Its first byte picks the sender
// (alice, bob, carol, or an unknown id) and the type among the plugin's
// declared types; the rest of the line is the payload JSON text.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "chat.h"
#include "heartbeat.h"
#include "load.h"
#include "mutual_users.h"
#include "wind/sdk/testing/fake_host.h"

#ifndef WIND_FUZZ_PLUGIN
#error "WIND_FUZZ_PLUGIN must be defined"
#endif

namespace {

namespace sdk = wind::sdk;
namespace plugins = wind::plugins;

// Fresh state per input, so every crash reproduces from its input alone.
struct World {
  World() {
    host.fakeStorage().migrate(plugins::mutual_users::info());
    host.fakeStorage().migrate(plugins::chat::info());
    users[0] = host.addUser("alice");
    users[1] = host.addUser("bob");
    users[2] = host.addUser("carol");
    users[3] = sdk::User{sdk::UserId{424242}, "ghost", std::nullopt};
    heartbeat = std::make_unique<plugins::heartbeat::Heartbeat>(sdk::Settings{}, host);
    mutualUsers = std::make_unique<plugins::mutual_users::MutualUsers>(sdk::Settings{}, host);
    chat = std::make_unique<plugins::chat::Chat>(sdk::Settings{}, host);
    load = std::make_unique<plugins::load::Load>(sdk::Settings{}, host);
  }
  std::pair<sdk::Plugin*, const sdk::PluginInfo*> target() {
    switch (WIND_FUZZ_PLUGIN) {
      case 0:
        return {heartbeat.get(), &plugins::heartbeat::info()};
      case 1:
        return {mutualUsers.get(), &plugins::mutual_users::info()};
      case 2:
        return {chat.get(), &plugins::chat::info()};
      default:
        return {load.get(), &plugins::load::info()};
    }
  }

  sdk::testing::FakeHost host;
  sdk::User users[4];
  std::unique_ptr<sdk::Plugin> heartbeat, mutualUsers, chat, load;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World world;
  auto [plugin, info] = world.target();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    if (line.empty()) continue;
    const auto selector = static_cast<unsigned char>(line[0]);
    const sdk::User& sender = world.users[selector % 4];
    const std::string type = info->types[(selector / 4) % info->types.size()].type;
    // A copy: the payload view must not point past the line into the next one.
    const std::string payload(line.substr(1));
    sdk::testing::FakeReply reply;
    (void)plugin->handle({sdk::ConnectionId{7}, sender.id, true, type, payload}, reply);
    world.host.advance(1000);
  }
  return 0;
}
