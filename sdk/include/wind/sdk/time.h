#pragma once
// The wire time format of PROTOCOL.md: UTC "YYYY-MM-DD HH:MM:SS.ffffff"
// (always six fractional digits), to and from microseconds since the Unix
// epoch. Standard library only; pure functions, callable from any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wind::sdk::time {

// Formats `micros` (UTC µs since 1970-01-01) as "YYYY-MM-DD HH:MM:SS.ffffff".
// Years outside 0…9999 are not representable on the wire; they are clamped.
// Appends the wire form of `micros` to `out`; out-of-range values are
// clamped to years 0000 and 9999.
inline void appendMicros(std::string& out, std::int64_t micros) {
  using namespace std::chrono;
  constexpr std::int64_t kMin = -62167219200LL * 1000000;           // 0000-01-01 00:00:00
  constexpr std::int64_t kMax = 253402300799LL * 1000000 + 999999;  // 9999-12-31 23:59:59.999999
  if (micros < kMin) micros = kMin;
  if (micros > kMax) micros = kMax;
  const sys_time<microseconds> point{microseconds{micros}};
  const auto day = floor<days>(point);
  const year_month_day date{day};
  const auto inDay = (point - day).count();  // 0 … 86'399'999'999
  const auto seconds = inDay / 1000000;
  // Every field is non-negative and fits its width after the clamp above.
  char text[] = "0000-00-00 00:00:00.000000";
  auto put = [&text](std::size_t end, std::int64_t value) {
    for (std::size_t i = end; value > 0; value /= 10)
      text[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<int>(date.year()));
  put(7, static_cast<unsigned>(date.month()));
  put(10, static_cast<unsigned>(date.day()));
  put(13, seconds / 3600);
  put(16, seconds / 60 % 60);
  put(19, seconds % 60);
  put(26, inDay % 1000000);
  out.append(text, sizeof text - 1);
}

inline std::string formatMicros(std::int64_t micros) {
  std::string out;
  out.reserve(26);
  appendMicros(out, micros);
  return out;
}

inline std::optional<std::int64_t> parseMicros(std::string_view text) noexcept {
  using namespace std::chrono;
  constexpr std::string_view kShape = "dddd-dd-dd dd:dd:dd.dddddd";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  auto number = [text](std::size_t at, std::size_t width) {
    std::int64_t out = 0;
    for (std::size_t i = at; i < at + width; ++i) out = out * 10 + (text[i] - '0');
    return out;
  };
  const year_month_day date{year{static_cast<int>(number(0, 4))},
                            month{static_cast<unsigned>(number(5, 2))},
                            day{static_cast<unsigned>(number(8, 2))}};
  const std::int64_t hours = number(11, 2), minutes = number(14, 2), seconds = number(17, 2);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  const std::int64_t dayMicros =
      sys_days{date}.time_since_epoch().count() * std::int64_t{86400000000};
  return dayMicros + ((hours * 60 + minutes) * 60 + seconds) * 1000000 + number(20, 6);
}

}  // namespace wind::sdk::time
