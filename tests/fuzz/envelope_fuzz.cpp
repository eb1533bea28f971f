// libFuzzer target: the envelope parser (core/dispatch/envelope.h) and its
// JSON helpers on arbitrary WebSocket text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dispatch/envelope.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view message(reinterpret_cast<const char*>(data), size);
  wind::dispatch::Envelope envelope;
  const auto error = wind::dispatch::parseEnvelope(message, envelope);
  if (error == wind::dispatch::EnvelopeError::none) {
    // The payload is a span of the message (or the literal "null").
    const bool inside =
        envelope.payload.data() >= message.data() &&
        envelope.payload.data() + envelope.payload.size() <= message.data() + message.size();
    if (!inside && envelope.payload != "null") std::abort();
    if (envelope.nonce &&
        wind::dispatch::codePointCount(*envelope.nonce) > wind::dispatch::kMaxNonceCodePoints) {
      std::abort();
    }
    // A valid envelope's type is found again by the generic member lookup.
    if (wind::dispatch::stringMember(message, "type") != envelope.type) std::abort();
  }
  // decodeJsonString() is reached through stringMember(): its precondition
  // (a literal the scanner accepted) rules out calling it on raw input.
  (void)wind::dispatch::stringMember(message, "content");
  return 0;
}
