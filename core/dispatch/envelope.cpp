#include "dispatch/envelope.h"

#include <cstdint>

namespace wind::dispatch {
namespace {

// One top-level member: its key literal (with quotes) and its value's text.
struct Member {
  std::string_view key;
  std::string_view value;
};

// A strict RFC 8259 scanner. Recursion is bounded by kMaxDepth, so hostile
// input cannot exhaust the stack.
class Scanner {
 public:
  explicit Scanner(std::string_view text) noexcept : text_(text) {}

  // Validates the whole text as one JSON object and calls onMember(Member)
  // for each of its top-level members, in order.
  template <typename OnMember>
  bool topLevelObject(OnMember&& onMember) noexcept {
    skipSpace();
    if (!consume('{')) return false;
    skipSpace();
    if (consume('}')) return atEndAfterSpace();
    while (true) {
      Member member;
      if (!stringLiteral(member.key)) return false;
      skipSpace();
      if (!consume(':')) return false;
      skipSpace();
      const std::size_t start = pos_;
      if (!value(1)) return false;
      member.value = text_.substr(start, pos_ - start);
      onMember(member);
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
    const char c = text_[pos_++];
    switch (c) {
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

unsigned hexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

unsigned hex4(std::string_view s) noexcept {
  unsigned v = 0;
  for (char c : s.substr(0, 4)) v = (v << 4) | hexValue(c);
  return v;
}

void appendUtf8(std::string& out, std::uint32_t cp) {
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

char simpleEscape(char c) noexcept {
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

// Compares a validated key literal with `name`, decoding only when the key
// holds escapes (rare), so the common case allocates nothing.
bool keyEquals(std::string_view keyLiteral, std::string_view name) {
  const std::string_view inner = keyLiteral.substr(1, keyLiteral.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner == name;
  const auto decoded = decodeJsonString(keyLiteral);
  return decoded && *decoded == name;
}

}  // namespace

std::optional<std::string> decodeJsonString(std::string_view literal) {
  std::string out;
  const std::string_view inner = literal.substr(1, literal.size() - 2);
  out.reserve(inner.size());
  for (std::size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] != '\\') {
      out.push_back(inner[i]);
      continue;
    }
    const char kind = inner[++i];
    if (kind != 'u') {
      out.push_back(simpleEscape(kind));
      continue;
    }
    std::uint32_t cp = hex4(inner.substr(i + 1));
    i += 4;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return std::nullopt;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by an escaped low surrogate.
      if (i + 6 >= inner.size() || inner[i + 1] != '\\' || inner[i + 2] != 'u') return std::nullopt;
      const std::uint32_t low = hex4(inner.substr(i + 3));
      if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      i += 6;
    }
    appendUtf8(out, cp);
  }
  return out;
}

std::size_t codePointCount(std::string_view utf8) noexcept {
  std::size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

EnvelopeError parseEnvelope(std::string_view message, Envelope& out) {
  std::string_view typeLiteral;
  std::optional<std::string_view> payload;
  std::optional<std::string_view> nonceValue;
  Scanner scanner(message);
  const bool valid = scanner.topLevelObject([&](const Member& m) {
    if (keyEquals(m.key, "type")) {
      typeLiteral = m.value;
    } else if (keyEquals(m.key, "payload")) {
      payload = m.value;
    } else if (keyEquals(m.key, "nonce")) {
      nonceValue = m.value;
    }
  });
  // The last "type" decides: an earlier string does not excuse a later number.
  if (!valid || typeLiteral.empty() || typeLiteral.front() != '"')
    return EnvelopeError::invalidJson;
  auto type = decodeJsonString(typeLiteral);
  if (!type) return EnvelopeError::invalidJson;

  std::optional<std::string> nonce;
  if (nonceValue) {
    if (nonceValue->front() != '"') return EnvelopeError::invalidNonce;
    nonce = decodeJsonString(*nonceValue);
    if (!nonce || codePointCount(*nonce) > kMaxNonceCodePoints) return EnvelopeError::invalidNonce;
  }
  out.type = std::move(*type);
  out.payload = payload ? *payload : std::string_view("null");
  out.nonce = std::move(nonce);
  return EnvelopeError::none;
}

std::optional<std::string> stringMember(std::string_view json, std::string_view key) {
  std::string_view found;
  Scanner scanner(json);
  const bool valid = scanner.topLevelObject([&](const Member& m) {
    if (keyEquals(m.key, key)) found = m.value;
  });
  if (!valid || found.empty() || found.front() != '"') return std::nullopt;
  return decodeJsonString(found);
}

}  // namespace wind::dispatch
