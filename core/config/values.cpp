#include "config/values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

#include "config/config.h"

namespace wind::config::detail {
namespace {

bool allDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool isHostnameChar(unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.'; }

bool isIpv6Char(unsigned char c) { return std::isxdigit(c) != 0 || c == ':' || c == '.'; }

std::string describeRange(std::uint64_t min, std::uint64_t max) {
  return "expected an integer in " + std::to_string(min) + ".." + std::to_string(max);
}

template <class Unit>
std::string unitName() {
  if constexpr (std::is_same_v<Unit, std::chrono::seconds>) {
    return "s";
  } else {
    return "ms";
  }
}

}  // namespace

std::uint64_t parseInteger(const std::string& text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  // from_chars alone would accept a prefix ("12abc") and a leading '-' is not a
  // digit, so the whole text must be digits and fully consumed.
  if (!allDigits(text) || std::from_chars(text.data(), end, value).ptr != end || value < min ||
      value > max) {
    throw std::invalid_argument(describeRange(min, max) + ", got '" + text + "'");
  }
  return value;
}

bool parseBool(const std::string& text) {
  const std::string value = lower(text);
  if (value == "true") return true;
  if (value == "false") return false;
  throw std::invalid_argument("expected true or false, got '" + text + "'");
}

template <class Unit>
Unit parseDurationIn(const std::string& text, Unit min, Unit max) {
  std::chrono::microseconds micros{};
  try {
    micros = parseDuration(text);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("bad duration: ") + e.what());
  }
  const auto value = std::chrono::duration_cast<Unit>(micros);
  const std::string range = "expected a duration from " + std::to_string(min.count()) +
                            unitName<Unit>() + " to " + std::to_string(max.count()) +
                            unitName<Unit>() + ", got '" + text + "'";
  if (value != micros) {
    throw std::invalid_argument("not a whole number of " + unitName<Unit>() + ": " + range);
  }
  if (value < min || value > max) throw std::invalid_argument(range);
  return value;
}

template std::chrono::seconds parseDurationIn(const std::string&, std::chrono::seconds,
                                              std::chrono::seconds);
template std::chrono::milliseconds parseDurationIn(const std::string&, std::chrono::milliseconds,
                                                   std::chrono::milliseconds);

Listen parseListen(const std::string& text) {
  const auto fail = [&text](const std::string& why) {
    return std::invalid_argument("expected host:port (" + why + "), got '" + text + "'");
  };
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw fail("no port");
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.empty() || !std::all_of(host.begin(), host.end(), isIpv6Char)) {
      throw fail("bad IPv6 address");
    }
  } else if (host.empty() || !std::all_of(host.begin(), host.end(), isHostnameChar)) {
    throw fail("bad host");
  }
  if (!allDigits(port) || port.size() > 5 || std::stoul(port) > 65535) {
    throw fail("port must be 0..65535");
  }
  return Listen{std::move(host), static_cast<std::uint16_t>(std::stoul(port))};
}

std::string parseNonEmpty(const std::string& text) {
  if (text.empty()) throw std::invalid_argument("must not be empty");
  return text;
}

std::string parseHttpUrl(const std::string& text) {
  const std::string value = lower(text);
  for (const std::string scheme : {"http://", "https://"}) {
    if (value.rfind(scheme, 0) == 0 && value.size() > scheme.size()) return text;
  }
  throw std::invalid_argument("expected an http:// or https:// URL, got '" + text + "'");
}

}  // namespace wind::config::detail
