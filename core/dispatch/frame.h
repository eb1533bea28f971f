#pragma once
// Building outgoing frames: {"type":…,"payload":…[,"nonce":…]}.

#include <optional>
#include <string>
#include <string_view>

#include "wind/sdk/errors.h"
#include "wind/sdk/json.h"

namespace wind::dispatch {

// `payloadJson` is inserted verbatim (it must already be JSON text).
inline std::string makeFrame(std::string_view type, std::string_view payloadJson,
                             std::optional<std::string_view> nonce = std::nullopt) {
  std::string out;
  out.reserve(type.size() + payloadJson.size() + 32 + (nonce ? nonce->size() + 12 : 0));
  out += "{\"type\":";
  sdk::json::appendQuoted(out, type);
  out += ",\"payload\":";
  out += payloadJson;
  if (nonce) {
    out += ",\"nonce\":";
    sdk::json::appendQuoted(out, *nonce);
  }
  out += '}';
  return out;
}

inline std::string makeErrorPayload(sdk::ErrorCode code, std::string_view reason) {
  std::string out = "{\"code\":";
  out += std::to_string(static_cast<int>(code));
  out += ",\"reason\":";
  sdk::json::appendQuoted(out, reason);
  out += '}';
  return out;
}

}  // namespace wind::dispatch
