#include "cluster/message.h"

#include <charconv>

namespace wind::cluster {
namespace {

char letterOf(BusMessage::Kind kind) {
  switch (kind) {
    case BusMessage::Kind::user:
      return 'u';
    case BusMessage::Kind::revoke:
      return 'r';
    case BusMessage::Kind::ping:
      break;
  }
  return 'p';
}

// Reads a decimal number ending at a space (consumed) or at the end.
template <class T>
std::optional<T> number(std::string_view& text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty()) {
    if (text.front() != ' ') return std::nullopt;
    text.remove_prefix(1);
  }
  return value;
}

}  // namespace

std::string encode(const BusMessage& message) {
  std::string text(1, letterOf(message.kind));
  text += ' ';
  text += std::to_string(message.origin);
  if (message.kind == BusMessage::Kind::ping) return text;
  text += ' ';
  if (message.kind == BusMessage::Kind::user) {
    text += std::to_string(message.user);
    text += ' ';
  }
  return text + message.payload;
}

std::optional<BusMessage> decode(std::string_view text) {
  if (text.size() < 3 || text[1] != ' ') return std::nullopt;
  BusMessage message;
  const char letter = text[0];
  text.remove_prefix(2);
  const bool last = letter == 'p';
  const auto origin = number<unsigned>(text);
  if (!origin) return std::nullopt;
  message.origin = *origin;
  if (last) return text.empty() ? std::optional(message) : std::nullopt;
  if (letter == 'u') {
    message.kind = BusMessage::Kind::user;
    const auto user = number<std::uint64_t>(text);
    if (!user) return std::nullopt;
    message.user = *user;
  } else if (letter == 'r') {
    message.kind = BusMessage::Kind::revoke;
  } else {
    return std::nullopt;
  }
  if (text.empty()) return std::nullopt;
  message.payload = std::string(text);
  return message;
}

}  // namespace wind::cluster
