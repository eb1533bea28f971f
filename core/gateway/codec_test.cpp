// The ideas of the Autobahn testsuite groups 1–7 and 9, each fed whole, one
// byte at a time and in odd-sized chunks.
#include "gateway/codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace wind::gateway {
namespace {

constexpr std::size_t kMax = 65536;

struct FrameSpec {
  unsigned opcode = 0x1;
  std::string payload;
  bool fin = true;
  unsigned rsv = 0;  // bits 0x70 of the first byte
  bool masked = true;
};

// A client frame as a browser would send it (masked, key varying per frame).
std::string clientFrame(const FrameSpec& spec) {
  static unsigned keySeed = 0x37;
  std::string out;
  out.push_back(static_cast<char>((spec.fin ? 0x80 : 0) | spec.rsv | spec.opcode));
  const std::uint64_t size = spec.payload.size();
  const char maskBit = spec.masked ? static_cast<char>(0x80) : 0;
  if (size < 126) {
    out.push_back(static_cast<char>(maskBit | static_cast<char>(size)));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(maskBit | 126));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size));
  } else {
    out.push_back(static_cast<char>(maskBit | 127));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(size >> (8 * i)));
  }
  if (!spec.masked) return out + spec.payload;
  const char key[4] = {static_cast<char>(keySeed), static_cast<char>(keySeed * 3),
                       static_cast<char>(keySeed * 7), static_cast<char>(keySeed * 11)};
  keySeed += 13;
  out.append(key, 4);
  for (std::size_t i = 0; i < spec.payload.size(); ++i) {
    out.push_back(static_cast<char>(spec.payload[i] ^ key[i % 4]));
  }
  return out;
}

std::string text(std::string payload, bool fin = true) {
  return clientFrame({0x1, std::move(payload), fin});
}
std::string binary(std::string payload, bool fin = true) {
  return clientFrame({0x2, std::move(payload), fin});
}
std::string cont(std::string payload, bool fin = true) {
  return clientFrame({0x0, std::move(payload), fin});
}
std::string ping(std::string payload) { return clientFrame({0x9, std::move(payload)}); }
std::string pong(std::string payload) { return clientFrame({0xA, std::move(payload)}); }
std::string close(std::string payload) { return clientFrame({0x8, std::move(payload)}); }

std::string closePayload(std::uint16_t code, std::string reason = {}) {
  std::string out{static_cast<char>(code >> 8), static_cast<char>(code)};
  return out + reason;
}

class Recorder final : public CodecEvents {
 public:
  void onText(std::string_view message) override {
    events.push_back("text:" + std::string(message));
  }
  void onBinary(std::string_view message) override {
    events.push_back("binary:" + std::string(message));
  }
  void onPing(std::string_view payload) override {
    events.push_back("ping:" + std::string(payload));
  }
  void onPong(std::string_view payload) override {
    events.push_back("pong:" + std::string(payload));
  }
  void onClose(std::uint16_t code, std::string_view reason) override {
    events.push_back("close:" + std::to_string(code) + ":" + std::string(reason));
  }
  void onProtocolError(std::uint16_t code, std::string_view) override {
    events.push_back("error:" + std::to_string(code));
  }
  std::vector<std::string> events;
};

std::vector<std::string> decodeInChunks(const std::string& wire, std::size_t chunk,
                                        std::size_t max) {
  Codec codec(max);
  Recorder recorder;
  std::string copy = wire;
  for (std::size_t pos = 0; pos < copy.size(); pos += chunk) {
    codec.feed(copy.data() + pos, std::min(chunk, copy.size() - pos), recorder);
  }
  return recorder.events;
}

// Same events whole, byte by byte, and in chunks that split headers and
// masks at every offset.
void expectEvents(const std::string& wire, const std::vector<std::string>& expected,
                  std::size_t max = kMax) {
  for (std::size_t chunk : {wire.size() + 1, std::size_t{1}, std::size_t{2}, std::size_t{3},
                            std::size_t{7}, std::size_t{13}}) {
    EXPECT_EQ(decodeInChunks(wire, chunk, max), expected) << "chunk size " << chunk;
  }
}

