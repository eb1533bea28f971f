#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "config/config.h"

namespace wind::config {
namespace {

using Micros = std::int64_t;

constexpr std::array<std::pair<std::string_view, Micros>, 6> kUnits{{
    {"us", 1},
    {"ms", 1000},
    {"s", 1000 * 1000},
    {"m", 60LL * 1000 * 1000},
    {"h", 3600LL * 1000 * 1000},
    {"d", 24LL * 3600 * 1000 * 1000},
}};

Micros unitMicros(std::string_view unit, const std::string& text) {
  for (const auto& [name, micros] : kUnits) {
    if (unit == name) return micros;
  }
  throw std::invalid_argument("expected a number and a unit (us, ms, s, m, h, d), got '" + text +
                              "'");
}

}  // namespace

std::chrono::microseconds parseDuration(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) {
    ++digits;
  }
  const Micros unit = unitMicros(std::string_view(text).substr(digits), text);
  if (digits == 0) {
    throw std::invalid_argument("expected a number before the unit, got '" + text + "'");
  }
  constexpr Micros kMax = std::numeric_limits<Micros>::max();
  Micros count = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const Micros digit = text[i] - '0';
    if (count > (kMax - digit) / 10)
      throw std::invalid_argument("duration too large: '" + text + "'");
    count = count * 10 + digit;
  }
  if (count > kMax / unit) throw std::invalid_argument("duration too large: '" + text + "'");
  return std::chrono::microseconds(count * unit);
}

}  // namespace wind::config
