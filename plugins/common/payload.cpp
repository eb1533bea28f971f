#include "common/payload.h"

#include <charconv>
#include <limits>

#include "wind/sdk/errors.h"
#include "wind/sdk/json_reader.h"

namespace wind::plugins {

namespace {

namespace json = sdk::json;
using Kind = Payload::Member::Kind;

[[noreturn]] void invalid(const std::string& reason) {
  throw sdk::RequestError(sdk::ErrorCode::invalidRequest, reason);
}

// A JSON number without fraction or exponent; beyond the int64 range it
// saturates. nullopt for any other value.
std::optional<std::int64_t> integerOf(std::string_view text) noexcept {
  if (text.empty() || text.find_first_of(".eE") != std::string_view::npos) return std::nullopt;
  const char first = text.front();
  if (first != '-' && (first < '0' || first > '9')) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return first == '-' ? std::numeric_limits<std::int64_t>::min()
                        : std::numeric_limits<std::int64_t>::max();
  }
  return ec == std::errc{} && end == text.data() + text.size() ? std::optional(value)
                                                               : std::nullopt;
}

// A key or string value the reader passed on, decoded.
std::string decoded(std::string_view literal) {
  auto text = json::decodeString(literal);
  if (!text) invalid("payload holds an unpaired \\u surrogate escape");
  return std::move(*text);
}

Payload::Member memberOf(std::string_view value) {
  if (value.front() == '"') return {Kind::string, decoded(value), 0};
  if (auto integer = integerOf(value)) return {Kind::integer, {}, *integer};
  return {};
}

}  // namespace

Payload::Payload(std::string_view text) {
  // Handlers read a few members; most payloads have no more than this.
  members_.reserve(4);
  const bool object = json::forEachMember(text, [this](const json::RawMember& raw) {
    std::string key = decoded(raw.key);
    Member member = memberOf(raw.value);
    for (auto& [name, existing] : members_) {
      if (name == key) {
        existing = std::move(member);
        return;
      }
    }
    members_.emplace_back(std::move(key), std::move(member));
  });
  if (!object) invalid("payload must be an object");
}

const Payload::Member* Payload::find(const std::string& key) const {
  for (const auto& [name, member] : members_) {
    if (name == key) return &member;
  }
  return nullptr;
}

std::optional<std::string> Payload::optionalString(const std::string& key) const {
  const Member* member = find(key);
  if (member == nullptr) return std::nullopt;
  if (member->kind != Kind::string) invalid("\"" + key + "\" must be a string");
  return member->text;
}

std::string Payload::requiredString(const std::string& key) const {
  auto value = optionalString(key);
  if (!value) invalid("\"" + key + "\" is missing");
  return std::move(*value);
}

std::optional<std::int64_t> Payload::optionalInteger(const std::string& key) const {
  const Member* member = find(key);
  if (member == nullptr) return std::nullopt;
  if (member->kind != Kind::integer) invalid("\"" + key + "\" must be an integer");
  return member->integer;
}

}  // namespace wind::plugins
