#pragma once
// Reading a request payload (JSON text from the core), shared by the
// standard plugins. Only the top-level members of the payload object are
// kept, as strings, integers or "something else": the plugins read nothing
// deeper. Read with the SDK's json::forEachMember, which allocates nothing
// (Poco's parser, used before, was 8 % of the server's CPU on the chat hot
// path). Every shape error is a RequestError 4000.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wind::plugins {

class Payload {
 public:
  // Throws RequestError 4000 unless `text` is a JSON object whose keys and
  // top-level strings decode (no unpaired \uD800–\uDFFF escape).
  explicit Payload(std::string_view text);

  bool has(const std::string& key) const { return find(key) != nullptr; }
  // The string at `key`; nullopt when absent; 4000 when present but not a string.
  std::optional<std::string> optionalString(const std::string& key) const;
  // The string at `key`; 4000 when absent or not a string.
  std::string requiredString(const std::string& key) const;
  // The integer at `key` (a JSON number without fraction or exponent);
  // nullopt when absent; 4000 for anything else. Values beyond the int64
  // range saturate to its bounds.
  std::optional<std::int64_t> optionalInteger(const std::string& key) const;

  // One top-level member. Public for the parser in payload.cpp.
  struct Member {
    enum class Kind { string, integer, other };
    Kind kind = Kind::other;
    std::string text;          // Kind::string
    std::int64_t integer = 0;  // Kind::integer, saturated to the int64 range
  };
  using Members = std::vector<std::pair<std::string, Member>>;

 private:
  const Member* find(const std::string& key) const;

  Members members_;  // a later duplicate key replaces the earlier one
};

}  // namespace wind::plugins
