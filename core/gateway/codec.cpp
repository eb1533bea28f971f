#include "gateway/codec.h"

#include <algorithm>
#include <cstring>

namespace wind::gateway {
namespace {

constexpr unsigned char kFin = 0x80;
constexpr unsigned char kReservedBits = 0x70;
constexpr unsigned char kOpcodeBits = 0x0F;
constexpr unsigned char kMaskBit = 0x80;
constexpr unsigned char kLengthBits = 0x7F;
constexpr std::size_t kMaxControlPayload = 125;
constexpr std::size_t kMaxCloseReason = kMaxControlPayload - 2;
// A message buffer grown past this is released after delivery, so that one
// large message does not pin memory on an otherwise idle connection.
constexpr std::size_t kKeptMessageCapacity = 16 * 1024;

bool isControl(Opcode opcode) noexcept { return (static_cast<unsigned>(opcode) & 0x8U) != 0; }

bool isKnownOpcode(unsigned opcode) noexcept {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

std::size_t truncatedReasonSize(std::string_view reason) noexcept {
  if (reason.size() <= kMaxCloseReason) return reason.size();
  std::size_t size = kMaxCloseReason;
  // Back off continuation bytes so the cut never splits a code point.
  while (size > 0 && (static_cast<unsigned char>(reason[size]) & 0xC0U) == 0x80U) --size;
  return size;
}

}  // namespace

bool isValidCloseCode(std::uint16_t code) noexcept {
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

bool Utf8Validator::feed(const char* data, std::size_t size) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  std::size_t i = 0;
  while (i < size) {
    if (pending_ == 0) {
      // ASCII runs (most JSON) are checked eight bytes at a time.
      while (i + 8 <= size) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, sizeof word);
        if ((word & 0x8080808080808080ULL) != 0) break;
        i += 8;
      }
      if (i >= size) break;
      const unsigned char lead = bytes[i++];
      if (lead < 0x80) continue;
      if (lead < 0xC2) return fail();  // continuation byte or overlong 2-byte form
      low_ = 0x80;
      high_ = 0xBF;
      if (lead < 0xE0) {
        pending_ = 1;
      } else if (lead < 0xF0) {
        pending_ = 2;
        if (lead == 0xE0) low_ = 0xA0;   // overlong 3-byte form
        if (lead == 0xED) high_ = 0x9F;  // UTF-16 surrogates
      } else if (lead < 0xF5) {
        pending_ = 3;
        if (lead == 0xF0) low_ = 0x90;   // overlong 4-byte form
        if (lead == 0xF4) high_ = 0x8F;  // above U+10FFFF
      } else {
        return fail();
      }
      continue;
    }
    const unsigned char next = bytes[i++];
    if (next < low_ || next > high_) return fail();
    low_ = 0x80;
    high_ = 0xBF;
    --pending_;
  }
  return true;
}

bool Utf8Validator::fail() noexcept {
  // Sticky: complete() stays false and no later byte is accepted.
  pending_ = 0xFF;
  low_ = 1;
  high_ = 0;
  return false;
}

bool isValidUtf8(std::string_view text) noexcept {
  Utf8Validator validator;
  return validator.feed(text.data(), text.size()) && validator.complete();
}

Codec::Codec(std::size_t maxMessageBytes) noexcept : maxMessageBytes_(maxMessageBytes) {}

void Codec::feed(char* data, std::size_t size, CodecEvents& events) {
  std::size_t pos = 0;
  while (pos < size && !stopped_) {
    if (phase_ == Phase::header) {
      pos += takeHeader(data + pos, size - pos, events);
    } else {
      pos += takePayload(data + pos, size - pos, events);
    }
  }
}

std::size_t Codec::takeHeader(const char* data, std::size_t size, CodecEvents& events) {
  std::size_t used = 0;
  while (used < size && headerHave_ < headerNeed_) {
    header_[headerHave_++] = static_cast<unsigned char>(data[used++]);
    // The first two bytes are checked before the rest arrives: fail fast.
    if (headerHave_ == 2 && !checkFirstBytes(events)) return used;
  }
  if (headerHave_ == headerNeed_) startFrame(events);
  return used;
}

