#include "dispatch/envelope.h"

#include "wind/sdk/json_reader.h"

namespace wind::dispatch {

namespace json = sdk::json;

std::optional<std::string> decodeJsonString(std::string_view literal) {
  return json::decodeString(literal);
}

std::size_t codePointCount(std::string_view utf8) noexcept {
  std::size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

EnvelopeError parseEnvelope(std::string_view message, Envelope& out) {
  std::string_view typeLiteral;
  std::optional<std::string_view> payload;
  std::optional<std::string_view> nonceValue;
  const bool valid = json::forEachMember(message, [&](const json::RawMember& m) {
    if (json::keyIs(m.key, "type")) {
      typeLiteral = m.value;
    } else if (json::keyIs(m.key, "payload")) {
      payload = m.value;
    } else if (json::keyIs(m.key, "nonce")) {
      nonceValue = m.value;
    }
  });
  // The last "type" decides: an earlier string does not excuse a later number.
  if (!valid || typeLiteral.empty() || typeLiteral.front() != '"')
    return EnvelopeError::invalidJson;
  auto type = decodeJsonString(typeLiteral);
  if (!type) return EnvelopeError::invalidJson;

  std::optional<std::string> nonce;
  if (nonceValue) {
    if (nonceValue->front() != '"') return EnvelopeError::invalidNonce;
    nonce = decodeJsonString(*nonceValue);
    if (!nonce || codePointCount(*nonce) > kMaxNonceCodePoints) return EnvelopeError::invalidNonce;
  }
  out.type = std::move(*type);
  out.payload = payload ? *payload : std::string_view("null");
  out.nonce = std::move(nonce);
  return EnvelopeError::none;
}

std::optional<std::string> stringMember(std::string_view object, std::string_view key) {
  std::string_view found;
  const bool valid = json::forEachMember(object, [&](const json::RawMember& m) {
    if (json::keyIs(m.key, key)) found = m.value;
  });
  if (!valid || found.empty() || found.front() != '"') return std::nullopt;
  return decodeJsonString(found);
}

}  // namespace wind::dispatch
