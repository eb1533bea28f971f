#include "common/payload.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "wind/sdk/errors.h"

namespace wind::plugins {
namespace {

// The error code a call throws, or 0 when it does not throw.
template <typename Fn>
int codeOf(Fn&& fn) {
  try {
    fn();
    return 0;
  } catch (const sdk::RequestError& e) {
    return static_cast<int>(e.code());
  }
}

TEST(Payload, ReadsTopLevelStringsAndIntegers) {
  const Payload p(R"({"type":"send","chat_id":"42","count":-7,"big":12})");
  EXPECT_EQ(p.requiredString("type"), "send");
  EXPECT_EQ(p.optionalString("chat_id"), "42");
  EXPECT_EQ(p.optionalInteger("count"), -7);
  EXPECT_EQ(p.optionalInteger("big"), 12);
  EXPECT_TRUE(p.has("count"));
  EXPECT_FALSE(p.has("missing"));
  EXPECT_EQ(p.optionalString("missing"), std::nullopt);
  EXPECT_EQ(p.optionalInteger("missing"), std::nullopt);
}

TEST(Payload, EscapesAndUnicodeAreDecoded) {
  const Payload p(R"({"content":"a\"b\\c\u00e9\n"})");
  EXPECT_EQ(p.requiredString("content"), "a\"b\\c\xc3\xa9\n");
}

TEST(Payload, IntegersBeyondInt64Saturate) {
  const Payload p(R"({"n":18446744073709551615,"m":-99999999999999999999})");
  EXPECT_EQ(p.optionalInteger("n"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(p.optionalInteger("m"), std::numeric_limits<std::int64_t>::min());
}

TEST(Payload, KeysWithEscapesAreDecoded) {
  const Payload p(R"({"con\u0074ent":"x"})");
  EXPECT_EQ(p.requiredString("content"), "x");
}

TEST(Payload, AnUnpairedSurrogateEscapeIs4000) {
  EXPECT_EQ(codeOf([] { Payload{R"({"content":"\ud800"})"}; }), 4000);
  EXPECT_EQ(codeOf([] { Payload{R"({"\udc00":"x"})"}; }), 4000);
  EXPECT_EQ(codeOf([] { Payload{R"({"content":"\ud83d\ude00"})"}; }), 0);
}

TEST(Payload, WrongTypesAre4000) {
  const Payload p(
      R"({"s":"x","n":1,"f":1.5,"e":1e3,"b":true,"z":null,"o":{"s":"inner"},"a":["x"]})");
  for (const char* key : {"n", "f", "e", "b", "z", "o", "a"})
    EXPECT_EQ(codeOf([&] { (void)p.optionalString(key); }), 4000) << key;
  for (const char* key : {"s", "f", "e", "b", "z", "o", "a"})
    EXPECT_EQ(codeOf([&] { (void)p.optionalInteger(key); }), 4000) << key;
  EXPECT_EQ(codeOf([&] { (void)p.requiredString("absent"); }), 4000);
}

TEST(Payload, MembersOfNestedObjectsAreNotTopLevel) {
  const Payload p(R"({"outer":{"type":"edit","list":[{"type":"x"}]},"type":"send"})");
  EXPECT_EQ(p.requiredString("type"), "send");
  EXPECT_FALSE(p.has("list"));
  EXPECT_TRUE(p.has("outer"));
}

TEST(Payload, ALaterDuplicateKeyWins) {
  const Payload p(R"({"type":"send","type":"edit"})");
  EXPECT_EQ(p.requiredString("type"), "edit");
}

TEST(Payload, AnythingButAnObjectIs4000) {
  for (const char* json : {R"(["x"])", R"("text")", "12", "null", "true", "{", "", "{\"a\":}"})
    EXPECT_EQ(codeOf([&] { Payload{json}; }), 4000) << json;
  EXPECT_EQ(codeOf([] { Payload{"{}"}; }), 0);
}

}  // namespace
}  // namespace wind::plugins