std::string errorOf(std::uint16_t code) { return "error:" + std::to_string(code); }

// Group 1: framing.
TEST(CodecFraming, TextOfEveryLengthClass) {
  for (std::size_t size : {0U, 1U, 125U, 126U, 127U, 128U, 65535U, 65536U}) {
    const std::string payload(size, 'a');
    expectEvents(text(payload), {"text:" + payload}, 1 << 20);
  }
}

TEST(CodecFraming, BinaryOfEveryLengthClass) {
  for (std::size_t size : {0U, 125U, 126U, 65535U, 65536U, 70000U}) {
    const std::string payload(size, '\xfe');
    expectEvents(binary(payload), {"binary:" + payload}, 1 << 20);
  }
}

TEST(CodecFraming, SeveralMessagesInOneChunk) {
  expectEvents(text("one") + binary("two") + text("three"),
               {"text:one", "binary:two", "text:three"});
}

TEST(CodecFraming, UnmaskedClientFrameIsProtocolError) {
  expectEvents(clientFrame({0x1, "hello", true, 0, false}), {errorOf(1002)});
}

TEST(CodecFraming, LengthWithHighBitIsProtocolError) {
  std::string wire{static_cast<char>(0x81), static_cast<char>(0xFF)};
  wire += std::string(1, '\x80') + std::string(7, '\0') + "abcd";
  expectEvents(wire, {errorOf(1002)});
}

// Group 2: pings and pongs.
TEST(CodecPing, PingIsReportedWithPayload) {
  expectEvents(ping(""), {"ping:"});
  expectEvents(ping("hello"), {"ping:hello"});
  const std::string full(125, '\xfe');
  expectEvents(ping(full), {"ping:" + full});
}

TEST(CodecPing, PingOver125BytesIsProtocolError) {
  expectEvents(ping(std::string(126, 'x')), {errorOf(1002)});
}

TEST(CodecPing, UnsolicitedPongIsReported) { expectEvents(pong("ignored"), {"pong:ignored"}); }

TEST(CodecPing, TenPingsInARow) {
  std::string wire;
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) {
    wire += ping("p" + std::to_string(i));
    expected.push_back("ping:p" + std::to_string(i));
  }
  expectEvents(wire, expected);
}

// Group 3: reserved bits.
TEST(CodecReserved, AnyReservedBitIsProtocolError) {
  for (unsigned rsv : {0x10U, 0x20U, 0x30U, 0x40U, 0x50U, 0x60U, 0x70U}) {
    expectEvents(clientFrame({0x1, "hello", true, rsv}), {errorOf(1002)});
    expectEvents(text("ok") + clientFrame({0x9, "", true, rsv}) + text("lost"),
                 {"text:ok", errorOf(1002)});
  }
}

// Group 4: opcodes.
TEST(CodecOpcodes, ReservedOpcodesAreProtocolErrors) {
  for (unsigned opcode : {3U, 4U, 5U, 6U, 7U, 0xBU, 0xCU, 0xDU, 0xEU, 0xFU}) {
    expectEvents(clientFrame({opcode, ""}), {errorOf(1002)});
    expectEvents(text("ok") + clientFrame({opcode, "payload"}) + ping(""),
                 {"text:ok", errorOf(1002)});
  }
}

// Group 5: fragmentation.
TEST(CodecFragments, TextFragmentsAreJoined) {
  expectEvents(text("Hello, ", false) + cont("Wor", false) + cont("ld!"), {"text:Hello, World!"});
}

TEST(CodecFragments, EmptyFragmentsAreFine) {
  expectEvents(text("", false) + cont("", false) + cont("x", false) + cont(""), {"text:x"});
  expectEvents(binary("", false) + cont(""), {"binary:"});
}

TEST(CodecFragments, ControlFramesMayInterleave) {
  expectEvents(text("frag", false) + ping("p") + cont("ment", false) + pong("q") + cont("ed"),
               {"ping:p", "pong:q", "text:fragmented"});
}

TEST(CodecFragments, FragmentedControlFrameIsProtocolError) {
  expectEvents(clientFrame({0x9, "pi", false}) + cont("ng"), {errorOf(1002)});
  expectEvents(clientFrame({0x8, closePayload(1000), false}), {errorOf(1002)});
}

