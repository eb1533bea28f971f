#pragma once
// Unicode facts about message content (PROTOCOL.md conventions: characters
// are code points; whitespace is the White_Space property). Pure functions.

#include <cstddef>
#include <string_view>

namespace wind::plugins::chat {

// Number of code points in `utf8`. A byte that does not start a valid
// sequence counts as one.
std::size_t codePointCount(std::string_view utf8) noexcept;

// True when `utf8` is empty or holds only White_Space code points.
bool isBlank(std::string_view utf8) noexcept;

}  // namespace wind::plugins::chat
