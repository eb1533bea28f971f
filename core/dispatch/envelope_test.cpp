#include "dispatch/envelope.h"

#include <gtest/gtest.h>

#include <string>

namespace wind::dispatch {
namespace {

Envelope parseOk(std::string_view text) {
  Envelope env;
  EXPECT_EQ(parseEnvelope(text, env), EnvelopeError::none) << text;
  return env;
}

EnvelopeError errorOf(std::string_view text) {
  Envelope env;
  return parseEnvelope(text, env);
}

std::string payloadOf(std::string_view text) { return std::string(parseOk(text).payload); }

TEST(Envelope, KeepsPayloadTextOfEveryKindVerbatim) {
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":1.50e+10})"), "1.50e+10");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":-0.0E-007})"), "-0.0E-007");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":12345678901234567890123})"),
            "12345678901234567890123");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":"a\"b\u00e9"})"), R"("a\"b\u00e9")");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":true})"), "true");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":false})"), "false");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":null})"), "null");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":[1, [2,{}] ,"x"]})"), R"([1, [2,{}] ,"x"])");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":{ "count" : 7 , "n":[ ] }})"),
            R"({ "count" : 7 , "n":[ ] })");
  EXPECT_EQ(payloadOf(R"({"type":"heartbeat","payload":{}})"), "{}");
}

TEST(Envelope, PayloadSpanExcludesSurroundingWhitespace) {
  const Envelope env =
      parseOk(" \r\n\t{ \"payload\" :\n  {\"count\": 1}\t , \"type\" : \"heartbeat\" } \n");
  EXPECT_EQ(env.type, "heartbeat");
  EXPECT_EQ(env.payload, "{\"count\": 1}");
}

TEST(Envelope, AbsentPayloadIsNull) {
  const Envelope env = parseOk(R"({"type":"heartbeat"})");
  EXPECT_EQ(env.payload, "null");
  EXPECT_FALSE(env.nonce.has_value());
}

TEST(Envelope, DecodesEscapesInType) {
  EXPECT_EQ(parseOk(R"({"type":"heart\u0062eat"})").type, "heartbeat");
  EXPECT_EQ(parseOk(R"({"type":"a\"\\\/\b\f\n\r\t"})").type, "a\"\\/\b\f\n\r\t");
  EXPECT_EQ(parseOk(R"({"type":"\u00e9\u20ac"})").type, "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parseOk(R"({"type":"\ud83d\ude00"})").type, "\xF0\x9F\x98\x80");
  EXPECT_EQ(parseOk(R"({"typ\u0065":"chat"})").type, "chat");
}

TEST(Envelope, UnpairedSurrogateInTypeIsInvalid) {
  EXPECT_EQ(errorOf(R"({"type":"\ud83d"})"), EnvelopeError::invalidJson);
  EXPECT_EQ(errorOf(R"({"type":"\ude00x"})"), EnvelopeError::invalidJson);
  EXPECT_EQ(errorOf(R"({"type":"\ud83d\u0041"})"), EnvelopeError::invalidJson);
}

TEST(Envelope, NonceRules) {
  EXPECT_EQ(parseOk(R"({"type":"x","nonce":"abc"})").nonce, std::optional<std::string>("abc"));
  EXPECT_EQ(parseOk(R"({"type":"x","nonce":""})").nonce, std::optional<std::string>(""));
  const std::string max(64, 'n');
  EXPECT_EQ(parseOk(R"({"type":"x","nonce":")" + max + "\"}").nonce, max);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":")" + max + "n\"}"), EnvelopeError::invalidNonce);
  std::string accents;
  for (int i = 0; i < 64; ++i) accents += "\xC3\xA9";  // 64 code points, 128 bytes
  EXPECT_EQ(parseOk(R"({"type":"x","nonce":")" + accents + "\"}").nonce, accents);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":")" + accents + "\xC3\xA9\"}"),
            EnvelopeError::invalidNonce);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":5})"), EnvelopeError::invalidNonce);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":null})"), EnvelopeError::invalidNonce);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":["a"]})"), EnvelopeError::invalidNonce);
  EXPECT_EQ(errorOf(R"({"type":"x","nonce":"\udc00"})"), EnvelopeError::invalidNonce);
}

TEST(Envelope, NonceEscapesAreDecodedBeforeCounting) {
  std::string escaped;
  for (int i = 0; i < 64; ++i) escaped += "\\u0041";
  EXPECT_EQ(parseOk(R"({"type":"x","nonce":")" + escaped + "\"}").nonce, std::string(64, 'A'));
}

TEST(Envelope, InvalidJsonBeatsInvalidNonce) {
  EXPECT_EQ(errorOf(R"({"type":5,"nonce":5})"), EnvelopeError::invalidJson);
}

TEST(Envelope, DuplicateKeysLastWins) {
  const Envelope env = parseOk(R"({"type":"a","payload":1,"type":"b","payload":2})");
  EXPECT_EQ(env.type, "b");
  EXPECT_EQ(env.payload, "2");
  EXPECT_EQ(errorOf(R"({"type":"a","type":7})"), EnvelopeError::invalidJson);
}