TEST(CodecFragments, ContinuationWithoutStartIsProtocolError) {
  expectEvents(cont("orphan"), {errorOf(1002)});
  expectEvents(cont("orphan", false), {errorOf(1002)});
  expectEvents(text("done") + cont("late"), {"text:done", errorOf(1002)});
}

TEST(CodecFragments, NewMessageDuringFragmentationIsProtocolError) {
  expectEvents(text("a", false) + text("b"), {errorOf(1002)});
  expectEvents(text("a", false) + binary("b"), {errorOf(1002)});
}

TEST(CodecFragments, ManySmallFragments) {
  std::string wire = text("0", false);
  std::string whole = "0";
  for (int i = 1; i < 100; ++i) {
    wire += cont(std::to_string(i % 10), false);
    whole += std::to_string(i % 10);
  }
  wire += cont("");
  expectEvents(wire, {"text:" + whole});
}

// Group 6: UTF-8.
TEST(CodecUtf8, ValidMultiByteText) {
  const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
  expectEvents(text(kosme), {"text:" + kosme});
  const std::string edges =
      "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
  expectEvents(text(edges), {"text:" + edges});
  const std::string nonCharacter = "\xef\xbf\xbe";  // U+FFFE is still valid UTF-8
  expectEvents(text(nonCharacter), {"text:" + nonCharacter});
}

TEST(CodecUtf8, CodePointsSplitAcrossFragmentsAtEveryOffset) {
  const std::string payload = "a\xce\xba\xe1\xbd\xb9\xf0\x9f\x98\x80z";
  for (std::size_t cut = 0; cut <= payload.size(); ++cut) {
    expectEvents(text(payload.substr(0, cut), false) + cont(payload.substr(cut)),
                 {"text:" + payload});
  }
  // One fragment per byte.
  std::string wire = text(payload.substr(0, 1), false);
  for (std::size_t j = 1; j < payload.size(); ++j)
    wire += cont(payload.substr(j, 1), j + 1 == payload.size());
  expectEvents(wire, {"text:" + payload});
}

TEST(CodecUtf8, ClassicInvalidSequencesAreRejected) {
  const std::vector<std::string> invalid = {
      "\x80",                      // lone continuation byte
      "\xbf",                      // lone continuation byte
      "a\x80\xbf",                 // continuations after ASCII
      "\xc0\xaf",                  // overlong '/'
      "\xe0\x80\xaf",              // overlong '/'
      "\xf0\x80\x80\xaf",          // overlong '/'
      "\xc1\xbf",                  // maximum overlong 2-byte
      "\xe0\x9f\xbf",              // maximum overlong 3-byte
      "\xf0\x8f\xbf\xbf",          // maximum overlong 4-byte
      "\xed\xa0\x80",              // high surrogate
      "\xed\xbf\xbf",              // low surrogate
      "\xed\xa0\x80\xed\xb0\x80",  // surrogate pair
      "\xf4\x90\x80\x80",          // U+110000
      "\xf5\x80\x80\x80",          // lead byte above F4
      "\xf8\x88\x80\x80\x80",      // 5-byte form
      "\xfc\x84\x80\x80\x80\x80",  // 6-byte form
      "\xfe",
      "\xff",
      "\xce\xba\xe1\xbd",  // truncated at the end of the message
      "\xc2",              // truncated at the end of the message
      "\xc2\x41",          // missing continuation
      "\xe1\x80\x41",      // missing continuation
  };
  for (const std::string& bad : invalid) {
    expectEvents(text(bad), {errorOf(1007)});
    expectEvents(text("", false) + cont(bad), {errorOf(1007)});
  }
}

TEST(CodecUtf8, InvalidPrefixFailsBeforeTheMessageEnds) {
  // The final fragment never arrives: the error must come from the prefix.
  Codec codec(kMax);
  Recorder recorder;
  std::string wire = text("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80", false) +
                     cont("edited", false);
  codec.feed(wire.data(), wire.size(), recorder);
  EXPECT_EQ(recorder.events, std::vector<std::string>{errorOf(1007)});
}

