#include "hello.h"

#include "wind/sdk/json.h"

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
  constexpr std::string_view kKey = "\"name\"";
  const std::size_t key = payload.find(kKey);
  if (payload.empty() || payload.front() != '{' || key == std::string_view::npos) return "world";
  std::size_t pos = payload.find_first_not_of(" \t\r\n", key + kKey.size());
  if (pos == std::string_view::npos || payload[pos] != ':') return "world";
  pos = payload.find_first_not_of(" \t\r\n", pos + 1);
  if (pos == std::string_view::npos || payload[pos] != '"') return "world";
  const std::size_t end = payload.find_first_of("\"\\", pos + 1);
  // Escaped names are not decoded here: fall back rather than mis-decode.
  if (end == std::string_view::npos || payload[end] != '"' || end == pos + 1) return "world";
  return std::string(payload.substr(pos + 1, end - pos - 1));
}

}  // namespace hello