bool Codec::checkFirstBytes(CodecEvents& events) {
  const unsigned char first = header_[0];
  const unsigned char second = header_[1];
  const unsigned opcode = first & kOpcodeBits;
  const unsigned length = second & kLengthBits;
  if ((first & kReservedBits) != 0) {
    fail(events, close_code::protocolError, "Reserved bits set.");
    return false;
  }
  if (!isKnownOpcode(opcode)) {
    fail(events, close_code::protocolError, "Unknown opcode.");
    return false;
  }
  if ((second & kMaskBit) == 0) {
    fail(events, close_code::protocolError, "Client frames must be masked.");
    return false;
  }
  fin_ = (first & kFin) != 0;
  opcode_ = static_cast<Opcode>(opcode);
  if (isControl(opcode_)) {
    if (!fin_ || length > kMaxControlPayload) {
      fail(events, close_code::protocolError, "Invalid control frame.");
      return false;
    }
  } else if (opcode_ == Opcode::continuation && messageOpcode_ == Opcode::continuation) {
    fail(events, close_code::protocolError, "Continuation without a message.");
    return false;
  } else if (opcode_ != Opcode::continuation && messageOpcode_ != Opcode::continuation) {
    fail(events, close_code::protocolError, "New message inside a fragmented one.");
    return false;
  }
  const unsigned extended = length == 126 ? 2 : length == 127 ? 8 : 0;
  headerNeed_ = static_cast<std::uint8_t>(2 + extended + 4);
  return true;
}

bool Codec::startFrame(CodecEvents& events) {
  const unsigned length7 = header_[1] & kLengthBits;
  std::uint64_t length = length7;
  std::size_t at = 2;
  if (length7 >= 126) {
    const std::size_t bytes = length7 == 126 ? 2 : 8;
    length = 0;
    for (std::size_t i = 0; i < bytes; ++i) length = (length << 8) | header_[at++];
    if ((length >> 63) != 0) {
      fail(events, close_code::protocolError, "Invalid frame length.");
      return false;
    }
  }
  std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(at), 4, mask_.begin());
  headerHave_ = 0;
  headerNeed_ = 2;
  if (!isControl(opcode_)) {
    if (length > maxMessageBytes_ || message_.size() > maxMessageBytes_ - length) {
      fail(events, close_code::tooBig, "Message too big.");
      return false;
    }
    if (opcode_ != Opcode::continuation) {
      messageOpcode_ = opcode_;
      utf8_.reset();
    }
  }
  remaining_ = length;
  maskPos_ = 0;
  controlSize_ = 0;
  phase_ = Phase::payload;
  if (remaining_ == 0) {
    phase_ = Phase::header;
    if (isControl(opcode_)) {
      finishControlFrame(events);
    } else {
      finishDataFrame(events);
    }
  }
  return !stopped_;
}

std::size_t Codec::takePayload(char* data, std::size_t size, CodecEvents& events) {
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, size));
  if (isControl(opcode_)) {
    takeControlPayload(data, take);
    if (remaining_ == 0) {
      phase_ = Phase::header;
      finishControlFrame(events);
    }
    return take;
  }
  const bool wholeFrameHere = take == remaining_;
  if (wholeFrameHere && fin_ && opcode_ != Opcode::continuation && message_.empty()) {
    // Zero-copy path: the whole single-frame message lies in the read buffer.
    unmask(data, take);
    remaining_ = 0;
    phase_ = Phase::header;
    if (opcode_ == Opcode::text && !(utf8_.feed(data, take) && utf8_.complete())) {
      fail(events, close_code::invalidPayload, "Invalid UTF-8.");
      return take;
    }
    deliverMessage(opcode_, std::string_view(data, take), events);
    return take;
  }
  takeDataPayload(data, take, events);
  return take;
}

void Codec::takeDataPayload(char* data, std::size_t size, CodecEvents& events) {
  const std::size_t old = message_.size();
  message_.append(data, size);
  char* appended = message_.data() + old;
  unmask(appended, size);
  remaining_ -= size;
  if (messageOpcode_ == Opcode::text && !utf8_.feed(appended, size)) {
    fail(events, close_code::invalidPayload, "Invalid UTF-8.");
    return;
  }
  if (remaining_ == 0) {
    phase_ = Phase::header;
    finishDataFrame(events);
  }
}

