#include "common/payload.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <limits>

#include "wind/sdk/errors.h"

namespace wind::plugins {

namespace {

[[noreturn]] void invalid(const std::string& reason) {
  throw sdk::RequestError(sdk::ErrorCode::invalidRequest, reason);
}

using Kind = Payload::Member::Kind;

// Poco's parser calls this for every token; it keeps the members at depth 1
// of a root object and notes anything nested under a member as Kind::other.
class TopLevelMembers final : public Poco::JSON::Handler {
 public:
  explicit TopLevelMembers(Payload::Members& members) : members_(members) {}

  bool rootIsObject() const noexcept { return rootIsObject_; }

  void reset() override {
    members_.clear();
    depth_ = 0;
    rootIsObject_ = false;
  }
  void startObject() override { open(true); }
  void endObject() override { --depth_; }
  void startArray() override { open(false); }
  void endArray() override { --depth_; }
  void key(const std::string& name) override {
    if (depth_ == 1) key_ = name;
  }
  void null() override { set(Payload::Member{}); }
  void value(int v) override { setInteger(v); }
  void value(unsigned v) override { setInteger(v); }
  void value(long v) override { setInteger(v); }
  void value(unsigned long v) override {
    setInteger(static_cast<std::int64_t>(
        std::min<unsigned long>(v, std::numeric_limits<std::int64_t>::max())));
  }
  // JSON's true and false are no integers, nor are numbers with a fraction.
  void value(bool) override { set(Payload::Member{}); }
  void value(double) override { set(Payload::Member{}); }
  void value(const std::string& text) override {
    if (depth_ == 1) set(Payload::Member{Kind::string, text, 0});
  }
  Poco::Dynamic::Var asVar() const override { return {}; }
  Poco::DynamicStruct asStruct() const override { return {}; }

 private:
  void open(bool object) {
    if (depth_ == 0) rootIsObject_ = object;
    if (depth_ == 1) set(Payload::Member{});  // a nested object or array: Kind::other
    ++depth_;
  }
  void setInteger(std::int64_t v) { set(Payload::Member{Kind::integer, {}, v}); }
  void set(Payload::Member member) {
    if (depth_ != 1) return;
    for (auto& [name, existing] : members_) {
      if (name == key_) {
        existing = std::move(member);
        return;
      }
    }
    members_.emplace_back(key_, std::move(member));
  }

  Payload::Members& members_;
  std::string key_;
  int depth_ = 0;
  bool rootIsObject_ = false;
};

}  // namespace

Payload::Payload(std::string_view json) {
  Poco::SharedPtr<TopLevelMembers> handler = new TopLevelMembers(members_);
  bool object = false;
  try {
    Poco::JSON::Parser parser(handler);
    parser.parse(std::string(json));
    object = handler->rootIsObject();
  } catch (const Poco::Exception&) {
    // The core already checked the envelope; a payload it could not parse is still a bad request.
  }
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
  return *value;
}

std::optional<std::int64_t> Payload::optionalInteger(const std::string& key) const {
  const Member* member = find(key);
  if (member == nullptr) return std::nullopt;
  if (member->kind != Kind::integer) invalid("\"" + key + "\" must be an integer");
  return member->integer;
}

}  // namespace wind::plugins