TEST(CodecUtf8, InvalidPrefixInsideOneFrameFailsBeforeItsEnd) {
  Codec codec(kMax);
  Recorder recorder;
  std::string wire = text("ok \xf4\x90 and then a long tail that has not arrived yet");
  codec.feed(wire.data(), 6 + 5, recorder);  // header, mask key and "ok \xf4\x90"
  EXPECT_EQ(recorder.events, std::vector<std::string>{errorOf(1007)});
}

TEST(CodecUtf8, BinaryIsNotChecked) { expectEvents(binary("\xff\xfe"), {"binary:\xff\xfe"}); }

TEST(CodecUtf8, Validator) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii long enough for the word loop"));
  EXPECT_FALSE(isValidUtf8("plain ascii long enough \xff for the word loop"));
  Utf8Validator validator;
  EXPECT_TRUE(validator.feed("\xf0\x9f", 2));
  EXPECT_FALSE(validator.complete());
  EXPECT_TRUE(validator.feed("\x98\x80", 2));
  EXPECT_TRUE(validator.complete());
  EXPECT_FALSE(validator.feed("\xc0", 1));
  EXPECT_FALSE(validator.complete());
  EXPECT_FALSE(validator.feed("a", 1));  // failure is sticky
}

// Group 7: close handling.
TEST(CodecClose, EmptyCloseHasNoStatus) { expectEvents(close(""), {"close:1005:"}); }

TEST(CodecClose, CloseWithCodeAndReason) {
  expectEvents(close(closePayload(1000, "bye")), {"close:1000:bye"});
  const std::string longReason(123, 'r');
  expectEvents(close(closePayload(1000, longReason)), {"close:1000:" + longReason});
}

TEST(CodecClose, NothingIsDecodedAfterClose) {
  expectEvents(close(closePayload(1000)) + text("after") + ping(""), {"close:1000:"});
}

TEST(CodecClose, OneBytePayloadIsProtocolError) {
  expectEvents(close(std::string(1, '\x03')), {errorOf(1002)});
}

TEST(CodecClose, ValidCodesAreAccepted) {
  for (std::uint16_t code :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999}) {
    expectEvents(close(closePayload(code)), {"close:" + std::to_string(code) + ":"});
  }
}

TEST(CodecClose, InvalidCodesAreProtocolErrors) {
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    expectEvents(close(closePayload(code)), {errorOf(1002)});
  }
}

TEST(CodecClose, InvalidUtf8ReasonIs1007) {
  expectEvents(close(closePayload(1000, "\xce\xba\xe1\xbd\xb9\xed\xa0\x80")), {errorOf(1007)});
}

TEST(CodecClose, CloseOver125BytesIsProtocolError) {
  expectEvents(close(closePayload(1000, std::string(124, 'r'))), {errorOf(1002)});
}

// Group 9: limits and large messages.
TEST(CodecLimits, MessageOfExactlyMaxIsDelivered) {
  const std::string payload(kMax, 'x');
  expectEvents(text(payload), {"text:" + payload});
}

TEST(CodecLimits, FrameOverMaxIs1009) {
  expectEvents(text(std::string(kMax + 1, 'x')), {errorOf(1009)});
}

TEST(CodecLimits, FragmentsTogetherOverMaxAre1009) {
  const std::string half(kMax / 2, 'x');
  expectEvents(text(half, false) + cont(half), {"text:" + half + half});
  expectEvents(text(half, false) + cont(half, false) + cont("y"), {errorOf(1009)});
}

TEST(CodecLimits, HeaderAnnouncingTooMuchFailsBeforeThePayload) {
  std::string header{
      static_cast<char>(0x81), static_cast<char>(0xFF), 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4};
  expectEvents(header, {errorOf(1009)});
  std::string header16{static_cast<char>(0x82), static_cast<char>(0xFE), 0x7F, 0x00, 1, 2, 3, 4};
  expectEvents(header16, {errorOf(1009)}, 1000);
}

TEST(CodecLimits, ManyLargeMessagesInARow) {
  std::string wire;
  std::vector<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    const std::string payload(60000 + i, static_cast<char>('a' + i));
    wire += text(payload);
    expected.push_back("text:" + payload);
  }
  expectEvents(wire, expected);
}