TEST(Envelope, IgnoresUnknownMembers) {
  EXPECT_EQ(parseOk(R"({"x":{"type":1},"type":"chat","y":[]})").type, "chat");
}

TEST(Envelope, DepthLimit) {
  auto nested = [](int depth) {
    // The envelope object is depth 1; the payload adds depth - 1 arrays.
    return R"({"type":"x","payload":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') +
           "}";
  };
  EXPECT_EQ(errorOf(nested(kMaxDepth)), EnvelopeError::none);
  EXPECT_EQ(errorOf(nested(kMaxDepth + 1)), EnvelopeError::invalidJson);
  EXPECT_EQ(errorOf(std::string(100000, '[')), EnvelopeError::invalidJson);
  std::string deepObjects = R"({"type":"x","payload":)";
  for (int i = 0; i < 100000; ++i) deepObjects += R"({"a":)";
  EXPECT_EQ(errorOf(deepObjects), EnvelopeError::invalidJson);
}

TEST(Envelope, InvalidJsonVariants) {
  const char* cases[] = {
      "",
      "   ",
      "{",
      "}",
      "{\"type\":\"x\"",
      "{\"type\":\"x\"}}",
      "{\"type\":\"x\"} x",
      "{\"type\":\"x\",}",
      "{,\"type\":\"x\"}",
      "{\"type\" \"x\"}",
      "{'type':'x'}",
      "{type:\"x\"}",
      "{\"type\":\"x\",\"payload\":01}",
      "{\"type\":\"x\",\"payload\":1.}",
      "{\"type\":\"x\",\"payload\":.5}",
      "{\"type\":\"x\",\"payload\":+1}",
      "{\"type\":\"x\",\"payload\":1e}",
      "{\"type\":\"x\",\"payload\":-}",
      "{\"type\":\"x\",\"payload\":0x10}",
      "{\"type\":\"x\",\"payload\":NaN}",
      "{\"type\":\"x\",\"payload\":Infinity}",
      "{\"type\":\"x\",\"payload\":tru}",
      "{\"type\":\"x\",\"payload\":nul}",
      "{\"type\":\"x\",\"payload\":[1,]}",
      "{\"type\":\"x\",\"payload\":[1 2]}",
      "{\"type\":\"x\",\"payload\":{\"a\"}}",
      "{\"type\":\"x\",\"payload\":{1:2}}",
      "{\"type\":\"x\",\"payload\":\"\\x\"}",
      "{\"type\":\"x\",\"payload\":\"\\u12\"}",
      "{\"type\":\"x\",\"payload\":\"\\u12g4\"}",
      "{\"type\":\"x\",\"payload\":\"a\nb\"}",
      "{\"type\":\"x\",\"payload\":\"a\tb\"}",
      "{\"type\":\"x\",\"payload\":\"open}",
      "{\"type\":\"x\"\f}",
      "/*c*/{\"type\":\"x\"}",
  };
  for (const char* text : cases) {
    EXPECT_EQ(errorOf(text), EnvelopeError::invalidJson) << '[' << text << ']';
  }
  EXPECT_EQ(errorOf(std::string_view("{\"type\":\"x\"}\0", 13)), EnvelopeError::invalidJson);
  EXPECT_EQ(errorOf(std::string_view("{\"type\":\"\0\"}", 11)), EnvelopeError::invalidJson);
}

TEST(Envelope, NotAnObjectOrNoStringType) {
  for (const char* text : {"[]", "\"heartbeat\"", "1", "null", "true", "[{\"type\":\"x\"}]", "{}",
                           "{\"payload\":1}", "{\"type\":1}", "{\"type\":null}",
                           "{\"type\":[\"x\"]}", "{\"type\":{}}", "{\"Type\":\"x\"}"}) {
    EXPECT_EQ(errorOf(text), EnvelopeError::invalidJson) << text;
  }
}

TEST(Envelope, EmptyTypeIsAString) { EXPECT_EQ(parseOk(R"({"type":""})").type, ""); }

TEST(StringMember, FindsAndDecodes) {
  EXPECT_EQ(stringMember(R"({"auth":"t\u006fken"})", "auth"), std::optional<std::string>("token"));
  EXPECT_EQ(stringMember(R"( {"x":1, "auth" : "a", "auth":"b"} )", "auth"),
            std::optional<std::string>("b"));
  EXPECT_FALSE(stringMember(R"({"auth":5})", "auth"));
  EXPECT_FALSE(stringMember(R"({"other":"x"})", "auth"));
  EXPECT_FALSE(stringMember(R"(["auth"])", "auth"));
  EXPECT_FALSE(stringMember("null", "auth"));
  EXPECT_FALSE(stringMember(R"({"auth":"x")", "auth"));
  EXPECT_FALSE(stringMember(R"({"auth":{"auth":"x"}})", "auth"));
}

TEST(CodePoints, CountsUtf8Sequences) {
  EXPECT_EQ(codePointCount(""), 0u);
  EXPECT_EQ(codePointCount("abc"), 3u);
  EXPECT_EQ(codePointCount("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"), 3u);
}

}  // namespace
}  // namespace wind::dispatch
