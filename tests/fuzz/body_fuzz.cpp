// libFuzzer target: HTTP request bodies of the auth API (core/http/body.h),
// form-urlencoded and JSON, plus the size-limited reader and Accept parsing.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "http/body.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> kWanted{"name", "email", "password", "token"};
  static const char* const kTypes[] = {"application/x-www-form-urlencoded", "application/json",
                                       "application/json; charset=utf-8", "", "text/plain"};
  FuzzedDataProvider input(data, size);
  const std::string contentType = kTypes[input.ConsumeIntegralInRange<int>(0, 4)];
  const std::string accept = input.ConsumeRandomLengthString(64);
  const std::string body = input.ConsumeRemainingBytesAsString();
  try {
    const auto fields = wind::http::parseFields(contentType, body, kWanted);
    for (const auto& [name, value] : fields) {
      // Only wanted fields come back, always valid UTF-8.
      if (std::find(kWanted.begin(), kWanted.end(), name) == kWanted.end()) std::abort();
      if (!wind::http::isValidUtf8(value)) std::abort();
    }
  } catch (const wind::http::BodyError& error) {
    if (error.status() != 400 || error.code() != 4000) std::abort();
  }
  std::istringstream stream(body);
  try {
    if (wind::http::readLimited(stream, 64).size() > 64) std::abort();
  } catch (const wind::http::BodyError& error) {
    if (error.status() != 413 || body.size() <= 64) std::abort();
  }
  (void)wind::http::prefersHtml(accept);
  return 0;
}
