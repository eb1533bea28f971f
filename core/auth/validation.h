#pragma once
// The registration rules of PROTOCOL.md §2 "register", in the order the
// protocol checks them. Pure functions; any thread.

#include <optional>
#include <string>
#include <string_view>

namespace wind::auth {

struct Registration {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> password;
};

inline constexpr std::size_t kMaxNameLength = 32;
inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

// 1–32 characters of ASCII letters, digits, '_', '.', '-'.
bool isValidName(std::string_view name) noexcept;
// "local@domain": one '@', a non-empty local part, a domain with a dot that
// neither starts nor ends it and no empty label, no whitespace or control
// characters, at most 254 bytes.
bool isValidEmail(std::string_view email) noexcept;
// Unicode code points in UTF-8 `text` (continuation bytes are not counted).
std::size_t codePoints(std::string_view text) noexcept;

// The 400 message for the first broken rule, or nullopt when `form` is valid:
// missing field, then name, then email, then password length.
std::optional<std::string> registrationError(const Registration& form, unsigned passwordMinLength);

// Lower-cased ASCII: the key names and emails are unique under.
std::string canonicalKey(std::string_view text);

}  // namespace wind::auth
