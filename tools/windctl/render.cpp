#include "render.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <iomanip>

namespace wind::windctl {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string joined(const Array::Ptr& array) {
  std::string text;
  if (!array) return text;
  for (std::size_t i = 0; i < array->size(); ++i)
    text += (i ? ", " : "") + array->getElement<std::string>(i);
  return text;
}

std::string duration(long long seconds) {
  const long long days = seconds / 86400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60;
  std::string text;
  if (days) text += std::to_string(days) + "d ";
  if (days || hours) text += std::to_string(hours) + "h ";
  if (days || hours || minutes) text += std::to_string(minutes) + "m ";
  return text + std::to_string(seconds % 60) + "s";
}

void plugins(const Array::Ptr& list, std::ostream& out) {
  for (std::size_t i = 0; list && i < list->size(); ++i) {
    const auto plugin = list->getObject(i);
    out << "  " << std::left << std::setw(14) << plugin->getValue<std::string>("name")
        << std::setw(10) << plugin->getValue<std::string>("version")
        << joined(plugin->getArray("types")) << "\n";
  }
}

void user(const Object::Ptr& u, std::ostream& out) {
  out << std::left << std::setw(20) << u->getValue<std::string>("id") << std::setw(20)
      << u->getValue<std::string>("name") << std::setw(32) << u->getValue<std::string>("email")
      << (u->getValue<bool>("disabled")   ? "disabled"
          : u->getValue<bool>("verified") ? "active"
                                          : "unverified");
  if (u->has("active_tokens")) out << "  tokens: " << u->getValue<long long>("active_tokens");
  out << "\n";
}

}  // namespace

void render(const std::string& command, const Object::Ptr& result, std::ostream& out) {
  if (command == "status") {
    out << "wind-server " << result->getValue<std::string>("version") << " (SDK ABI "
        << result->getValue<int>("abi") << ", SDK " << result->getValue<std::string>("sdk") << ")\n"
        << "uptime       " << duration(result->getValue<long long>("uptime_seconds")) << "\n"
        << "connections  " << result->getValue<long long>("connections") << " open, "
        << result->getValue<long long>("authenticated") << " authenticated\n"
        << "config       " << result->getValue<std::string>("config") << "\n"
        << "plugins\n";
    plugins(result->getArray("plugins"), out);
  } else if (command == "plugins.list") {
    plugins(result->getArray("plugins"), out);
  } else if (command == "users.list") {
    const auto users = result->getArray("users");
    for (std::size_t i = 0; i < users->size(); ++i) user(users->getObject(i), out);
  } else if (command == "users.show") {
    user(result, out);
  } else if (command == "users.disable" || command == "users.enable") {
    out << "user " << result->getValue<std::string>("id")
        << (result->getValue<bool>("disabled") ? " disabled" : " enabled");
    if (result->has("revoked_tokens"))
      out << ", " << result->getValue<long long>("revoked_tokens") << " tokens revoked";
    out << "\n";
  } else if (command == "tokens.revoke") {
    out << result->getValue<long long>("revoked_tokens") << " tokens of user "
        << result->getValue<std::string>("id") << " revoked\n";
  } else if (command == "backup") {
    out << "backup written to " << result->getValue<std::string>("path") << " in "
        << result->getValue<long long>("milliseconds") << " ms\n";
  } else if (command == "reload") {
    out << "reloaded; applied: [" << joined(result->getArray("applied")) << "]";
    const auto restart = result->getArray("need_restart");
    if (restart && restart->size() > 0)
      out << "; changed but need a restart: [" << joined(restart) << "]";
    out << "\n";
  } else {
    Poco::JSON::Stringifier::stringify(result, out, 2);
    out << "\n";
  }
}

}  // namespace wind::windctl
