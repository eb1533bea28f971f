#include "datetime.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <iterator>
#include <sstream>

#include "wind/sdk/time.h"

namespace wind::plugins::load {

namespace {

bool isAlphanumeric(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Brings `text` to the standard, padded alphabet Poco decodes; nullopt when
// it is not base64 at all. Poco does the decoding itself.
std::optional<std::string> normalize(std::string_view text) {
  std::size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  const bool standard = text.find_first_of("+/") != std::string_view::npos;
  const bool urlSafe = text.find_first_of("-_") != std::string_view::npos;
  if (standard && urlSafe) return std::nullopt;
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (isAlphanumeric(c) || c == '+' || c == '/') {
      out += c;
    } else if (c == '-') {
      out += '+';
    } else if (c == '_') {
      out += '/';
    } else {
      return std::nullopt;
    }
  }
  const std::size_t needed = (4 - out.size() % 4) % 4;
  if (padding != 0 && padding != needed) return std::nullopt;
  out.append(needed, '=');
  return out;
}

}  // namespace

std::optional<std::string> decodeBase64(std::string_view text) {
  auto normalized = normalize(text);
  if (!normalized) return std::nullopt;
  try {
    std::istringstream in(*normalized);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), std::istreambuf_iterator<char>());
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

std::optional<std::int64_t> parseLoadDatetime(std::string_view text) {
  if (auto plain = sdk::time::parseMicros(text)) return plain;
  auto decoded = decodeBase64(text);
  if (!decoded) return std::nullopt;
  return sdk::time::parseMicros(*decoded);
}

}  // namespace wind::plugins::load
