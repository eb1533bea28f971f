#pragma once
// Random tokens and their stored form (ARCHITECTURE.md §5): libsodium random
// bytes, URL-safe base64 without padding; only the SHA-256 hex is stored.

#include <cstddef>
#include <string>
#include <string_view>

namespace wind::auth {

inline constexpr std::size_t kTokenBytes = 32;            // 256 bits (login tokens)
inline constexpr std::size_t kVerificationKeyBytes = 24;  // 192 bits (mailed keys)

// `bytes` random bytes as URL-safe base64 without padding. Any thread.
// Throws std::runtime_error when libsodium cannot initialize.
std::string randomUrlSafe(std::size_t bytes);

// Lower-case hex SHA-256 of `text`: the only form a token or key is stored in.
std::string sha256Hex(std::string_view text);

}  // namespace wind::auth
