#pragma once
// A user as plugins see it, and its wire form (PROTOCOL.md "user object").

#include <optional>
#include <string>

#include "wind/sdk/ids.h"
#include "wind/sdk/json.h"

namespace wind::sdk {

struct User {
  UserId id{};
  std::string name;
  std::optional<std::string> profile;  // an http(s) URL, or none
};

// {"id":"…","name":"…","profile":"…"|null}
inline std::string toJson(const User& user) {
  std::string out = "{\"id\":\"";
  out += toString(user.id);
  out += "\",\"name\":";
  json::appendQuoted(out, user.name);
  out += ",\"profile\":";
  if (user.profile) {
    json::appendQuoted(out, *user.profile);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

}  // namespace wind::sdk
