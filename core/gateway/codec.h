#pragma once
// RFC 6455 server-side framing as a pure class: no sockets, no threads.
// The event loop feeds whatever bytes a read() returned (frames may be split
// anywhere, down to one byte per call) and gets whole messages back through
// CodecEvents; the encoder appends unmasked server frames to a buffer.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wind::gateway {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes used by the gateway (RFC 6455 §7.4, PROTOCOL.md §3.7).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t goingAway = 1001;
inline constexpr std::uint16_t protocolError = 1002;
// Never sent: stands for "the close frame had no payload".
inline constexpr std::uint16_t noStatus = 1005;
inline constexpr std::uint16_t invalidPayload = 1007;
inline constexpr std::uint16_t policy = 1008;
inline constexpr std::uint16_t tooBig = 1009;
inline constexpr std::uint16_t internalError = 1011;
}  // namespace close_code

// True for the codes a peer may put in a close frame (RFC 6455 §7.4.1 plus
// the IANA-registered 1012–1014, and the 3000–4999 application range).
bool isValidCloseCode(std::uint16_t code) noexcept;

// Incremental UTF-8 validation: bytes may arrive in any split. Rejects as
// soon as the bytes fed so far cannot begin a valid string (overlong forms,
// UTF-16 surrogates, code points above U+10FFFF, stray continuation bytes).
class Utf8Validator {
 public:
  // False once the input is definitely invalid; stays false until reset().
  bool feed(const char* data, std::size_t size) noexcept;
  // True when everything fed so far ends on a code point boundary.
  bool complete() const noexcept { return pending_ == 0; }
  void reset() noexcept { pending_ = 0; }

 private:
  bool fail() noexcept;

  std::uint8_t pending_ = 0;  // continuation bytes still expected
  std::uint8_t low_ = 0x80;   // allowed range of the next continuation byte
  std::uint8_t high_ = 0xBF;
};

// Whole-string convenience over Utf8Validator.
bool isValidUtf8(std::string_view text) noexcept;

// Receives the decoder's events, synchronously from inside Codec::feed().
// Views point into the caller's buffer or the codec's own, and are valid
// only during the call.
class CodecEvents {
 public:
  virtual ~CodecEvents() = default;
  // A complete text message, fragments joined, valid UTF-8.
  virtual void onText(std::string_view message) = 0;
  virtual void onBinary(std::string_view message) = 0;
  // The owner answers with Codec::appendFrame(out, Opcode::pong, payload).
  virtual void onPing(std::string_view payload) = 0;
  virtual void onPong(std::string_view payload) = 0;
  // The peer's close frame; `code` is close_code::noStatus when it had no
  // payload. The codec stops decoding after it.
  virtual void onClose(std::uint16_t code, std::string_view reason) = 0;
  // The peer broke the protocol; `code` is the close code to send (1002,
  // 1007 or 1009), `reason` a short text for the close frame and the logs.
  // The codec stops decoding after it.
  virtual void onProtocolError(std::uint16_t code, std::string_view reason) = 0;
};

// Decoder of client frames plus the encoder of server frames.
class Codec {
 public:
  // `maxMessageBytes` bounds a data message (one frame or all its fragments).
  explicit Codec(std::size_t maxMessageBytes) noexcept;

  // Decodes `size` bytes. Unmasks in place, so `data` must be writable; a
  // complete unfragmented frame inside `data` is delivered without a copy.
  // Returns early once stopped (close, protocol error or halt()).
  void feed(char* data, std::size_t size, CodecEvents& events);

  // Stops decoding: later input is ignored. Safe to call from an event.
  void halt() noexcept { stopped_ = true; }
  bool stopped() const noexcept { return stopped_; }

  // Encoder. Appends one final (FIN) unmasked frame with 7/16/64-bit length.
  static void appendFrame(std::string& out, Opcode opcode, std::string_view payload);
  // Appends a close frame; noStatus gives an empty payload. `reason` is cut
  // to 123 bytes on a code point boundary.
  static void appendClose(std::string& out, std::uint16_t code, std::string_view reason);
  // Bytes appendFrame() adds for a payload of `payloadSize` bytes.
  static std::size_t frameSize(std::size_t payloadSize) noexcept;
  static std::size_t closeFrameSize(std::string_view reason) noexcept;

 private:
  enum class Phase : std::uint8_t { header, payload };

  std::size_t takeHeader(const char* data, std::size_t size, CodecEvents& events);
  bool checkFirstBytes(CodecEvents& events);
  bool startFrame(CodecEvents& events);
  std::size_t takePayload(char* data, std::size_t size, CodecEvents& events);
  void takeDataPayload(char* data, std::size_t size, CodecEvents& events);
  void takeControlPayload(char* data, std::size_t size);
  void finishDataFrame(CodecEvents& events);
  void finishControlFrame(CodecEvents& events);
  void deliverMessage(Opcode opcode, std::string_view message, CodecEvents& events);
  void fail(CodecEvents& events, std::uint16_t code, std::string_view reason);
  void unmask(char* data, std::size_t size) noexcept;

  std::size_t maxMessageBytes_;
  Phase phase_ = Phase::header;
  bool stopped_ = false;
  bool fin_ = false;
  Opcode opcode_ = Opcode::continuation;
  std::uint8_t headerHave_ = 0;
  std::uint8_t headerNeed_ = 2;
  std::uint8_t maskPos_ = 0;
  std::array<unsigned char, 14> header_{};
  std::array<unsigned char, 4> mask_{};
  std::uint64_t remaining_ = 0;
  // The data message being assembled; `messageOpcode_` is continuation when
  // no fragmented message is in progress.
  Opcode messageOpcode_ = Opcode::continuation;
  std::string message_;
  Utf8Validator utf8_;
  std::array<char, 125> control_{};
  std::uint8_t controlSize_ = 0;
};

}  // namespace wind::gateway
