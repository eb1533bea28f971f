#pragma once
// The `datetime` of a history load (PROTOCOL.md §3.5): the wire time
// format, or the base64 of it (standard or URL-safe alphabet, padding
// optional), as the original client sends it. Pure functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::plugins::load {

// Decodes base64 in either alphabet (not mixed), with or without correct
// padding; nullopt for anything else.
std::optional<std::string> decodeBase64(std::string_view text);

// UTC µs since the epoch, or nullopt when `text` is neither form.
std::optional<std::int64_t> parseLoadDatetime(std::string_view text);

}  // namespace wind::plugins::load
