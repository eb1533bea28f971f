#pragma once
// Strong id types and the decimal-string form used on the wire (PROTOCOL.md §1).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::sdk {

// Zero-cost strong types: `UserId{42}`, `value(id)`.
enum class UserId : std::uint64_t {};
enum class MessageId : std::uint64_t {};
enum class RoomId : std::uint64_t {};
// Identifies one WebSocket connection for the lifetime of the process.
enum class ConnectionId : std::uint64_t {};

template <typename Id>
constexpr std::uint64_t value(Id id) noexcept {
  return static_cast<std::uint64_t>(id);
}

inline constexpr std::uint64_t kMaxId = (std::uint64_t{1} << 63) - 1;

// Parses a decimal id below 2^63. No sign, no spaces, no leading '+';
// returns nullopt for anything else (the caller answers 4000).
inline std::optional<std::uint64_t> parseId(std::string_view text) noexcept {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t out = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc{} || end != text.data() + text.size() || out > kMaxId) return std::nullopt;
  return out;
}

template <typename Id>
std::string toString(Id id) {
  return std::to_string(value(id));
}

// Appends the decimal form of `id` to `out`.
template <typename Id>
void appendTo(std::string& out, Id id) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, value(id)).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// The DM room of two users (PROTOCOL.md §1): their ids XORed. Never a key on
// its own: recover the peer with peerOf() and store under orderedPair().
constexpr RoomId dmRoom(UserId a, UserId b) noexcept { return RoomId{value(a) ^ value(b)}; }
constexpr UserId peerOf(RoomId room, UserId me) noexcept { return UserId{value(room) ^ value(me)}; }

struct UserPair {
  UserId low;
  UserId high;
};
constexpr UserPair orderedPair(UserId a, UserId b) noexcept {
  return value(a) < value(b) ? UserPair{a, b} : UserPair{b, a};
}

}  // namespace wind::sdk
