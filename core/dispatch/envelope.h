#pragma once
// Parsing one WebSocket text message into its envelope (PROTOCOL.md §3):
// {"type": <string>, "payload": <any>, "nonce": <string, optional>}.
//
// The message is scanned once by the SDK's strict RFC 8259 reader
// (wind/sdk/json_reader.h), which validates the whole document and records
// the spans of the top-level members, so the payload is handed on as its
// exact original text (the heartbeat echo keeps
// number digits such as 1.50e+10). Pure functions; any thread.
//
// Rules:
//  - Not JSON, not an object, "type" absent or not a string, or nesting
//    deeper than kMaxDepth (the top-level object is depth 1) → invalidJson
//    (error 1007, the connection stays open).
//  - "nonce" present but not a string of at most kMaxNonceCodePoints code
//    points (null included) → invalidNonce (error 4000).
//  - "payload" absent → "null".
//  - Duplicate top-level keys: the last one wins (as most JSON parsers do),
//    also for keys spelled with escapes ("typ\u0065" is "type").
//  - Strings are checked for RFC 8259 grammar; UTF-8 validity of the whole
//    message is the transport's job (RFC 6455). A decoded "type" or "nonce"
//    holding an unpaired \uD800–\uDFFF escape is invalid (1007 / 4000).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "wind/sdk/json_reader.h"

namespace wind::dispatch {

inline constexpr int kMaxDepth = sdk::json::kMaxDepth;
inline constexpr std::size_t kMaxNonceCodePoints = 64;

enum class EnvelopeError {
  none,
  invalidJson,   // answer error 1007
  invalidNonce,  // answer error 4000
};

struct Envelope {
  std::string type;                  // decoded
  std::string_view payload;          // a span of the message: valid while the message is
  std::optional<std::string> nonce;  // decoded
};

// Fills `out` when it returns EnvelopeError::none; `out.payload` points into
// `message`. Allocates only for the decoded type and nonce (short strings
// fit the small-string buffer).
EnvelopeError parseEnvelope(std::string_view message, Envelope& out);

// The decoded value of the string member `key` of the JSON object `json`
// (last one wins); nullopt when `json` is not a valid JSON object (same
// depth limit) or the member is absent or not a string.
std::optional<std::string> stringMember(std::string_view json, std::string_view key);

// Decodes a JSON string literal (with its quotes) that the scanner accepted;
// nullopt for an unpaired surrogate escape.
std::optional<std::string> decodeJsonString(std::string_view literal);

// Number of Unicode code points in valid UTF-8 text.
std::size_t codePointCount(std::string_view utf8) noexcept;

}  // namespace wind::dispatch
