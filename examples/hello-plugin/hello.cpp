#include "hello.h"

#include "wind/sdk/json.h"
#include "wind/sdk/json_reader.h"

namespace hello {

const wind::sdk::PluginInfo& info() noexcept {
  static const wind::sdk::PluginInfo kInfo{
      .version = "1.0.0",
      .types = {{.type = "hello", .execution = wind::sdk::Execution::worker, .beforeAuth = false}},
      .settings = {{.name = "greeting",
                    .type = wind::sdk::SettingType::string,
                    .defaultValue = "Hello",
                    .help = "the word the answer starts with"}},
      .migrations = {},
  };
  return kInfo;
}

Hello::Hello(const wind::sdk::Settings& settings, wind::sdk::Host& host)
    : greeting_(settings.has("greeting") ? settings.string("greeting") : "Hello") {
  host.log(wind::sdk::LogLevel::info, "hello plugin greets with \"" + greeting_ + "\"");
}

void Hello::onFrame(const wind::sdk::Request& request, wind::sdk::Reply& reply) {
  std::string payload = "{\"text\":";
  wind::sdk::json::appendQuoted(payload, greeting_ + ", " + nameFrom(request.payload) + "!");
  payload += ",\"user\":";
  wind::sdk::json::appendQuoted(payload, wind::sdk::toString(request.user));
  payload += "}";
  reply.send("hello", payload);
}

std::string nameFrom(std::string_view payload) {
  namespace json = wind::sdk::json;
  std::string_view name;
  const bool object = json::forEachMember(payload, [&name](const json::RawMember& member) {
    if (json::keyIs(member.key, "name")) name = member.value;  // a later "name" wins
  });
  if (!object || name.size() < 3 || name.front() != '"') return "world";
  return json::decodeString(name).value_or("world");
}

}  // namespace hello