// Random valid traffic (fragmented messages, interleaved pings, every length
// class) split at random points decodes to the same events as fed whole.
TEST(CodecRandom, RandomSplitsMatchWholeFeeding) {
  std::mt19937 random(20261126);
  for (int round = 0; round < 30; ++round) {
    std::string wire;
    std::vector<std::string> expected;
    for (int message = 0; message < 20; ++message) {
      const bool isText = random() % 2 == 0;
      const std::size_t size = std::vector<std::size_t>{0, 5, 125, 126, 300, 70000}[random() % 6];
      std::string payload;
      for (std::size_t i = 0; i < size; ++i) {
        payload += isText ? (i % 7 == 6 ? std::string("\xce\xba")
                                        : std::string(1, static_cast<char>('a' + i % 26)))
                          : std::string(1, static_cast<char>(random()));
      }
      std::size_t pos = 0;
      const std::size_t fragments = 1 + random() % 4;
      for (std::size_t f = 0; f < fragments; ++f) {
        const bool last = f + 1 == fragments;
        const std::size_t take = last ? payload.size() - pos
                                      : std::min(payload.size() - pos, std::size_t(random() % 200));
        const unsigned opcode = f == 0 ? (isText ? 0x1U : 0x2U) : 0x0U;
        wire += clientFrame({opcode, payload.substr(pos, take), last});
        pos += take;
        if (last) expected.push_back((isText ? "text:" : "binary:") + payload);
        if (random() % 3 == 0) {
          wire += ping("p" + std::to_string(message));
          expected.push_back("ping:p" + std::to_string(message));
        }
      }
    }
    Codec codec(1 << 20);
    Recorder recorder;
    std::string copy = wire;
    for (std::size_t pos = 0; pos < copy.size();) {
      const std::size_t take = std::min(copy.size() - pos, std::size_t(1 + random() % 5000));
      codec.feed(copy.data() + pos, take, recorder);
      pos += take;
    }
    // Compared as a whole only: the payloads are too long to print usefully.
    ASSERT_TRUE(recorder.events == expected) << "round " << round;
    EXPECT_TRUE(decodeInChunks(wire, wire.size(), 1 << 20) == expected) << "round " << round;
  }
}

// Encoder.
std::string frame(Opcode opcode, std::string_view payload) {
  std::string out;
  Codec::appendFrame(out, opcode, payload);
  return out;
}

TEST(CodecEncoder, LengthEncodings) {
  EXPECT_EQ(frame(Opcode::text, "hi"), std::string("\x81\x02hi"));
  const std::string p126(126, 'a');
  EXPECT_EQ(frame(Opcode::text, p126), std::string("\x81\x7e\x00\x7e", 4) + p126);
  const std::string p65536(65536, 'b');
  EXPECT_EQ(frame(Opcode::text, p65536),
            std::string("\x81\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10) + p65536);
  EXPECT_EQ(Codec::frameSize(2), 4U);
  EXPECT_EQ(Codec::frameSize(126), 130U);
  EXPECT_EQ(Codec::frameSize(65536), 65546U);
}

TEST(CodecEncoder, PongAndClose) {
  EXPECT_EQ(frame(Opcode::pong, "p"), std::string("\x8a\x01p"));
  std::string out;
  Codec::appendClose(out, 1001, "bye");
  EXPECT_EQ(out, std::string("\x88\x05\x03\xe9"
                             "bye"));
  out.clear();
  Codec::appendClose(out, close_code::noStatus, "ignored");
  EXPECT_EQ(out, std::string("\x88\x00", 2));
}

TEST(CodecEncoder, LongCloseReasonIsCutOnACodePoint) {
  std::string reason(122, 'r');
  reason += "\xce\xba";  // 124 bytes: the cut must drop the whole code point
  std::string out;
  Codec::appendClose(out, 1000, reason);
  ASSERT_EQ(out.size(), 2U + 2U + 122U);
  EXPECT_EQ(Codec::closeFrameSize(reason), out.size());
  EXPECT_TRUE(isValidUtf8(std::string_view(out).substr(4)));
}

}  // namespace
}  // namespace wind::gateway
