#pragma once
// Reading a JSON object's top-level members without a JSON library: what a
// handler needs of its request payload (sdk::Request::payload), and what the
// server itself uses to read every message's envelope. Strict RFC 8259;
// nesting is bounded, so hostile input cannot exhaust the stack. Standard
// library only; pure functions, callable from any thread.
//
//   std::string_view content;
//   const bool ok = json::forEachMember(request.payload, [&](const json::RawMember& m) {
//     if (json::keyIs(m.key, "content")) content = m.value;  // a later duplicate wins
//   });
//   if (!ok || content.empty() || content.front() != '"') ... answer 4000
//   std::optional<std::string> text = json::decodeString(content);  // nullopt: bad \u escape

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::sdk::json {

// The deepest nesting accepted; the object itself is depth 1.
inline constexpr int kMaxDepth = 64;

// One top-level member, as written in the text (both views point into it).
struct RawMember {
  std::string_view key;    // the key's string literal, quotes and escapes included
  std::string_view value;  // the value's text: a string literal, number, true,
                           // false, null, or a whole object or array
};

namespace detail {

// Validates one JSON value after another; pos_ moves past what was read.
class Scanner {
 public:
  explicit Scanner(std::string_view text) noexcept : text_(text) {}

  template <typename OnMember>
  bool topLevelObject(OnMember& onMember) {
    skipSpace();
    if (!consume('{')) return false;
    skipSpace();
    if (consume('}')) return atEndAfterSpace();
    while (true) {
      RawMember member;
      if (!stringLiteral(member.key)) return false;
      skipSpace();
      if (!consume(':')) return false;
      skipSpace();
      const std::size_t start = pos_;
      if (!value(1)) return false;
      member.value = text_.substr(start, pos_ - start);
      onMember(static_cast<const RawMember&>(member));
      skipSpace();
      if (consume('}')) return atEndAfterSpace();
      if (!consume(',')) return false;
      skipSpace();
    }
  }

 private:
  bool atEndAfterSpace() noexcept {
    skipSpace();
    return pos_ == text_.size();
  }

  bool consume(char c) noexcept {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  char peek() const noexcept { return pos_ < text_.size() ? text_[pos_] : '\0'; }

  void skipSpace() noexcept {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      ++pos_;
    }
  }

  // `depth` is the depth of the container holding this value.
  bool value(int depth) noexcept {
    switch (peek()) {
      case '{':
        return container(depth + 1, '}', true);
      case '[':
        return container(depth + 1, ']', false);
      case '"': {
        std::string_view ignored;
        return stringLiteral(ignored);
      }
      case 't':
        return word("true");
      case 'f':
        return word("false");
      case 'n':
        return word("null");
      default:
        return number();
    }
  }

  bool container(int depth, char close, bool isObject) noexcept {
    if (depth > kMaxDepth) return false;
    ++pos_;
    skipSpace();
    if (consume(close)) return true;
    while (true) {
      if (isObject) {
        std::string_view ignored;
        if (!stringLiteral(ignored)) return false;
        skipSpace();
        if (!consume(':')) return false;
        skipSpace();
      }
      if (!value(depth)) return false;
      skipSpace();
      if (consume(close)) return true;
      if (!consume(',')) return false;
      skipSpace();
    }
  }

  bool word(std::string_view w) noexcept {
    if (text_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  static bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool digits() noexcept {
    if (!isDigit(peek())) return false;
    while (isDigit(peek())) ++pos_;
    return true;
  }

  bool number() noexcept {
    consume('-');
    if (consume('0')) {
      if (isDigit(peek())) return false;
    } else if (!digits()) {
      return false;
    }
    if (consume('.') && !digits()) return false;
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (!consume('+')) consume('-');
      if (!digits()) return false;
    }
    return true;
  }

  static bool isHex(char c) noexcept {
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  bool stringLiteral(std::string_view& out) noexcept {
    const std::size_t start = pos_;
    if (!consume('"')) return false;
    while (pos_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[pos_++]);
      if (c == '"') {
        out = text_.substr(start, pos_ - start);
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\' && !escape()) return false;
    }
    return false;
  }

  bool escape() noexcept {
    if (pos_ >= text_.size()) return false;
    switch (text_[pos_++]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u':
        for (int i = 0; i < 4; ++i) {
          if (!isHex(peek())) return false;
          ++pos_;
        }
        return true;
      default:
        return false;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

inline unsigned hex4(std::string_view s) noexcept {
  unsigned v = 0;
  for (char c : s.substr(0, 4)) {
    const unsigned digit =
        c <= '9' ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
    v = (v << 4) | digit;
  }
  return v;
}

inline void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

inline char simpleEscape(char c) noexcept {
  switch (c) {
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return c;  // '"', '\\', '/'
  }
}

}  // namespace detail

// Checks that `text` is exactly one JSON object (surrounding whitespace
// allowed) and calls onMember(const RawMember&) for each of its top-level
// members, in order. Returns false when the text is anything else; members
// before the fault may have been passed on by then. Allocates nothing.
template <typename OnMember>
bool forEachMember(std::string_view text, OnMember&& onMember) {
  detail::Scanner scanner(text);
  return scanner.topLevelObject(onMember);
}

// The text of a string literal that forEachMember passed on (quotes
// included), escapes decoded to UTF-8; nullopt for an unpaired surrogate
// escape (\uD800–\uDFFF alone). Anything else is a precondition violation.
inline std::optional<std::string> decodeString(std::string_view literal) {
  std::string out;
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  out.reserve(inner.size());
  std::size_t i = 0;
  while (i < inner.size()) {
    // The text up to the next escape goes over in one piece.
    const std::size_t escape = inner.find('\\', i);
    out.append(inner.substr(i, escape == std::string_view::npos ? escape : escape - i));
    if (escape == std::string_view::npos) break;
    i = escape + 1;
    const char kind = inner[i++];
    if (kind != 'u') {
      out.push_back(detail::simpleEscape(kind));
      continue;
    }
    std::uint32_t cp = detail::hex4(inner.substr(i));
    i += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return std::nullopt;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low surrogate.
      if (i + 6 > inner.size() || inner[i] != '\\' || inner[i + 1] != 'u') return std::nullopt;
      const std::uint32_t low = detail::hex4(inner.substr(i + 2));
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 6;
    }
    detail::appendUtf8(out, cp);
  }
  return out;
}

// Whether a key literal that forEachMember passed on names `name`; decodes
// only a key that holds escapes (rare), so the usual case allocates nothing.
inline bool keyIs(std::string_view keyLiteral, std::string_view name) {
  const std::string_view inner = keyLiteral.substr(1, keyLiteral.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner == name;
  const auto decoded = decodeString(keyLiteral);
  return decoded && *decoded == name;
}

}  // namespace wind::sdk::json
