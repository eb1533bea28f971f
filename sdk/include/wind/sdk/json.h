#pragma once
// The one JSON helper the SDK carries: quoting a string. Payloads cross the
// plugin boundary as JSON text; plugins parse them with a JSON library of
// their choice, but need to quote strings when they build frames.

#include <string>
#include <string_view>

namespace wind::sdk::json {

// Appends `text` as a JSON string literal (with quotes) to `out`. `text` must
// be valid UTF-8; control characters, '"' and '\\' are escaped.
inline void appendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

inline std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  appendQuoted(out, text);
  return out;
}

}  // namespace wind::sdk::json
