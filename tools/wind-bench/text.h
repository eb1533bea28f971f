#pragma once
// Just enough JSON reading for a load generator: find a key's string or
// number value in a frame without building a document (both servers emit
// compact JSON; whitespace around ':' is tolerated).
#include <cstdint>
#include <string_view>

namespace wind::bench {

// The raw value text after "key": (from `from` on); empty when absent.
inline std::string_view rawValue(std::string_view json, std::string_view key,
                                 std::size_t from = 0) {
  std::size_t pos = from;
  for (;;) {
    pos = json.find(key, pos);
    if (pos == std::string_view::npos) return {};
    if (pos == 0 || json[pos - 1] != '"' || pos + key.size() >= json.size() ||
        json[pos + key.size()] != '"') {
      pos += key.size();
      continue;
    }
    pos += key.size() + 1;
    while (pos < json.size() && (json[pos] == ' ' || json[pos] == ':')) ++pos;
    return json.substr(pos);
  }
}

// A string value (no unescaping: the values wind-bench reads never contain escapes).
inline std::string_view stringValue(std::string_view json, std::string_view key,
                                    std::size_t from = 0) {
  const std::string_view raw = rawValue(json, key, from);
  if (raw.empty() || raw[0] != '"') return {};
  const auto end = raw.find('"', 1);
  return end == std::string_view::npos ? std::string_view{} : raw.substr(1, end - 1);
}

inline std::uint64_t parseU64(std::string_view text) {
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

// True when the frame's top-level type is `type` (both servers put "type" first).
inline bool hasType(std::string_view frame, std::string_view type) {
  return frame.size() > type.size() + 10 && frame.substr(0, 9) == R"({"type":")" &&
         frame.substr(9, type.size()) == type && frame[9 + type.size()] == '"';
}

}  // namespace wind::bench