void Codec::takeControlPayload(char* data, std::size_t size) {
  char* target = control_.data() + controlSize_;
  std::memcpy(target, data, size);
  unmask(target, size);
  controlSize_ = static_cast<std::uint8_t>(controlSize_ + size);
  remaining_ -= size;
}

void Codec::finishDataFrame(CodecEvents& events) {
  if (!fin_) return;
  if (messageOpcode_ == Opcode::text && !utf8_.complete()) {
    fail(events, close_code::invalidPayload, "Invalid UTF-8.");
    return;
  }
  deliverMessage(messageOpcode_, message_, events);
  if (message_.capacity() > kKeptMessageCapacity) {
    std::string().swap(message_);
  } else {
    message_.clear();
  }
}

void Codec::deliverMessage(Opcode opcode, std::string_view message, CodecEvents& events) {
  messageOpcode_ = Opcode::continuation;
  if (opcode == Opcode::text) {
    events.onText(message);
  } else {
    events.onBinary(message);
  }
}

void Codec::finishControlFrame(CodecEvents& events) {
  const std::string_view payload(control_.data(), controlSize_);
  if (opcode_ == Opcode::ping) {
    events.onPing(payload);
    return;
  }
  if (opcode_ == Opcode::pong) {
    events.onPong(payload);
    return;
  }
  if (payload.empty()) {
    stopped_ = true;
    events.onClose(close_code::noStatus, {});
    return;
  }
  if (payload.size() == 1) {
    fail(events, close_code::protocolError, "Close payload of one byte.");
    return;
  }
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!isValidCloseCode(code)) {
    fail(events, close_code::protocolError, "Invalid close code.");
    return;
  }
  const std::string_view reason = payload.substr(2);
  if (!isValidUtf8(reason)) {
    fail(events, close_code::invalidPayload, "Invalid UTF-8 in close reason.");
    return;
  }
  stopped_ = true;
  events.onClose(code, reason);
}

void Codec::fail(CodecEvents& events, std::uint16_t code, std::string_view reason) {
  stopped_ = true;
  events.onProtocolError(code, reason);
}

void Codec::unmask(char* data, std::size_t size) noexcept {
  std::array<unsigned char, 8> key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = mask_[(maskPos_ + i) & 3U];
  std::uint64_t key64;
  std::memcpy(&key64, key.data(), sizeof key64);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    word ^= key64;
    std::memcpy(data + i, &word, sizeof word);
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[i & 7U]);
  maskPos_ = static_cast<std::uint8_t>((maskPos_ + size) & 3U);
}

std::size_t Codec::frameSize(std::size_t payloadSize) noexcept {
  const std::size_t header = payloadSize < 126 ? 2 : payloadSize <= 0xFFFF ? 4 : 10;
  return header + payloadSize;
}

std::size_t Codec::closeFrameSize(std::string_view reason) noexcept {
  return frameSize(2 + truncatedReasonSize(reason));
}

void Codec::appendFrame(std::string& out, Opcode opcode, std::string_view payload) {
  std::array<char, 10> header{};
  header[0] = static_cast<char>(kFin | static_cast<unsigned char>(opcode));
  std::size_t headerSize = 2;
  const std::uint64_t size = payload.size();
  if (size < 126) {
    header[1] = static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    header[1] = 126;
    header[2] = static_cast<char>(size >> 8);
    header[3] = static_cast<char>(size);
    headerSize = 4;
  } else {
    header[1] = 127;
    for (std::size_t i = 0; i < 8; ++i) header[2 + i] = static_cast<char>(size >> (56 - 8 * i));
    headerSize = 10;
  }
  out.append(header.data(), headerSize);
  out.append(payload);
}

void Codec::appendClose(std::string& out, std::uint16_t code, std::string_view reason) {
  if (code == close_code::noStatus) {
    appendFrame(out, Opcode::close, {});
    return;
  }
  std::array<char, 2 + kMaxCloseReason> payload{};
  payload[0] = static_cast<char>(code >> 8);
  payload[1] = static_cast<char>(code);
  const std::size_t reasonSize = truncatedReasonSize(reason);
  std::copy_n(reason.data(), reasonSize, payload.data() + 2);
  appendFrame(out, Opcode::close, std::string_view(payload.data(), 2 + reasonSize));
}

}  // namespace wind::gateway
