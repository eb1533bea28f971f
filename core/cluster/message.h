#pragma once
// What travels on the bus's Redis channels, as text:
//   "u <origin node> <user id> <frame>"  a frame for a user's connections
//   "r <origin node> <token hash>"       a token was revoked
//   "p <origin node>"                    a node's keep-alive to itself
// Pure functions; any thread.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::cluster {

struct BusMessage {
  enum class Kind { user, revoke, ping };
  Kind kind = Kind::ping;
  unsigned origin = 0;     // the node that published it
  std::uint64_t user = 0;  // Kind::user
  std::string payload;     // the frame (user) or token hash (revoke)
  friend bool operator==(const BusMessage&, const BusMessage&) = default;
};

std::string encode(const BusMessage& message);
// nullopt for anything not made by encode() (another program on the channel).
std::optional<BusMessage> decode(std::string_view text);

}  // namespace wind::cluster
