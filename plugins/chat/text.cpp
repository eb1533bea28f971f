#include "text.h"

#include <cstdint>
#include <optional>

namespace wind::plugins::chat {

namespace {

struct Decoded {
  char32_t codePoint;
  std::size_t length;
};

// Decodes the sequence at the start of `text`; nullopt for a malformed one
// (the caller then steps over a single byte).
std::optional<Decoded> decodeOne(std::string_view text) noexcept {
  const auto lead = static_cast<unsigned char>(text[0]);
  std::size_t length = 0;
  char32_t value = 0;
  if (lead < 0x80) return Decoded{lead, 1};
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    value = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    value = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    value = lead & 0x07;
  } else {
    return std::nullopt;
  }
  if (text.size() < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xC0) != 0x80) return std::nullopt;
    value = (value << 6) | (next & 0x3F);
  }
  return Decoded{value, length};
}

// The Unicode White_Space property (PropList.txt, stable since Unicode 6.3).
bool isWhiteSpace(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

template <typename Fn>
void forEachCodePoint(std::string_view text, Fn&& fn) noexcept {
  while (!text.empty()) {
    auto decoded = decodeOne(text);
    const std::size_t step = decoded ? decoded->length : 1;
    if (!fn(decoded ? std::optional<char32_t>(decoded->codePoint) : std::nullopt)) return;
    text.remove_prefix(step);
  }
}

}  // namespace

std::size_t codePointCount(std::string_view utf8) noexcept {
  std::size_t count = 0;
  forEachCodePoint(utf8, [&](std::optional<char32_t>) {
    ++count;
    return true;
  });
  return count;
}

bool isBlank(std::string_view utf8) noexcept {
  bool blank = true;
  forEachCodePoint(utf8, [&](std::optional<char32_t> c) {
    blank = c && isWhiteSpace(*c);
    return blank;
  });
  return blank;
}

}  // namespace wind::plugins::chat
