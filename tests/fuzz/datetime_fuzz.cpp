// libFuzzer target: the `datetime` of a history load (plugins/load/datetime.h:
// wire time or its base64) and the SDK's wire time (wind/sdk/time.h).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "datetime.h"
#include "wind/sdk/time.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Wire time: what parses formats back to the same text.
  if (const auto micros = wind::sdk::time::parseMicros(text)) {
    if (wind::sdk::time::formatMicros(*micros) != text) std::abort();
    if (wind::plugins::load::parseLoadDatetime(text) != micros) std::abort();
  }
  (void)wind::plugins::load::decodeBase64(text);
  (void)wind::plugins::load::parseLoadDatetime(text);
  // Any 64-bit value formats to the fixed shape and parses back (clamped).
  if (size >= 8) {
    std::int64_t value = 0;
    for (int i = 0; i < 8; ++i)
      value = static_cast<std::int64_t>((static_cast<std::uint64_t>(value) << 8) | data[i]);
    const std::string formatted = wind::sdk::time::formatMicros(value);
    if (formatted.size() != 26 || !wind::sdk::time::parseMicros(formatted)) std::abort();
  }
  return 0;
}
