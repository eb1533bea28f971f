#include "auth/validation.h"

#include <algorithm>

namespace wind::auth {
namespace {

bool isNameChar(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool isSpaceOrControl(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

bool isValidDomain(std::string_view domain) noexcept {
  if (domain.find('.') == std::string_view::npos) return false;
  return domain.front() != '.' && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos;
}

}  // namespace

bool isValidName(std::string_view name) noexcept {
  return !name.empty() && name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), isNameChar);
}

bool isValidEmail(std::string_view email) noexcept {
  if (email.size() > kMaxEmailBytes || std::any_of(email.begin(), email.end(), isSpaceOrControl))
    return false;
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = email.substr(at + 1);
  return !domain.empty() && isValidDomain(domain);
}

std::size_t codePoints(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0u) != 0x80u;
  }));
}

std::optional<std::string> registrationError(const Registration& form, unsigned passwordMinLength) {
  if (!form.name) return "Missing field: name.";
  if (!form.email) return "Missing field: email.";
  if (!form.password) return "Missing field: password.";
  if (!isValidName(*form.name))
    return "Name must be 1-32 characters of letters, digits, '_', '.' or '-'.";
  if (!isValidEmail(*form.email)) return "Invalid email address.";
  if (codePoints(*form.password) < passwordMinLength) {
    return "Password must be at least " + std::to_string(passwordMinLength) + " characters.";
  }
  if (form.password->size() > kMaxPasswordBytes) return "Password must be at most 1024 bytes.";
  return std::nullopt;
}

std::string canonicalKey(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

}  // namespace wind::auth
